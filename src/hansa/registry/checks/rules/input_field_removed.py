"""INPUT_FIELD_REMOVED (breaking): a kept input object lost a field. Object literals and
variables giving it are rejected (ValuesOfCorrectType, variable coercion)."""

from __future__ import annotations

from graphql import GraphQLInputObjectType

from hansa.registry.checks.changes import ChangeContext, field_coordinate


def input_field_removed(context: ChangeContext) -> None:
    for old_type, new_type in context.types_in_both(GraphQLInputObjectType):
        for name, old_field in old_type.fields.items():
            if name in new_type.fields:
                continue
            coordinate = field_coordinate(old_type.name, name)
            message = f"Input field `{coordinate}` was removed"
            if old_field.deprecation_reason is not None:
                message += f" (deprecated: {old_field.deprecation_reason})"
            context.report("INPUT_FIELD_REMOVED", "breaking", coordinate, message + ".")
