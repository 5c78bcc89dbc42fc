"""Build an executable graphql-core schema for a federation subgraph from its SDL.

Adds what the federation subgraph spec requires on top of the user's SDL: the federation
directive definitions (under their imported names), ``_Any``, ``_Service``, the ``_Entity``
union of every type with ``@key``, and ``Query._service`` / ``Query._entities``. Fed 1 style
``extend type X`` without a base definition is turned into a definition, as federation expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationType,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    build_ast_schema,
    concat_ast,
    parse,
)
from graphql.language import DefinitionNode

from hansa.subgraph.federation_spec import (
    LinkedSpec,
    check_supported,
    detect_spec,
    missing_definitions,
)


@dataclass(frozen=True)
class SubgraphSchema:
    """The executable schema plus what the runtime needs to know about entities."""

    schema: GraphQLSchema
    spec: LinkedSpec
    entity_types: tuple[str, ...]
    entity_interfaces: tuple[str, ...]
    query_type: str


def _rebuilt(node: DefinitionNode, kind: type[DefinitionNode], **changes: Any) -> DefinitionNode:
    """``node`` as a new node of ``kind`` (graphql-core nodes are frozen), with ``changes``."""
    kept = {k: getattr(node, k) for k in node.keys if k != "loc" and k not in changes}
    return kind(**kept, **changes)


_BASE_OF: dict[type[DefinitionNode], type[DefinitionNode]] = {
    ObjectTypeExtensionNode: ObjectTypeDefinitionNode,
    InterfaceTypeExtensionNode: InterfaceTypeDefinitionNode,
    UnionTypeExtensionNode: UnionTypeDefinitionNode,
    EnumTypeExtensionNode: EnumTypeDefinitionNode,
    InputObjectTypeExtensionNode: InputObjectTypeDefinitionNode,
}


def _promote_orphan_extensions(definitions: list[DefinitionNode]) -> list[DefinitionNode]:
    """``extend type T`` (or interface, union, enum, input) with no base definition in this
    subgraph becomes a definition: federation lets another subgraph hold the base (Fed 1
    entities, Fed 2 extensions); composition says so when no subgraph does."""
    defined = {
        d.name.value
        for d in definitions
        if isinstance(d, tuple(_BASE_OF.values())) and hasattr(d, "name")
    }
    result: list[DefinitionNode] = []
    for d in definitions:
        base = _BASE_OF.get(type(d))
        name = getattr(getattr(d, "name", None), "value", None)
        if base is not None and name not in defined:
            defined.add(name)
            d = _rebuilt(d, base)
        result.append(d)
    return result


PLUMBING_TYPES = frozenset({"_Any", "_Service", "_Entity"})
PLUMBING_FIELDS = frozenset({"_entities", "_service"})


def _without_plumbing(definitions: list[DefinitionNode], query: str) -> list[DefinitionNode]:
    """The SDL without the federation plumbing that some libraries print in ``_service.sdl``
    (``@apollo/subgraph``, Fed 1 libraries): ``_Any``, ``_Service``, ``_Entity`` and
    ``Query._entities``/``_service``. They are added back from the schema's own entities."""
    result: list[DefinitionNode] = []
    for d in definitions:
        name = getattr(getattr(d, "name", None), "value", None)
        if name in PLUMBING_TYPES:
            continue
        if name == query and isinstance(d, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            fields = tuple(f for f in d.fields or () if f.name.value not in PLUMBING_FIELDS)
            if len(fields) != len(d.fields or ()):
                if not fields and isinstance(d, ObjectTypeExtensionNode) and not d.directives:
                    continue
                d = _rebuilt(d, type(d), fields=fields)
        result.append(d)
    return result


def _root_query_name(definitions: list[DefinitionNode]) -> str:
    for d in definitions:
        if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode):
            for op in d.operation_types or ():
                if op.operation == OperationType.QUERY:
                    return op.type.name.value
    return "Query"


def _has_directive(node: DefinitionNode, name: str) -> bool:
    directives = getattr(node, "directives", None) or ()
    return any(d.name.value == name for d in directives)


def build_subgraph_schema(sdl: str) -> SubgraphSchema:
    """Parse, complete and build the subgraph schema. Raises ``GraphQLError`` on invalid SDL."""
    document = parse(sdl)
    spec = detect_spec(document)
    check_supported(spec)
    query_name = _root_query_name(list(document.definitions))
    definitions = _promote_orphan_extensions(
        _without_plumbing(list(document.definitions), query_name)
    )
    key_name = spec.name_of("key")

    entity_types: list[str] = []
    entity_interfaces: list[str] = []
    for d in definitions:
        if not _has_directive(d, key_name):
            continue
        if isinstance(d, ObjectTypeDefinitionNode | ObjectTypeExtensionNode):
            if d.name.value not in entity_types:
                entity_types.append(d.name.value)
        elif isinstance(d, InterfaceTypeDefinitionNode | InterfaceTypeExtensionNode):
            entity_interfaces.append(d.name.value)

    has_query = any(
        isinstance(d, ObjectTypeDefinitionNode) and d.name.value == query_name for d in definitions
    )
    additions = [
        missing_definitions(document, spec),
        "scalar _Any",
        "type _Service { sdl: String }",
    ]
    if not has_query:
        additions.append(f"type {query_name}")
    query_fields = ["_service: _Service!"]
    if entity_types:
        additions.append(f"union _Entity = {' | '.join(entity_types)}")
        query_fields.insert(0, "_entities(representations: [_Any!]!): [_Entity]!")
    additions.append(f"extend type {query_name} {{ {' '.join(query_fields)} }}")

    full = concat_ast([DocumentNode(definitions=tuple(definitions)), parse("\n".join(additions))])
    schema = build_ast_schema(full)
    return SubgraphSchema(
        schema=schema,
        spec=spec,
        entity_types=tuple(entity_types),
        entity_interfaces=tuple(entity_interfaces),
        query_type=query_name,
    )
