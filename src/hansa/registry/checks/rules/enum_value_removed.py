"""ENUM_VALUE_REMOVED (breaking): a kept enum lost a value. Operations writing it as a literal
no longer validate, variables holding it are rejected, and a client reading the enum may rely
on it."""

from __future__ import annotations

from graphql import GraphQLEnumType

from hansa.registry.checks.changes import ChangeContext, field_coordinate


def enum_value_removed(context: ChangeContext) -> None:
    for old_type, new_type in context.types_in_both(GraphQLEnumType):
        for name, old_value in old_type.values.items():
            if name in new_type.values:
                continue
            coordinate = field_coordinate(old_type.name, name)
            message = f"Enum value `{coordinate}` was removed"
            if old_value.deprecation_reason is not None:
                message += f" (deprecated: {old_value.deprecation_reason})"
            context.report("ENUM_VALUE_REMOVED", "breaking", coordinate, message + ".")
