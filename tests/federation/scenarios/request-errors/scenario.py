"""Request errors: operations the gateway must reject before planning or fetching anything.

A parse error, validation errors, an ``operationName`` that names no operation in the document,
several operations without an ``operationName``, an empty query and a document holding only a
comment. The single ``shop`` subgraph is never called for any of them.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

shop = Subgraph(
    "shop",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      product(id: ID!): Product
    }

    type Product @key(fields: "id") {
      id: ID!
      name: String
    }
    """,
)


@shop.field("Query", "product")
def product(_root: Any, _info: Any, id: str) -> dict[str, Any]:
    return {"id": id, "name": f"Product {id}"}


SUBGRAPHS = [shop]

QUERIES = [
    Query("parse-error", '{ product(id: "1") { name }'),
    Query(
        "validation-error",
        """
        {
          product(id: "1") { nope }
          missingArgument: product { id }
        }
        """,
    ),
    Query(
        "unknown-operation-name",
        'query First { product(id: "1") { id } }',
        operation_name="Second",
    ),
    Query(
        "multiple-operations-without-name",
        """
        query First { product(id: "1") { id } }
        query Second { product(id: "2") { name } }
        """,
    ),
    Query("empty-query", ""),
    Query("comment-only-query", "# nothing to see here\n"),
    Query("empty-selection-set", '{ product(id: "1") {} }'),
]
