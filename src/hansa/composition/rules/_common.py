"""Helpers several rules share: what a directive name means in a subgraph, field-set parsing,
implementations, contexts, wording of name lists, and reading the merged schema's join
applications back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    EnumValueNode,
    GraphQLError,
    ListTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    ScalarTypeDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    TypeNode,
    ValueNode,
    parse,
)

from hansa.composition.subgraph_reader import Applied, SubgraphDef, TypeDef

AUTH_DIRECTIVES = ("authenticated", "requiresScopes", "policy")
_FED1_EXPANDED = frozenset(
    {
        "key",
        "requires",
        "provides",
        "external",
        "extends",
        "tag",
        "shareable",
        "inaccessible",
        "override",
        "composeDirective",
        "interfaceObject",
    }
)


# -- subgraph model -----------------------------------------------------------------------------


def is_fed_directive(subgraph: SubgraphDef, name: str) -> bool:
    """Whether applications named ``name`` are the federation directive, not a custom directive
    of the same name. Fed 1 subgraphs get the directives Apollo expands them with (up to 2.4)."""
    if name in subgraph.directive_definitions:
        return False
    return subgraph.version == 2 or name in _FED1_EXPANDED


def local_name(d: Applied) -> str:
    """The directive's name as the subgraph spells it (``@key`` may be ``@primaryKey``)."""
    return d.node.name.value


def composites(subgraph: SubgraphDef) -> Iterator[TypeDef]:
    """The subgraph's object and interface types, in definition order."""
    for t in subgraph.types.values():
        if t.kind in ("object", "interface"):
            yield t


def is_interface_object(t: TypeDef | None) -> bool:
    return t is not None and t.kind == "object" and t.has("interfaceObject")


def implementations(subgraph: SubgraphDef, interface: str) -> list[str]:
    """Object types implementing ``interface`` in ``subgraph`` (interface objects excluded)."""
    return [
        t.name
        for t in subgraph.types.values()
        if t.kind == "object" and not t.has("interfaceObject") and interface in t.interfaces
    ]


def context_owners(subgraph: SubgraphDef) -> dict[str, list[str]]:
    """Context name → the types that set it with ``@context``."""
    owners: dict[str, list[str]] = {}
    if not is_fed_directive(subgraph, "context"):
        return owners
    for t in subgraph.types.values():
        if t.kind not in ("object", "interface", "union"):
            continue
        for d in t.all("context"):
            name = d.string("name")
            if name is not None:
                owners.setdefault(name, []).append(t.name)
    return owners


def resolvable(key: Applied) -> bool:
    value = key.args.get("resolvable")
    return not (isinstance(value, BooleanValueNode) and value.value is False)


def unwrap_non_null(node: TypeNode) -> TypeNode:
    return node.type if isinstance(node, NonNullTypeNode) else node


def is_list(node: TypeNode) -> bool:
    return isinstance(unwrap_non_null(node), ListTypeNode)


def parse_selection(text: str) -> SelectionSetNode | None:
    """A field set / selection (``"id"``, ``"{ a { b } }"``, ``"... on A { x }"``)."""
    source = text.strip()
    if not source.startswith("{"):
        source = "{" + source + "}"
    try:
        document = parse(source, no_location=True)
    except GraphQLError:
        return None
    if len(document.definitions) != 1:
        return None
    operation = document.definitions[0]
    if not isinstance(operation, OperationDefinitionNode):
        return None
    return operation.selection_set


# -- wording ------------------------------------------------------------------------------------


def _quoted(names: Iterable[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def human_list(names: list[str], singular: str, plural: str) -> str:
    """``type "A"`` or ``types "A", "B" and "C"``, as Apollo lists names."""
    return f"{singular if len(names) == 1 else plural} {_quoted(names)}"


# -- the merged schema's printed directives -----------------------------------------------------


def parse_directives(texts: Iterable[str]) -> list[DirectiveNode]:
    """Printed directive applications (``@join__type(graph: A)``) as AST nodes."""
    result: list[DirectiveNode] = []
    for text in texts:
        try:
            document = parse(f"scalar _X {text}", no_location=True)
        except GraphQLError:
            continue
        definition = document.definitions[0]
        assert isinstance(definition, ScalarTypeDefinitionNode)
        result.extend(definition.directives or ())
    return result


def directive_arg(directive: DirectiveNode, name: str) -> ValueNode | None:
    return next((a.value for a in directive.arguments or () if a.name.value == name), None)


def directive_arg_text(directive: DirectiveNode, name: str) -> str | None:
    value = directive_arg(directive, name)
    if isinstance(value, StringValueNode | EnumValueNode):
        return value.value
    return None
