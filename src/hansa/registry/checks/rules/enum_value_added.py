"""ENUM_VALUE_ADDED (dangerous): a kept enum has a new value. Every operation stays valid, but
a client switching over the values it knew may now receive one it does not handle."""

from __future__ import annotations

from graphql import GraphQLEnumType

from hansa.registry.checks.changes import ChangeContext, field_coordinate


def enum_value_added(context: ChangeContext) -> None:
    for old_type, new_type in context.types_in_both(GraphQLEnumType):
        for name in new_type.values:
            if name not in old_type.values:
                coordinate = field_coordinate(new_type.name, name)
                context.report(
                    "ENUM_VALUE_ADDED",
                    "dangerous",
                    coordinate,
                    f"Enum value `{coordinate}` was added; clients may not handle it.",
                )
