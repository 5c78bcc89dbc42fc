"""FIELD_TYPE_CHANGED: a kept output field returns another type. Safe when every answer of the
new type is one a reader of the old type accepts (same named type and list structure, positions
only made non-null: ``String`` → ``String!``); breaking otherwise (another named type, a list
structure change, a non-null position made nullable: a client may now get a null it never
handled)."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext, field_coordinate, is_safe_output_change


def field_type_changed(context: ChangeContext) -> None:
    for old_type, name, old_field, new_field in context.fields_in_both():
        if str(old_field.type) == str(new_field.type):
            continue
        coordinate = field_coordinate(old_type.name, name)
        safe = is_safe_output_change(old_field.type, new_field.type)
        context.report(
            "FIELD_TYPE_CHANGED",
            "safe" if safe else "breaking",
            coordinate,
            f"Field `{coordinate}` changed type from `{old_field.type}` to `{new_field.type}`.",
        )
