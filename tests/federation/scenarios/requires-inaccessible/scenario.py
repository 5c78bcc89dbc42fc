"""An ``@inaccessible`` field used as a ``@requires`` dependency.

``products`` has ``Product.internalCost @inaccessible``: it is in the supergraph (so the gateway
can fetch it from ``products``) but not in the API schema clients see. ``pricing`` computes
``margin`` with ``@requires(fields: "internalCost")``. The gateway must fetch the hidden field
for the requirement and send it in representations, while refusing it in client queries
(validation error, no subgraph call) and hiding it from introspection. Covered: the requirement
with the hidden field unselected (repeated products in the list), a client selecting it
directly and through a fragment (both rejected as a whole), and introspection of ``Product``.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"upc": "1", "name": "Table", "price": 900, "internalCost": 600},
    {"upc": "2", "name": "Couch", "price": 1300, "internalCost": 1000},
    {"upc": "3", "name": "Chair", "price": 60, "internalCost": 15},
]
BY_UPC = {p["upc"]: p for p in PRODUCTS}

products = Subgraph(
    "products",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@inaccessible"]
    )

    type Query {
      products: [Product!]!
      product(upc: String!): Product
    }

    type Product @key(fields: "upc") {
      upc: String!
      name: String!
      price: Int!
      internalCost: Int! @inaccessible
    }
    """,
)


@products.field("Query", "products")
def _products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [*PRODUCTS, PRODUCTS[1]]


@products.field("Query", "product")
def _product(_root: Any, _info: Any, upc: str) -> dict[str, Any] | None:
    return BY_UPC.get(upc)


@products.references("Product")
def _resolve_products(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    return [BY_UPC.get(r["upc"]) for r in reps]


pricing = Subgraph(
    "pricing",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@external", "@requires"]
    )

    type Product @key(fields: "upc") {
      upc: String!
      internalCost: Int! @external
      margin: Int! @requires(fields: "internalCost")
    }
    """,
)


@pricing.field("Product", "margin")
def _margin(product: dict[str, Any], _info: Any) -> int:
    # Percentage of the cost, so the number only comes out right with the hidden value.
    return int(product["internalCost"] * 100 // 1000)


SUBGRAPHS = [products, pricing]

QUERIES = [
    Query(
        "requirement-on-hidden-field",
        "{ products { upc name margin } }",
    ),
    Query(
        "client-selects-hidden-field",
        "{ products { upc internalCost } }",
    ),
    Query(
        "hidden-field-through-fragment-with-variables",
        """
        query One($upc: String!) {
          product(upc: $upc) { ...Cost }
        }
        fragment Cost on Product { m: margin internalCost }
        """,
        variables={"upc": "1"},
    ),
    Query(
        "aliases-and-variables-allowed-fields",
        """
        query One($upc: String!) {
          item: product(upc: $upc) { __typename label: name pct: margin price }
        }
        """,
        variables={"upc": "3"},
    ),
    Query(
        "introspection-hides-field",
        '{ __type(name: "Product") { name fields { name } } }',
    ),
]
