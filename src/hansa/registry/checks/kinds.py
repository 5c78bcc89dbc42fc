"""How messages name a type's kind."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

_KINDS: tuple[tuple[type[GraphQLNamedType], str], ...] = (
    (GraphQLObjectType, "Object type"),
    (GraphQLInterfaceType, "Interface"),
    (GraphQLUnionType, "Union"),
    (GraphQLEnumType, "Enum"),
    (GraphQLInputObjectType, "Input object"),
    (GraphQLScalarType, "Scalar"),
)


def kind_name(type_: GraphQLNamedType) -> str:
    for kind, name in _KINDS:
        if isinstance(type_, kind):
            return name
    return "Type"
