"""Read a supergraph SDL into the ``Supergraph`` model.

Understands Fed 2 supergraphs (``@link`` to join v0.1 to v0.5, with ``as:`` renames) and Fed 1
supergraphs (``@core`` with join v0.1 and ``@join__owner``). Anything else is refused with a
``SupergraphError`` naming the problem, so a gateway never starts on a graph it would misread.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumValueNode,
    GraphQLError,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    NullValueNode,
    ObjectTypeDefinitionNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    ValueNode,
    build_ast_schema,
    parse,
    value_from_ast_untyped,
)

from hansa.supergraph.api_schema import build_api_schema
from hansa.supergraph.model import (
    FieldInfo,
    FieldInSubgraph,
    Key,
    SubgraphInfo,
    Supergraph,
    TypeInfo,
    TypeInSubgraph,
)

JOIN_URL = re.compile(r"^https://specs\.apollo\.dev/join/v(\d+)\.(\d+)$")
SUPPORTED_JOIN = {(0, 1), (0, 2), (0, 3), (0, 4), (0, 5)}


class SupergraphError(ValueError):
    """The SDL is not a supergraph we can serve; the message says why."""


@lru_cache(maxsize=4096)
def parse_field_set(fields: str) -> SelectionSetNode:
    """``"id owner { id }"`` → the selection set it denotes."""
    try:
        document = parse("{" + fields + "}", no_location=True)
    except GraphQLError as error:
        raise SupergraphError(f"invalid field set {fields!r}: {error.message}") from None
    operation = document.definitions[0]
    return operation.selection_set  # type: ignore[attr-defined, no-any-return]


def _value(node: ValueNode | None) -> Any:
    if node is None or isinstance(node, NullValueNode):
        return None
    if isinstance(node, StringValueNode | EnumValueNode):
        return node.value
    if isinstance(node, BooleanValueNode):
        return node.value
    return value_from_ast_untyped(node)


def _args(directive: DirectiveNode) -> dict[str, Any]:
    return {arg.name.value: _value(arg.value) for arg in directive.arguments or ()}


class _Names:
    """The names this supergraph uses for the join directives (``@link(as:)`` may rename)."""

    def __init__(self, prefix: str) -> None:
        self.graph = f"{prefix}__graph"
        self.type = f"{prefix}__type"
        self.field = f"{prefix}__field"
        self.owner = f"{prefix}__owner"
        self.implements = f"{prefix}__implements"
        self.union_member = f"{prefix}__unionMember"
        self.enum = f"{prefix}__Graph"


def _schema_directives(document: DocumentNode) -> list[DirectiveNode]:
    found: list[DirectiveNode] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode) or definition.kind == "schema_extension":
            found.extend(getattr(definition, "directives", None) or ())
    return found


def _detect(document: DocumentNode) -> tuple[int, _Names]:
    """Federation version (1 or 2) and join names, or a clear refusal."""
    directives = _schema_directives(document)
    for directive in directives:
        args = _args(directive) if directive.name.value in ("link", "core") else {}
        url = args.get("url") if directive.name.value == "link" else args.get("feature")
        if not isinstance(url, str):
            continue
        match = JOIN_URL.match(url)
        if match is None:
            continue
        version = (int(match.group(1)), int(match.group(2)))
        if version not in SUPPORTED_JOIN:
            raise SupergraphError(
                f"unsupported join spec version v{version[0]}.{version[1]} ({url}); "
                "supported: v0.1 to v0.5"
            )
        prefix = args.get("as") or "join"
        return (1 if directive.name.value == "core" else 2), _Names(prefix)
    if not directives:
        raise SupergraphError(
            "not a supergraph: no schema definition with @link or @core "
            "(is this a subgraph schema? compose it first)"
        )
    raise SupergraphError("not a supergraph: no @link/@core to the join spec")


def _graphs(document: DocumentNode, names: _Names) -> dict[str, SubgraphInfo]:
    """``join__Graph`` enum value → subgraph."""
    for definition in document.definitions:
        if isinstance(definition, EnumTypeDefinitionNode) and definition.name.value == names.enum:
            graphs: dict[str, SubgraphInfo] = {}
            for value in definition.values or ():
                for directive in value.directives or ():
                    if directive.name.value == names.graph:
                        args = _args(directive)
                        if not args.get("name") or args.get("url") is None:
                            raise SupergraphError(
                                f"{names.graph} on {value.name.value} needs name and url"
                            )
                        graphs[value.name.value] = SubgraphInfo(
                            args["name"], value.name.value, args["url"]
                        )
            if not graphs:
                raise SupergraphError(f"{names.enum} lists no subgraphs")
            return graphs
    raise SupergraphError(f"not a supergraph: enum {names.enum} is missing")


_KINDS: dict[type, str] = {
    ObjectTypeDefinitionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    UnionTypeDefinitionNode: "union",
    EnumTypeDefinitionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
}


def _is_internal(name: str, prefixes: tuple[str, ...]) -> bool:
    return name.startswith(prefixes)


def _graph_name(graphs: dict[str, SubgraphInfo], enum_value: Any, where: str) -> str:
    if enum_value not in graphs:
        raise SupergraphError(f"{where} names unknown graph {enum_value!r}")
    return graphs[enum_value].name


def _read_type(
    definition: TypeDefinitionNode,
    kind: str,
    names: _Names,
    graphs: dict[str, SubgraphInfo],
    labels: set[str],
) -> TypeInfo:
    type_name = definition.name.value
    info = TypeInfo(type_name, kind)
    owner: str | None = None
    saw_join = False
    for directive in definition.directives or ():
        name = directive.name.value
        if name == names.type:
            saw_join = True
            args = _args(directive)
            sub = _graph_name(graphs, args.get("graph"), f"@{names.type} on {type_name}")
            entry = info.subgraphs.setdefault(sub, TypeInSubgraph(sub))
            if args.get("key"):
                entry.keys.append(
                    Key(
                        args["key"],
                        parse_field_set(args["key"]),
                        args.get("resolvable") is not False,
                    )
                )
            entry.extension = entry.extension or bool(args.get("extension"))
            entry.is_interface_object = entry.is_interface_object or bool(
                args.get("isInterfaceObject")
            )
        elif name == names.owner:
            saw_join = True
            owner = _graph_name(graphs, _args(directive).get("graph"), f"@{names.owner}")
            info.subgraphs.setdefault(owner, TypeInSubgraph(owner))
        elif name == names.implements:
            args = _args(directive)
            sub = _graph_name(graphs, args.get("graph"), f"@{names.implements} on {type_name}")
            info.implements.setdefault(sub, set()).add(args["interface"])
        elif name == names.union_member:
            args = _args(directive)
            sub = _graph_name(graphs, args.get("graph"), f"@{names.union_member} on {type_name}")
            info.members.setdefault(sub, set()).add(args["member"])
    info.everywhere = not saw_join

    for field_node in getattr(definition, "fields", None) or ():
        field = FieldInfo(field_node.name.value, type_name)
        joins: list[FieldInSubgraph] = []
        for directive in field_node.directives or ():
            if directive.name.value != names.field:
                continue
            args = _args(directive)
            if args.get("graph") is None:
                field.unowned = True
                continue
            sub = _graph_name(graphs, args["graph"], f"@{names.field} on {type_name}.{field.name}")
            label = args.get("overrideLabel")
            if label is not None:
                labels.add(label)
            joins.append(
                FieldInSubgraph(
                    subgraph=sub,
                    requires=parse_field_set(args["requires"]) if args.get("requires") else None,
                    provides=parse_field_set(args["provides"]) if args.get("provides") else None,
                    type=args.get("type"),
                    external=bool(args.get("external")),
                    override=args.get("override"),
                    override_label=label,
                    used_overridden=bool(args.get("usedOverridden")),
                )
            )
            info.subgraphs.setdefault(sub, TypeInSubgraph(sub))
        if joins:
            field.joins = joins
            field.unowned = False
        elif owner is not None:
            field.joins = [FieldInSubgraph(owner)]
        info.fields[field.name] = field
    return info


def _declared_implementations(
    definition: TypeDefinitionNode, info: TypeInfo, supergraph_subgraphs: list[str]
) -> None:
    """join v0.1/v0.2 and Fed 1 have no per-subgraph implements/members: use the declared ones."""
    subs = supergraph_subgraphs if info.everywhere else list(info.subgraphs)
    if isinstance(definition, ObjectTypeDefinitionNode | InterfaceTypeDefinitionNode):
        declared = {i.name.value for i in definition.interfaces or ()}
        if declared and not info.implements:
            info.implements = {s: set(declared) for s in subs}
    if isinstance(definition, UnionTypeDefinitionNode) and not info.members:
        declared = {t.name.value for t in definition.types or ()}
        info.members = {s: set(declared) for s in subs}


def _api_schema(document: DocumentNode, internal: tuple[str, ...]) -> Any:
    try:
        return build_api_schema(document, internal)
    except (GraphQLError, TypeError) as error:
        raise SupergraphError(
            f"the API schema (without @inaccessible elements) is invalid: {error}"
        ) from None


def read_supergraph(sdl: str) -> Supergraph:
    """Parse and model a supergraph; raises ``SupergraphError`` with a readable reason."""
    try:
        document = parse(sdl)
    except GraphQLError as error:
        raise SupergraphError(f"the supergraph SDL does not parse: {error}") from None
    version, names = _detect(document)
    graphs = _graphs(document, names)
    internal = ("join__", "link__", "core__", f"{names.enum.split('__')[0]}__")
    labels: set[str] = set()
    types: dict[str, TypeInfo] = {}
    definitions: dict[str, TypeDefinitionNode] = {}
    for definition in document.definitions:
        kind = _KINDS.get(type(definition))
        if kind is None:
            continue
        assert isinstance(definition, TypeDefinitionNode)
        if _is_internal(definition.name.value, internal):
            continue
        types[definition.name.value] = _read_type(definition, kind, names, graphs, labels)
        definitions[definition.name.value] = definition
    all_subgraphs = [g.name for g in graphs.values()]
    for name, info in types.items():
        _declared_implementations(definitions[name], info, all_subgraphs)

    try:
        schema = build_ast_schema(document, assume_valid_sdl=True)
    except (GraphQLError, TypeError) as error:
        raise SupergraphError(f"the supergraph schema is invalid: {error}") from None
    roots: dict[str, str] = {}
    for op, root in (
        ("query", schema.query_type),
        ("mutation", schema.mutation_type),
        ("subscription", schema.subscription_type),
    ):
        if root is not None:
            roots[op] = root.name
    if "query" not in roots:
        raise SupergraphError("the supergraph has no query root type")
    return Supergraph(
        sdl=sdl,
        schema=schema,
        api_schema=_api_schema(document, internal),
        subgraphs={g.name: g for g in graphs.values()},
        types=types,
        root_types=roots,
        federation_version=version,
        override_labels=frozenset(labels),
    )


__all__ = ["SupergraphError", "parse_field_set", "read_supergraph"]
