"""FIELD_ADDED (safe): a kept object or interface type has a new field. No existing operation
selects it."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext, field_coordinate


def field_added(context: ChangeContext) -> None:
    for old_type, new_type in context.composite_types_in_both():
        for name, new_field in new_type.fields.items():
            if name not in old_type.fields:
                coordinate = field_coordinate(new_type.name, name)
                context.report(
                    "FIELD_ADDED",
                    "safe",
                    coordinate,
                    f"Field `{coordinate}: {new_field.type}` was added.",
                )
