"""INPUT_FIELD_TYPE_CHANGED: a kept input field takes another type. The argument rules'
judgement: safe when only positions became nullable, breaking otherwise (another named type or
list structure rejects values written for the old one; a nullable position made non-null
rejects null and, when now required, every value omitting it)."""

from __future__ import annotations

from graphql import GraphQLInputObjectType

from hansa.registry.checks.changes import ChangeContext, field_coordinate, is_safe_input_change


def input_field_type_changed(context: ChangeContext) -> None:
    for old_type, new_type in context.types_in_both(GraphQLInputObjectType):
        for name, old_field in old_type.fields.items():
            new_field = new_type.fields.get(name)
            if new_field is None or str(old_field.type) == str(new_field.type):
                continue
            coordinate = field_coordinate(old_type.name, name)
            safe = is_safe_input_change(old_field.type, new_field.type)
            context.report(
                "INPUT_FIELD_TYPE_CHANGED",
                "safe" if safe else "breaking",
                coordinate,
                f"Input field `{coordinate}` changed type from `{old_field.type}` to "
                f"`{new_field.type}`.",
            )
