"""Holes in an entity batch: null references, a null key field, a null entity, a failing entity.

``reviews`` lists reviews whose ``product`` reference is sometimes missing or odd:

- ``r2``'s ``product`` is null (no representation may be sent for it; it stays null),
- ``r4``'s product has a null ``upc`` (the key field is nullable in ``reviews``), so the
  representation carries ``"upc": null`` and ``products`` answers null for it,
- ``r5`` points at upc ``"gone"``, which ``products``' reference resolver answers with null,
- ``r6`` points at upc ``"boom"``, whose reference resolver raises an error (at its own index
  in ``_entities``), in the ``flaggedReviews`` list only.

The rest of each batch (several reviews of the same product, so duplicates too) must resolve
normally, and each hole must land on the right list item. ``Product.name`` is nullable but
``Product.price`` is ``Int!``, so a missing entity shows both a plain null and null propagation
from a non-null field up to the nullable ``product``.
"""

from typing import Any

from graphql import GraphQLError
from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: dict[str, dict[str, Any]] = {
    "1": {"upc": "1", "name": "Table", "price": 899},
    "2": {"upc": "2", "name": "Couch", "price": 1299},
}

products = Subgraph(
    "products",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      product(upc: String!): Product
    }

    type Product @key(fields: "upc") {
      upc: String!
      name: String
      price: Int!
      warranty: String
    }
    """,
)


@products.field("Product", "warranty")
def _warranty(product: dict[str, Any], _info: Any) -> str:
    if product["upc"] == "2":
        raise GraphQLError("Warranty service unavailable for couches.")
    return "2 years"


@products.field("Query", "product")
def _product(_root: Any, _info: Any, upc: str) -> dict[str, Any] | None:
    return PRODUCTS.get(upc)


@products.reference("Product")
def _resolve_product(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    upc = rep.get("upc")
    if upc == "boom":
        raise GraphQLError("Product 'boom' exploded while loading.")
    if upc is None:
        return None
    return PRODUCTS.get(upc)


REVIEWS: list[dict[str, Any]] = [
    {"id": "r1", "body": "Nice table.", "product": {"upc": "1"}},
    {"id": "r2", "body": "Orphaned review.", "product": None},
    {"id": "r3", "body": "Comfy couch.", "product": {"upc": "2"}},
    {"id": "r4", "body": "Legacy import.", "product": {"upc": None}},
    {"id": "r5", "body": "Discontinued.", "product": {"upc": "gone"}},
    {"id": "r7", "body": "Still nice.", "product": {"upc": "1"}},
]
# The failing item sits at index 3 of the list but is representation 2 of the entity fetch (the
# null product sends none) and, with duplicates merged, only the second distinct one: its error
# must still be reported at the list index.
FLAGGED: list[dict[str, Any]] = [
    {"id": "r1", "body": "Nice table.", "product": {"upc": "1"}},
    {"id": "r7", "body": "Still nice.", "product": {"upc": "1"}},
    {"id": "r2", "body": "Orphaned review.", "product": None},
    {"id": "r6", "body": "Broken link.", "product": {"upc": "boom"}},
    {"id": "r3", "body": "Comfy couch.", "product": {"upc": "2"}},
]

reviews = Subgraph(
    "reviews",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      reviews: [Review!]!
      flaggedReviews: [Review]
    }

    type Review {
      id: ID!
      body: String!
      product: Product
    }

    type Product @key(fields: "upc") {
      upc: String
    }
    """,
)


@reviews.field("Query", "reviews")
def _reviews(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return REVIEWS


@reviews.field("Query", "flaggedReviews")
def _flagged(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return FLAGGED


@reviews.reference("Product")
def _resolve_review_product(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"upc": rep.get("upc")}


SUBGRAPHS = [products, reviews]

QUERIES = [
    Query(
        "nullable-fields-of-missing-entities",
        "{ reviews { id product { upc name } } }",
    ),
    Query(
        "non-null-field-propagates-to-product",
        "{ reviews { id product { __typename upc name price } } }",
    ),
    Query(
        "entity-error-at-its-index",
        """
        query Flagged {
          flaggedReviews { id product { upc ...Named } }
        }
        fragment Named on Product { title: name }
        """,
    ),
    Query(
        "entity-error-with-non-null-field",
        "{ flaggedReviews { id product { name cost: price } } }",
    ),
    Query(
        "entity-field-error-path",
        "{ flaggedReviews { id product { upc warranty } } }",
    ),
    Query(
        "root-null-entity-by-variable",
        """
        query One($upc: String!) {
          product(upc: $upc) { __typename upc name }
          missing: product(upc: "gone") { upc }
        }
        """,
        variables={"upc": "2"},
    ),
]
