"""ENUM_VALUE_DEPRECATED / ENUM_VALUE_DEPRECATION_REMOVED (safe): ``@deprecated`` on an enum
value changes introspection only."""

from __future__ import annotations

from graphql import GraphQLEnumType

from hansa.registry.checks.changes import ChangeContext, field_coordinate


def enum_value_deprecation(context: ChangeContext) -> None:
    for old_type, new_type in context.types_in_both(GraphQLEnumType):
        for name, old_value in old_type.values.items():
            new_value = new_type.values.get(name)
            if new_value is None:
                continue
            old, new = old_value.deprecation_reason, new_value.deprecation_reason
            coordinate = field_coordinate(old_type.name, name)
            if old is None and new is not None:
                context.report(
                    "ENUM_VALUE_DEPRECATED",
                    "safe",
                    coordinate,
                    f"Enum value `{coordinate}` is deprecated: {new}",
                )
            elif old is not None and new is None:
                context.report(
                    "ENUM_VALUE_DEPRECATION_REMOVED",
                    "safe",
                    coordinate,
                    f"Enum value `{coordinate}` is no longer deprecated.",
                )
