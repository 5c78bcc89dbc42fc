"""The third answer: one GraphQL server holding the whole generated graph.

Federation promises that a client sees the supergraph's API schema as if one server served it.
For a generated graph that server can be built: the API schema, executed by graphql-core with the
universe's resolvers (``universe._field`` without a subgraph), every type and field in one place.
Where the two gateways differ and this answer agrees with one of them, the other one is wrong;
``universe.verdict`` says so. Where a subgraph legitimately knows less than the universe (ids it
does not know, ghosts, null keys) the one server cannot say what federation should answer, and
the difference stays unexplained.
"""

from __future__ import annotations

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
from scripts.difftest.graphgen import Graph, TypeDef
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
                    gfield.resolve = _field(universe, None, td, owner.fields[fname], None)

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


def _typename(value: Any, *_: Any) -> str | None:
    return value.get("__typename") if isinstance(value, dict) else None
