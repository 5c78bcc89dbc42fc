"""@include / @skip: literals and variables, at the root, on nested fields, on fragment spreads
and inline fragments, and on fields that need an entity fetch to another subgraph.

``catalog`` owns ``Product`` (and a nested ``Details`` object); ``inventory`` adds ``stock`` and
``warehouse`` to products through ``@key(fields: "id")``. When the only fields that need
``inventory`` are skipped, the gateway must not send the ``_entities`` fetch at all (the plans
show Apollo's ``Condition`` nodes; our own tests check that no request reaches ``inventory``).
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"id": "p1", "name": "Lamp", "price": 30, "details": {"color": "red", "size": "S"}},
    {"id": "p2", "name": "Desk", "price": 250, "details": {"color": "oak", "size": "L"}},
]
STOCK = {"p1": 4, "p2": 0}
WAREHOUSES = {"p1": {"code": "W-NORTH", "city": "Oslo"}, "p2": {"code": "W-SOUTH", "city": "Rome"}}

catalog = Subgraph(
    "catalog",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      products: [Product!]!
      product(id: ID!): Product
      shopName: String
    }

    type Product @key(fields: "id") {
      id: ID!
      name: String
      price: Int
      details: Details
    }

    type Details {
      color: String
      size: String
    }
    """,
)


@catalog.field("Query", "products")
def products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return PRODUCTS


@catalog.field("Query", "product")
def product(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    return next((p for p in PRODUCTS if p["id"] == id), None)


@catalog.field("Query", "shopName")
def shop_name(_root: Any, _info: Any) -> str:
    return "Corner Shop"


@catalog.reference("Product")
def catalog_product(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return next((p for p in PRODUCTS if p["id"] == rep["id"]), None)


inventory = Subgraph(
    "inventory",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Product @key(fields: "id") {
      id: ID!
      stock: Int
      warehouse: Warehouse
    }

    type Warehouse {
      code: String
      city: String
    }
    """,
)


@inventory.reference("Product")
def inventory_product(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {
        "id": rep["id"],
        "stock": STOCK.get(rep["id"]),
        "warehouse": WAREHOUSES.get(rep["id"]),
    }


SUBGRAPHS = [catalog, inventory]

QUERIES = [
    Query(
        "root-fields-with-literals",
        """
        {
          shopName @skip(if: true)
          products @include(if: true) { id }
          one: product(id: "p1") @include(if: false) { id }
          two: product(id: "p2") @skip(if: false) @include(if: true) { id name }
          three: product(id: "p2") @skip(if: false) @include(if: false) { id }
        }
        """,
    ),
    Query(
        "all-root-fields-skipped",
        """
        query AllSkipped($off: Boolean!) {
          shopName @skip(if: true)
          products @include(if: $off) { id stock }
        }
        """,
        variables={"off": False},
    ),
    Query(
        "fragments-with-conditions",
        """
        query Frags($a: Boolean!, $b: Boolean!) {
          product(id: "p1") {
            id
            ...Names @include(if: $a)
            ...Prices @skip(if: $a)
            ... @include(if: $b) { details { color } }
            ... on Product @skip(if: $b) { details { size } }
            ... @skip(if: false) { stock @include(if: $b) }
          }
        }
        fragment Names on Product { name }
        fragment Prices on Product { price }
        """,
        variables={"a": True, "b": False},
    ),
    Query(
        "skipped-entity-fetch-by-variable",
        """
        query NoStock($withStock: Boolean!) {
          products {
            id
            name
            ... @include(if: $withStock) { stock warehouse { city } }
          }
        }
        """,
        variables={"withStock": False},
    ),
    Query(
        "skipped-entity-fields-by-literal",
        """
        {
          products {
            id
            stock @skip(if: true)
            warehouse @include(if: false) { city }
            details { color }
          }
        }
        """,
    ),
    Query(
        "included-entity-fetch-and-nested-variables",
        """
        query WithStock($withStock: Boolean!, $hide: Boolean!, $withPrice: Boolean = true) {
          products {
            id
            name @skip(if: $withPrice)
            price @include(if: $withPrice)
            stock @include(if: $withStock)
            warehouse @include(if: $withStock) { code city @skip(if: $hide) }
            details @include(if: $withStock) { color @skip(if: $hide) size }
          }
        }
        """,
        variables={"withStock": True, "hide": True},
    ),
]
