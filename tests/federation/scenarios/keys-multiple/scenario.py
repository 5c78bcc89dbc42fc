"""One entity with two keys, where each other subgraph knows the entity by a different key.

``Product`` is ``@key(fields: "id") @key(fields: "sku")`` in ``catalog``, which can resolve it by
either key. ``reviews`` only knows products by ``id`` and ``inventory`` only by ``sku``, so going
from a review to stock levels (or from a stock record to reviews) cannot be done with the key the
first subgraph has: the gateway must hop through ``catalog`` to translate ``id`` into ``sku`` (or
back) and then enter the last subgraph with the *other* key. The lists contain the same product
several times, so each hop has repeated representations (a gateway may deduplicate them; Apollo
does not) and every occurrence must get the answer.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"id": "p1", "sku": "TBL-001", "name": "Table"},
    {"id": "p2", "sku": "CCH-002", "name": "Couch"},
    {"id": "p3", "sku": "CHR-003", "name": "Chair"},
]
BY_ID = {p["id"]: p for p in PRODUCTS}
BY_SKU = {p["sku"]: p for p in PRODUCTS}

catalog = Subgraph(
    "catalog",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      product(id: ID!): Product
      products: [Product!]!
    }

    type Product @key(fields: "id") @key(fields: "sku") {
      id: ID!
      sku: String!
      name: String!
    }
    """,
)


@catalog.field("Query", "product")
def _product(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    return BY_ID.get(id)


@catalog.field("Query", "products")
def _products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return PRODUCTS


@catalog.references("Product")
def _resolve_products(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    # Representations arrive with either key, depending on which subgraph the gateway came from.
    return [BY_ID.get(r["id"]) if "id" in r else BY_SKU.get(r["sku"]) for r in reps]


REVIEWS: list[dict[str, Any]] = [
    {"id": "r1", "body": "Sturdy.", "product": "p1"},
    {"id": "r2", "body": "Wobbles a bit.", "product": "p1"},
    {"id": "r3", "body": "Comfy.", "product": "p2"},
    {"id": "r4", "body": "Too small.", "product": "p3"},
    {"id": "r5", "body": "Great value.", "product": "p1"},
]

reviews = Subgraph(
    "reviews",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      reviews: [Review!]!
    }

    type Review {
      id: ID!
      body: String!
      product: Product!
    }

    type Product @key(fields: "id") {
      id: ID!
      reviews: [Review!]!
    }
    """,
)


@reviews.field("Query", "reviews")
def _reviews(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return REVIEWS


@reviews.field("Review", "product")
def _review_product(review: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": review["product"]}


@reviews.field("Product", "reviews")
def _product_reviews(product: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return [r for r in REVIEWS if r["product"] == product["id"]]


@reviews.reference("Product")
def _resolve_review_product(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": rep["id"]}


STOCK: dict[str, int] = {"TBL-001": 12, "CCH-002": 0, "CHR-003": 3}

inventory = Subgraph(
    "inventory",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      lowStock(below: Int!): [Product!]!
    }

    type Product @key(fields: "sku") {
      sku: String!
      quantity: Int!
      inStock: Boolean!
    }
    """,
)


def _stock_row(sku: str) -> dict[str, Any] | None:
    if sku not in STOCK:
        return None
    return {"sku": sku, "quantity": STOCK[sku], "inStock": STOCK[sku] > 0}


@inventory.field("Query", "lowStock")
def _low_stock(_root: Any, _info: Any, below: int) -> list[dict[str, Any]]:
    # Deliberately lists a SKU twice, so the hop to catalog has a duplicate representation.
    skus = [s for s, q in STOCK.items() if q < below]
    return [row for s in skus + skus[:1] if (row := _stock_row(s)) is not None]


@inventory.references("Product")
def _resolve_stock(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    return [_stock_row(r["sku"]) for r in reps]


SUBGRAPHS = [catalog, reviews, inventory]

QUERIES = [
    Query(
        "reviews-to-inventory-via-sku",
        "{ reviews { id body product { id inStock quantity } } }",
    ),
    Query(
        "inventory-to-reviews-via-id",
        """
        query LowStock($below: Int!) {
          lowStock(below: $below) { sku quantity reviews { id body } }
        }
        """,
        variables={"below": 5},
    ),
    Query(
        "root-by-id-needs-sku-key",
        """
        query One($id: ID!) {
          product(id: $id) { __typename id ...Stock label: name }
        }
        fragment Stock on Product { inStock units: quantity }
        """,
        variables={"id": "p2"},
    ),
    Query(
        "both-keys-fanned-out",
        """
        {
          reviews {
            product {
              __typename
              ... on Product { sku name stock: quantity reviews { id } }
            }
          }
        }
        """,
    ),
]
