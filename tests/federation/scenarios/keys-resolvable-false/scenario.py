"""A stub entity: ``Product @key(fields: "upc", resolvable: false)`` in ``reviews``.

``reviews`` returns products by reference (it only knows their ``upc``) but cannot be entered
with a ``Product`` representation: it has no reference resolver for it, and the gateway must
never send it ``_entities`` for ``Product``. ``products`` owns and resolves ``Product``.
Covered: fields of the stub answered entirely by ``reviews`` (only ``upc``/``__typename``, so no
second fetch), fields that need a hop to ``products`` (several reviews of the same product, so
the representations repeat), and a query starting at ``products`` that can only be answered
there, because no subgraph can take a ``Product`` into ``reviews``.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"upc": "1", "name": "Table", "price": 899},
    {"upc": "2", "name": "Couch", "price": 1299},
    {"upc": "3", "name": "Chair", "price": 54},
]
BY_UPC = {p["upc"]: p for p in PRODUCTS}

products = Subgraph(
    "products",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      products: [Product!]!
    }

    type Product @key(fields: "upc") {
      upc: String!
      name: String!
      price: Int!
    }
    """,
)


@products.field("Query", "products")
def _products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return PRODUCTS


@products.references("Product")
def _resolve_products(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    return [BY_UPC.get(r["upc"]) for r in reps]


REVIEWS: list[dict[str, Any]] = [
    {"id": "r1", "stars": 5, "product": "1"},
    {"id": "r2", "stars": 2, "product": "2"},
    {"id": "r3", "stars": 4, "product": "1"},
    {"id": "r4", "stars": 3, "product": "3"},
    {"id": "r5", "stars": 1, "product": "1"},
]

# No reference resolver for Product: the key is not resolvable here, so reviews must never be
# asked to resolve one.
reviews = Subgraph(
    "reviews",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      reviews(minStars: Int = 0): [Review!]!
    }

    type Review {
      id: ID!
      stars: Int!
      product: Product!
    }

    type Product @key(fields: "upc", resolvable: false) {
      upc: String!
    }
    """,
)


@reviews.field("Query", "reviews")
def _reviews(_root: Any, _info: Any, minStars: int = 0) -> list[dict[str, Any]]:
    return [r for r in REVIEWS if r["stars"] >= minStars]


@reviews.field("Review", "product")
def _review_product(review: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"upc": review["product"]}


SUBGRAPHS = [products, reviews]

QUERIES = [
    Query(
        "stub-fields-only-no-entity-fetch",
        "{ reviews { id product { __typename upc } } }",
    ),
    Query(
        "stub-to-owner-with-repeats",
        "{ reviews { id stars product { upc name price } } }",
    ),
    Query(
        "variables-aliases-fragments",
        """
        query Good($min: Int) {
          good: reviews(minStars: $min) { id product { ...P } }
        }
        fragment P on Product { __typename title: name price }
        """,
        variables={"min": 4},
    ),
    Query(
        "owner-only-root",
        "{ products { __typename upc name } }",
    ),
]
