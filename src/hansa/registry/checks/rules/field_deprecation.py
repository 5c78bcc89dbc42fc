"""FIELD_DEPRECATED, FIELD_DEPRECATION_REMOVED, FIELD_DEPRECATION_REASON_CHANGED (all safe):
``@deprecated`` changes nothing an operation can observe but introspection's
``isDeprecated``/``deprecationReason``; every operation keeps validating and answering alike."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext, field_coordinate


def field_deprecation(context: ChangeContext) -> None:
    for old_type, name, old_field, new_field in context.fields_in_both():
        old, new = old_field.deprecation_reason, new_field.deprecation_reason
        if old == new:
            continue
        coordinate = field_coordinate(old_type.name, name)
        if old is None:
            context.report(
                "FIELD_DEPRECATED", "safe", coordinate, f"Field `{coordinate}` is deprecated: {new}"
            )
        elif new is None:
            context.report(
                "FIELD_DEPRECATION_REMOVED",
                "safe",
                coordinate,
                f"Field `{coordinate}` is no longer deprecated.",
            )
        else:
            context.report(
                "FIELD_DEPRECATION_REASON_CHANGED",
                "safe",
                coordinate,
                f"Field `{coordinate}` deprecation reason changed to: {new}",
            )
