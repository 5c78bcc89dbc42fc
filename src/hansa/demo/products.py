"""Products subgraph: owns ``Product``."""

from typing import Any

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"upc": "1", "name": "Table", "price": 899, "weight": 100},
    {"upc": "2", "name": "Couch", "price": 1299, "weight": 1000},
    {"upc": "3", "name": "Chair", "price": 54, "weight": 50},
]
BY_UPC = {p["upc"]: p for p in PRODUCTS}

SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  topProducts(first: Int = 5): [Product]
  product(upc: String!): Product
}

type Product @key(fields: "upc") {
  upc: String!
  name: String
  price: Int
  weight: Int
}
"""

products = Subgraph("products", SDL)


@products.field("Query", "topProducts")
def top_products(_root: Any, _info: Any, first: int = 5) -> list[dict[str, Any]]:
    return PRODUCTS[:first]


@products.field("Query", "product")
def product(_root: Any, _info: Any, upc: str) -> dict[str, Any] | None:
    return BY_UPC.get(upc)


@products.references("Product")
def resolve_products(representations: list[dict[str, Any]], _info: Any) -> list[Any]:
    return [BY_UPC.get(rep["upc"]) for rep in representations]
