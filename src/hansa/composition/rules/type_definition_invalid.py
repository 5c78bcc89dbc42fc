"""``TYPE_DEFINITION_INVALID``: ``FieldSet`` (and its Fed 1 and prefixed names) may be redefined
only as a scalar, since field sets are strings."""

from __future__ import annotations

from graphql import (
    EnumTypeDefinitionNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    UnionTypeDefinitionNode,
    parse,
)

from hansa.composition.rules.context import SubgraphContext

_KIND_NAMES = {
    ScalarTypeDefinitionNode: "ScalarType",
    EnumTypeDefinitionNode: "EnumType",
    ObjectTypeDefinitionNode: "ObjectType",
    InterfaceTypeDefinitionNode: "InterfaceType",
    UnionTypeDefinitionNode: "UnionType",
    InputObjectTypeDefinitionNode: "InputObjectType",
}


def type_definition_invalid(context: SubgraphContext) -> None:
    for definition in parse(context.subgraph.sdl).definitions:
        name = getattr(getattr(definition, "name", None), "value", None)
        if name in ("FieldSet", "_FieldSet", "federation__FieldSet") and not isinstance(
            definition, ScalarTypeDefinitionNode
        ):
            kind = _KIND_NAMES.get(type(definition), "type")
            context.report(
                "TYPE_DEFINITION_INVALID",
                f"Invalid definition for type {name}: {name} should be a ScalarType but is defined as a {kind}",
            )
