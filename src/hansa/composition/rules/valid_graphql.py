"""``INVALID_GRAPHQL``: the subgraph is a valid GraphQL schema (an object implementing an
interface has its fields with compatible types, every type exists, ...). Apollo builds the schema
before any federation rule, so an unknown type is this error, not a field-set error."""

from __future__ import annotations

from graphql import GraphQLError, validate_schema

from hansa.composition.rules.context import SubgraphContext
from hansa.subgraph.schema import build_subgraph_schema


def valid_graphql(context: SubgraphContext) -> None:
    try:
        built = build_subgraph_schema(context.subgraph.sdl)
    except GraphQLError as error:
        context.report("INVALID_GRAPHQL", error.message)
        return
    except (TypeError, ValueError) as error:
        context.report("INVALID_GRAPHQL", str(error))
        return
    for invalid in validate_schema(built.schema):
        context.report("INVALID_GRAPHQL", invalid.message)
