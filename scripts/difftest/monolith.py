"""The third answer: one GraphQL server holding the whole generated graph.

Federation promises that a client sees the supergraph's API schema as if one server served it.
For a generated graph that server can be built: the API schema, executed by graphql-core with the
universe's resolvers (``universe._field`` without a subgraph), every type and field in one place.
Where the two gateways differ and this answer agrees with one of them, the other one is wrong;
``universe.verdict`` says so. Where a subgraph legitimately knows less than the universe (ids it
does not know, ghosts, null keys) the one server answers what federation can: a field of an
entity that no subgraph able to resolve it knows (``SubgraphDef.unknown``, ``TypeDef.ghost_id``,
``TypeDef.null_key_id``: references no reference resolver answers) is null there, with the
non-null propagation that follows.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    execute_sync,
    parse,
    print_schema,
)
from scripts.difftest.graphgen import Graph, TypeDef, _top_fields
from scripts.difftest.universe import Universe, _field


class Monolith:
    """The graph's API schema as one executable schema over the graph's data universe."""

    def __init__(self, graph: Graph, api_schema: GraphQLSchema) -> None:
        universe = Universe(graph)
        self.schema = build_schema(print_schema(api_schema))
        for name, gtype in self.schema.type_map.items():
            if isinstance(gtype, GraphQLInterfaceType | GraphQLUnionType):
                gtype.resolve_type = _typename
            if not isinstance(gtype, GraphQLObjectType) or name not in graph.types:
                continue
            td = graph.types[name]
            for fname, gfield in gtype.fields.items():
                owner = _declaring(graph, td, fname)
                if owner is not None:
                    resolve = _field(universe, None, td, owner.fields[fname], None)
                    gfield.resolve = _where_known(graph, td, fname, resolve)

    def answer(self, query: str, variables: dict[str, Any] | None) -> dict[str, Any]:
        """The one server's response: ``data``, and ``errors`` (message and path) if any."""
        result = execute_sync(self.schema, parse(query), variable_values=variables)
        out: dict[str, Any] = {"data": result.data}
        if result.errors:
            out["errors"] = [{"message": e.message, "path": e.path} for e in result.errors]
        return out


def _declaring(graph: Graph, td: TypeDef, fname: str) -> TypeDef | None:
    """The type whose definition of ``fname`` holds its data rules: the object's own, or for a
    field only an ``@interfaceObject`` adds, the interface's."""
    if fname in td.fields:
        return td
    for iface in td.implements:
        if fname in graph.types[iface].fields:
            return graph.types[iface]
    return None


def _where_known(graph: Graph, td: TypeDef, fname: str, resolve: Any) -> Any:
    """``resolve``, but null for entities that no subgraph resolving ``fname`` knows."""
    never = {i for i in (td.ghost_id, td.null_key_id) if i is not None}
    if not td.entity or _provided(graph, td, fname):
        return resolve  # a @provides path serves it from the referencing subgraph: no rule
    if fname in _top_fields(" ".join(td.keys)):
        if fname in _referenced_keys(graph, td):
            return resolve  # the reference carries it
        return _null_for(never, resolve)  # another subgraph's key: only its owner knows it
    unknown_to: list[set[str]] = []
    for sg in graph.subgraphs:
        for name in (td.name, *td.implements):
            st = sg.types.get(name)
            if st is None or (name != td.name and not st.interface_object):
                continue
            sub = st.fields.get(fname)
            if sub is not None and not any(d.startswith("@external") for d in sub.directives):
                unknown_to.append(sg.unknown)
                break
    unknown_to_all = set.intersection(*unknown_to) if unknown_to else set()
    return _null_for(never | unknown_to_all, resolve)


def _referenced_keys(graph: Graph, td: TypeDef) -> set[str]:
    """Key fields that every subgraph returning references no one knows (ghosts, null keys) to
    ``td`` puts in them: the top fields of its own keys for ``td``."""
    found: set[str] | None = None
    for sg in graph.subgraphs:
        for tname, st in sg.types.items():
            returns = any(
                (fdef := graph.types[tname].fields.get(name)) is not None
                and fdef.named == td.name
                and (fdef.ghosts or fdef.null_keys)
                for name in st.fields
            )
            if returns and td.name in sg.types:
                mine = set(_top_fields(" ".join(k for k, _ in sg.types[td.name].keys)))
                found = mine if found is None else found & mine
    return found or set()


def _null_for(ids: set[str], resolve: Any) -> Any:
    """``resolve``, but null for the objects ``ids``."""

    def known(parent: Any, info: Any, **args: Any) -> Any:
        if isinstance(parent, dict) and parent.get("_id") in ids:
            return None
        return resolve(parent, info, **args)

    return known


def _provided(graph: Graph, td: TypeDef, fname: str) -> bool:
    """Whether a ``@provides`` on a field returning ``td`` (or an abstract type it belongs to)
    names ``fname`` (read loosely: a word of the field set)."""
    owners = {td.name, *td.implements}
    owners |= {
        name for name, t in graph.types.items() if t.kind == "union" and td.name in t.members
    }
    for sg in graph.subgraphs:
        for tname, st in sg.types.items():
            for field_name, sub in st.fields.items():
                fdef = graph.types[tname].fields.get(field_name)
                if fdef is None or fdef.named not in owners:
                    continue
                if any(
                    d.startswith("@provides") and fname in re.findall(r"\w+", d)
                    for d in sub.directives
                ):
                    return True
    return False


def _typename(value: Any, *_: Any) -> str | None:
    return value.get("__typename") if isinstance(value, dict) else None
