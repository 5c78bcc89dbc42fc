"""What two subgraph SDLs mean, compared without order, whitespace or federation plumbing, and
``_entities`` probes built from a schema's keys (for resolver-free side-by-side tests).

``canonical_sdl`` folds every definition and extension of a name into one record (kind,
interfaces, members, applied directives, fields with arguments, types and directives,
descriptions), and drops what a subgraph library adds on its own: the federation and link
directive and scalar definitions, ``_Any``/``_Service``/``_Entity``, ``Query._entities`` and
``Query._service`` (and a query type that only holds them), the ``@link`` to the link spec itself
and a root schema definition that only names the default root types.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    OperationDefinitionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    SelectionSetNode,
    parse,
    print_ast,
)

from hansa.composition.subgraph_reader import TYPE_KINDS

FEDERATION_DIRECTIVES = {
    "key", "requires", "provides", "external", "extends", "shareable", "inaccessible", "tag",
    "override", "composeDirective", "interfaceObject", "authenticated", "requiresScopes",
    "policy", "cost", "listSize", "context", "fromContext", "cacheTag", "link",
}  # fmt: skip
PLUMBING_TYPES = {"_Any", "_Service", "_Entity", "_FieldSet", "FieldSet", "Scope", "Policy"}
PLUMBING_FIELDS = {"_entities", "_service"}
LINK_SPEC = "https://specs.apollo.dev/link/"


def _directives(nodes: Any) -> list[str]:
    return sorted(print_ast(d) for d in nodes or ())


def _is_plumbing_type(name: str) -> bool:
    return name in PLUMBING_TYPES or name.startswith("link__") or "__" in name.strip("_")


def _is_plumbing_directive(name: str) -> bool:
    base = name.split("__", 1)[-1]
    return base in FEDERATION_DIRECTIVES or name in FEDERATION_DIRECTIVES


def _description(node: Any) -> str | None:
    return node.description.value if getattr(node, "description", None) else None


def canonical_sdl(sdl: str) -> dict[str, Any]:
    document: DocumentNode = parse(sdl)
    types: dict[str, dict[str, Any]] = {}
    schema_directives: list[str] = []
    roots: dict[str, str] = {}
    directives: dict[str, str] = {}
    for node in document.definitions:
        if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode):
            for d in node.directives or ():
                if not _links_link_spec(d):
                    schema_directives.append(print_ast(d))
            for op in node.operation_types or ():
                roots[op.operation.value] = op.type.name.value
        elif isinstance(node, DirectiveDefinitionNode):
            if not _is_plumbing_directive(node.name.value):
                directives[node.name.value] = print_ast(node)
        elif type(node) in TYPE_KINDS:
            name = node.name.value
            if _is_plumbing_type(name):
                continue
            record = types.setdefault(
                name,
                {"kind": TYPE_KINDS[type(node)], "directives": [], "members": [], "fields": {}},
            )
            record["description"] = record.get("description") or _description(node)
            record["directives"] = sorted(record["directives"] + _directives(node.directives))
            members = [t.name.value for t in getattr(node, "interfaces", None) or ()]
            members += [t.name.value for t in getattr(node, "types", None) or ()]
            record["members"] = sorted(record["members"] + members)
            for field in getattr(node, "fields", None) or getattr(node, "values", None) or ():
                if field.name.value in PLUMBING_FIELDS:
                    continue
                record["fields"][field.name.value] = {
                    "type": print_ast(field.type) if getattr(field, "type", None) else None,
                    "default": print_ast(field.default_value)
                    if getattr(field, "default_value", None)
                    else None,
                    "args": sorted(print_ast(a) for a in getattr(field, "arguments", None) or ()),
                    "directives": _directives(field.directives),
                    "description": _description(field),
                }
    defaults = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}
    query = types.get(roots.get("query", "Query"))
    if query is not None and not query["fields"] and not query["directives"]:
        del types[roots.get("query", "Query")]  # only there for _entities and _service
    return {
        "schema": sorted(schema_directives),
        "roots": {op: name for op, name in roots.items() if defaults[op] != name},
        "directives": directives,
        "types": types,
    }


def _links_link_spec(directive: DirectiveNode) -> bool:
    if directive.name.value != "link":
        return False
    return any(
        arg.name.value == "url" and print_ast(arg.value).strip('"').startswith(LINK_SPEC)
        for arg in directive.arguments or ()
    )


# -- _entities probes ----------------------------------------------------------------------------


def _value(type_: Any, selection: SelectionSetNode | None) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return _value(type_.of_type, selection)
    if isinstance(type_, GraphQLList):
        return [_value(type_.of_type, selection)]
    if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType) and selection is not None:
        return {
            f.name.value: _value(type_.fields[f.name.value].type, f.selection_set)
            for f in selection.selections
            if isinstance(f, FieldNode) and f.name.value in type_.fields
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLScalarType):
        return {"Int": 1, "Float": 1.5, "Boolean": True}.get(type_.name, "k1")
    return None


def _key_selection(type_: GraphQLObjectType, key_name: str) -> SelectionSetNode | None:
    nodes = [type_.ast_node, *type_.extension_ast_nodes]
    for node in nodes:
        for directive in getattr(node, "directives", None) or ():
            if directive.name.value != key_name:
                continue
            for arg in directive.arguments or ():
                if arg.name.value == "fields":
                    operation = parse("{" + arg.value.value + "}").definitions[0]  # type: ignore[attr-defined]
                    assert isinstance(operation, OperationDefinitionNode)
                    return operation.selection_set
    return None


def entity_probe(schema: GraphQLSchema, key_name: str) -> tuple[str | None, list[dict[str, Any]]]:
    """A ``_entities`` query selecting every entity's first key, and one representation each
    (plus the query type, which is an object but no entity)."""
    entity = schema.type_map.get("_Entity")
    if not isinstance(entity, GraphQLUnionType):
        return None, []
    fragments: list[str] = []
    representations: list[dict[str, Any]] = []
    for member in entity.types:
        selection = _key_selection(member, key_name)
        if selection is None:
            continue
        representation = {"__typename": member.name, **_value(member, selection)}
        representations.append(representation)
        fragments.append(f"... on {member.name} {print_ast(selection)}")
    if schema.query_type is not None:
        representations.append({"__typename": schema.query_type.name})
    query = (
        "query($r: [_Any!]!) { _entities(representations: $r) { __typename "
        + " ".join(fragments)
        + " } }"
    )
    return query, representations
