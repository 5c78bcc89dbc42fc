"""How long an operation's answer may be cached, worked out once per operation from the
supergraph's ``@cacheControl(maxAge, scope, inheritMaxAge)`` (Apollo's directive, reaching the
supergraph through ``@composeDirective``) and the client's ``@cache(ttl:)``.

Apollo Server's rules: a field's hint is its own ``@cacheControl``, else its return type's (for
object, interface and union types); a root field or a field returning a composite type without
a hint gets the default max age (0 unless configured: such answers are not kept) unless its
hint says ``inheritMaxAge``; a leaf field without a hint inherits its parent's. The response's
policy is the most restrictive of all: the smallest max age, ``PRIVATE`` if any hint says so.

``@cache(ttl: N)`` on fields of the operation is the client's request to keep the answer for N
seconds (the smallest N given), whatever the schema's max ages; the schema's ``PRIVATE`` still
keys it per user, and a subgraph's ``no-store`` still wins. Only requests sending the same
document share such an entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLUnionType,
    Visitor,
    get_named_type,
    value_from_ast_untyped,
    visit,
)

from hansa.cache.policy import CachePolicy
from hansa.operation.normalized import Selection
from hansa.supergraph import Supergraph
from hansa.supergraph.api_schema import object_types

CACHE_DIRECTIVE = "cache"
DECLARATION = f"directive @{CACHE_DIRECTIVE}(ttl: Int!) on FIELD"


@dataclass(frozen=True, slots=True)
class Hint:
    max_age: float | None = None
    private: bool = False
    inherit: bool = False


@dataclass(frozen=True, slots=True)
class OperationCaching:
    """What the schema and the client say about one operation's answer, and the types it
    selects (a change to an entity of one of them drops the cached answer)."""

    policy: CachePolicy
    types: tuple[str, ...]


def _hint(directives: Any) -> Hint | None:
    for directive in directives or ():
        if directive.name.value != "cacheControl":
            continue
        arguments = {a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments}
        max_age = arguments.get("maxAge")
        return Hint(
            float(max_age) if isinstance(max_age, int | float) else None,
            arguments.get("scope") == "PRIVATE",
            arguments.get("inheritMaxAge") is True,
        )
    return None


class CacheHints:
    """The supergraph's ``@cacheControl`` hints by type and by field."""

    def __init__(self, supergraph: Supergraph, default_max_age: float) -> None:
        self.api = supergraph.api_schema
        self.implements = supergraph.implements
        self.default_max_age = default_max_age
        self.roots = set(supergraph.root_types.values())
        self.types: dict[str, Hint] = {}
        self.fields: dict[tuple[str, str], Hint] = {}
        for name, graphql_type in supergraph.schema.type_map.items():
            nodes = [
                graphql_type.ast_node,
                *(getattr(graphql_type, "extension_ast_nodes", ()) or ()),
            ]
            for node in nodes:
                hint = _hint(getattr(node, "directives", None))
                if hint is not None:
                    self.types[name] = hint
            for field_name, definition in getattr(graphql_type, "fields", {}).items():
                hint = _hint(getattr(definition.ast_node, "directives", None))
                if hint is not None:
                    self.fields[(name, field_name)] = hint

    def analyse(
        self, document: DocumentNode, selection: Selection, root_type: str
    ) -> OperationCaching:
        policy = CachePolicy()
        types: set[str] = set()

        def walk(selection: Selection, type_name: str) -> None:
            nonlocal policy
            for concrete in object_types(self.api, type_name):
                types.add(concrete)
                for f in selection.fields_for(concrete, self.implements):
                    if f.name.startswith("__") or f.type_ref is None:
                        continue
                    named = get_named_type(f.type_ref)
                    composite = isinstance(
                        named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType
                    )
                    hint = self.fields.get((concrete, f.name))
                    if hint is None and composite:
                        hint = self.types.get(named.name)
                    if hint is not None and hint.private:
                        policy = policy.restrict(CachePolicy(private=True))
                    if hint is not None and hint.max_age is not None and not hint.inherit:
                        policy = policy.restrict(CachePolicy(hint.max_age))
                    elif (composite or concrete in self.roots) and not (hint and hint.inherit):
                        policy = policy.restrict(CachePolicy(self.default_max_age))
                    if f.selection is not None:
                        walk(f.selection, named.name)

        walk(selection, root_type)
        asked = client_ttls(document)
        if asked:
            policy = CachePolicy(min(asked), policy.private, policy.no_store)
        return OperationCaching(policy, tuple(sorted(types)))


def client_ttls(document: DocumentNode) -> list[float]:
    """The ``ttl`` of every ``@cache`` in the document (literal values; a variable is not
    known per operation and is ignored)."""

    class Found(Visitor):
        def __init__(self) -> None:
            super().__init__()
            self.ttls: list[float] = []

        def enter_field(self, node: FieldNode, *_: Any) -> None:
            for directive in node.directives or ():
                if directive.name.value == CACHE_DIRECTIVE:
                    self.ttls.extend(_ttl(directive))

    found = Found()
    visit(document, found)
    return found.ttls


def _ttl(directive: DirectiveNode) -> list[float]:
    for argument in directive.arguments or ():
        if argument.name.value == "ttl":
            value = value_from_ast_untyped(argument.value)
            if isinstance(value, int | float) and value >= 0:
                return [float(value)]
    return []
