"""Derive the API schema (what clients see) from a supergraph document.

Removes the federation machinery (join/link/core definitions and every spec directive usage) and
every ``@inaccessible`` type, field, argument, enum value, input field and union member. The
result is a plain graphql-core schema used for validation, variable coercion and introspection.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DirectiveLocation,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    GraphQLSchema,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    Node,
    ObjectTypeDefinitionNode,
    SchemaDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    build_ast_schema,
    is_abstract_type,
)

KEPT_DIRECTIVES = frozenset({"deprecated", "specifiedBy", "oneOf"})
_SPEC_URL = re.compile(r"^https://specs\.apollo\.dev/([a-zA-Z]+)/v\d+\.\d+$")
_EXECUTABLE = {
    DirectiveLocation.QUERY.name,
    DirectiveLocation.MUTATION.name,
    DirectiveLocation.SUBSCRIPTION.name,
    DirectiveLocation.FIELD.name,
    DirectiveLocation.FRAGMENT_DEFINITION.name,
    DirectiveLocation.FRAGMENT_SPREAD.name,
    DirectiveLocation.INLINE_FRAGMENT.name,
    DirectiveLocation.VARIABLE_DEFINITION.name,
}


def _replace(node: Node, **changes: Any) -> Any:
    values = {key: getattr(node, key) for key in node.keys}
    values.update(changes)
    return node.__class__(**values)


def _spec_directive_names(document: DocumentNode) -> tuple[set[str], str]:
    """Names of directives that belong to linked specs, and the name of ``@inaccessible``."""
    spec_names: set[str] = {"link", "core"}
    inaccessible = "inaccessible"
    for definition in document.definitions:
        if not isinstance(definition, SchemaDefinitionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value not in ("link", "core"):
                continue
            for arg in directive.arguments or ():
                if arg.name.value in ("url", "feature") and isinstance(arg.value, StringValueNode):
                    match = _SPEC_URL.match(arg.value.value)
                    if match is None:
                        continue
                    alias = next(
                        (
                            a.value.value
                            for a in directive.arguments or ()
                            if a.name.value == "as" and isinstance(a.value, StringValueNode)
                        ),
                        match.group(1),
                    )
                    spec_names.add(alias)
                    if match.group(1) == "inaccessible":
                        inaccessible = alias
    return spec_names, inaccessible


def _keep_directives(directives: Any) -> tuple[DirectiveNode, ...]:
    return tuple(d for d in directives or () if d.name.value in KEPT_DIRECTIVES)


def _hidden(node: Any, inaccessible: str) -> bool:
    return any(d.name.value == inaccessible for d in getattr(node, "directives", None) or ())


def build_api_schema(document: DocumentNode, internal_prefixes: tuple[str, ...]) -> GraphQLSchema:
    spec_names, inaccessible = _spec_directive_names(document)
    hidden_types = {
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode)
        and (d.name.value.startswith(internal_prefixes) or _hidden(d, inaccessible))
    }

    def visible(node: Any) -> bool:
        return not _hidden(node, inaccessible)

    def named_type(type_node: Any) -> str:
        while hasattr(type_node, "type"):
            type_node = type_node.type
        return str(type_node.name.value)

    def clean_args(args: Any) -> tuple[Any, ...]:
        return tuple(
            _replace(a, directives=_keep_directives(a.directives))
            for a in args or ()
            if visible(a) and named_type(a.type) not in hidden_types
        )

    def clean_fields(fields: Any) -> tuple[Any, ...]:
        result = []
        for f in fields or ():
            if not visible(f) or named_type(f.type) in hidden_types:
                continue
            changes: dict[str, Any] = {"directives": _keep_directives(f.directives)}
            if hasattr(f, "arguments"):
                changes["arguments"] = clean_args(f.arguments)
            result.append(_replace(f, **changes))
        return tuple(result)

    kept: list[Any] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            kept.append(_replace(definition, directives=()))
        elif isinstance(definition, DirectiveDefinitionNode):
            name = definition.name.value
            if name.split("__")[0] in spec_names or name in spec_names:
                continue
            if name.startswith(internal_prefixes):
                continue
            if not any(loc.value in _EXECUTABLE for loc in definition.locations):
                continue
            kept.append(_replace(definition, arguments=clean_args(definition.arguments)))
        elif isinstance(definition, TypeDefinitionNode):
            if definition.name.value in hidden_types:
                continue
            changes: dict[str, Any] = {"directives": _keep_directives(definition.directives)}
            if isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
                changes["fields"] = clean_fields(definition.fields)
                changes["interfaces"] = tuple(
                    i for i in definition.interfaces or () if i.name.value not in hidden_types
                )
            elif isinstance(definition, InputObjectTypeDefinitionNode):
                changes["fields"] = clean_fields(definition.fields)
            elif isinstance(definition, UnionTypeDefinitionNode):
                changes["types"] = tuple(
                    t for t in definition.types or () if t.name.value not in hidden_types
                )
            elif isinstance(definition, EnumTypeDefinitionNode):
                changes["values"] = tuple(
                    _replace(v, directives=_keep_directives(v.directives))
                    for v in definition.values or ()
                    if visible(v)
                )
            kept.append(_replace(definition, **changes))
    return build_ast_schema(DocumentNode(definitions=tuple(kept)), assume_valid_sdl=True)


def object_types(schema: GraphQLSchema, type_name: str) -> list[str]:
    """The object types a value of ``type_name`` can have in ``schema``: itself for an object,
    its possible types for an interface or union, none for a name the schema lacks."""
    graphql_type = schema.get_type(type_name)
    if graphql_type is None:
        return []
    if is_abstract_type(graphql_type):
        return [t.name for t in schema.get_possible_types(graphql_type)]
    return [type_name]
