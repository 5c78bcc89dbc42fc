"""Null propagation: nulls in non-null positions bubble to the nearest nullable parent.

Two sources of bad nulls:

- ``products`` declares ``Product.name: String!`` and ``tags: [String!]`` in the SDL it composes
  with, but the service actually running (``SERVE``) is built from a laxer SDL and answers
  ``null`` for product p2's name and a ``null`` tag for p1. Only the gateway can notice: it must
  null the nearest nullable parent and add a "Cannot return null" style error at the client path.
- ``reviews`` raises inside resolvers for non-null fields (``Review.rating`` of review r2,
  ``Product.topReview`` of p3), so the subgraph itself propagates the null (up to the
  ``_entities`` item) and reports an error the gateway must re-path; the gateway then finds the
  entity's non-null fields missing and keeps propagating in the client's shape.

Covered: a nullable list item nulled, a non-null list making its nullable parent null, nullable
vs non-null list items, errors nested in lists, and a non-null failure inside an entity fetch.
"""

from typing import Any

from graphql import GraphQLError
from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"id": "p1", "name": "Kite", "tags": ["red", None], "labels": ["new", None]},
    {"id": "p2", "name": None, "tags": ["blue"], "labels": []},
    {"id": "p3", "name": "Yo-yo", "tags": [], "labels": None},
]
REVIEWS: dict[str, list[dict[str, Any]]] = {
    "p1": [
        {"id": "r1", "body": "Flies well", "rating": 5},
        {"id": "r2", "body": "Meh", "rating": 0},
    ],
    "p2": [{"id": "r3", "body": "Blue!", "rating": 4}],
    "p3": [],
}

PRODUCTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  catalog: Catalog
  maybeProducts: [Product]
}

type Catalog {
  title: String!
  products: [Product!]!
}

type Product @key(fields: "id") {
  id: ID!
  name: String!
  tags: [String!]
  labels: [String]
}
"""


def _products_subgraph(sdl: str) -> Subgraph:
    sg = Subgraph("products", sdl)

    @sg.field("Query", "catalog")
    def catalog(_root: Any, _info: Any) -> dict[str, Any]:
        return {"title": "Toys", "products": PRODUCTS}

    @sg.field("Query", "maybeProducts")
    def maybe_products(_root: Any, _info: Any) -> list[dict[str, Any]]:
        return PRODUCTS

    @sg.reference("Product")
    def product(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
        return next((p for p in PRODUCTS if p["id"] == rep["id"]), None)

    return sg


# What the supergraph is composed from ...
products = _products_subgraph(PRODUCTS_SDL)
# ... and what actually answers: the same service with nullable name and tag items.
lax_products = _products_subgraph(
    PRODUCTS_SDL.replace("name: String!", "name: String").replace("[String!]", "[String]")
)

reviews = Subgraph(
    "reviews",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Product @key(fields: "id") {
      id: ID!
      reviews: [Review!]!
      reviewsOrNull: [Review]
      topReview: Review!
    }

    type Review {
      id: ID!
      body: String!
      rating: Int!
    }
    """,
)


@reviews.field("Product", "reviews")
def product_reviews(product: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return REVIEWS[product["id"]]


@reviews.field("Product", "reviewsOrNull")
def product_reviews_or_null(product: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return REVIEWS[product["id"]]


@reviews.field("Product", "topReview")
def top_review(product: dict[str, Any], _info: Any) -> dict[str, Any]:
    found = REVIEWS[product["id"]]
    if not found:
        raise GraphQLError(f"No reviews for {product['id']}.")
    return found[0]


@reviews.field("Review", "rating")
def rating(review: dict[str, Any], _info: Any) -> int:
    if review["id"] == "r2":
        raise GraphQLError("Rating of r2 is unavailable.")
    return int(review["rating"])


SUBGRAPHS = [products, reviews]
SERVE = {"products": lax_products.asgi_app()}

QUERIES = [
    Query(
        "null-for-non-null-field-nulls-list-item",
        "{ maybeProducts { id name } }",
    ),
    Query(
        "null-bubbles-through-non-null-list-to-nullable-parent",
        "{ catalog { title products { id name } } }",
    ),
    Query(
        "nullable-vs-non-null-list-items",
        "{ maybeProducts { id tags labels } }",
    ),
    Query(
        "errors-nested-in-lists",
        "{ maybeProducts { id reviewsOrNull { id rating } } }",
    ),
    Query(
        "non-null-failure-inside-entity-fetch",
        """
        {
          maybeProducts { id reviews { id body rating } }
          topOnly: maybeProducts { id topReview { id body } }
        }
        """,
    ),
    Query(
        "entity-failure-bubbles-through-non-null-list",
        "{ catalog { title products { id topReview { body } } } }",
    ),
    Query(
        "entity-nulled-by-one-field-error-nulls-its-siblings-silently",
        "{ catalog { products { reviews { id } topReview { id } } } }",
    ),
]
