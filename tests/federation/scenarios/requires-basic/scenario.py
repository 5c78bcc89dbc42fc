"""``@requires`` with two scalar fields from another subgraph.

``shipping`` computes ``Product.shippingEstimate`` from ``price`` and ``weight``, which only
``products`` resolves (``@external`` in ``shipping``). The gateway must first fetch both from
``products`` (even when the client did not select them), then send them inside each
representation to ``shipping``. ``shipping`` has no reference resolver for ``Product``: its
field resolver reads ``price``/``weight`` straight from the representation, so a missing
requirement shows up as an error, not a silent wrong number. Covered: requirement fields not
selected by the client, selected by the client, selected under an alias (the gateway must still
send them under their real names), a cart listing the same product several times, and a
product whose ``weight`` is null (the requirement is present but null).
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"upc": "1", "name": "Table", "price": 899, "weight": 100},
    {"upc": "2", "name": "Couch", "price": 1299, "weight": 1000},
    {"upc": "3", "name": "Chair", "price": 54, "weight": 50},
    {"upc": "4", "name": "Gift card", "price": 25, "weight": None},
]
BY_UPC = {p["upc"]: p for p in PRODUCTS}
CART = ["1", "3", "1", "4", "2", "3"]

products = Subgraph(
    "products",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      products: [Product!]!
      product(upc: String!): Product
      cart: [Product!]!
    }

    type Product @key(fields: "upc") {
      upc: String!
      name: String!
      price: Int!
      weight: Int
    }
    """,
)


@products.field("Query", "products")
def _products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return PRODUCTS


@products.field("Query", "product")
def _product(_root: Any, _info: Any, upc: str) -> dict[str, Any] | None:
    return BY_UPC.get(upc)


@products.field("Query", "cart")
def _cart(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [BY_UPC[u] for u in CART]


@products.references("Product")
def _resolve_products(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    return [BY_UPC.get(r["upc"]) for r in reps]


shipping = Subgraph(
    "shipping",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@external", "@requires"]
    )

    type Product @key(fields: "upc") {
      upc: String!
      price: Int! @external
      weight: Int @external
      shippingEstimate: Int @requires(fields: "price weight")
      freeShipping: Boolean! @requires(fields: "price")
    }
    """,
)


@shipping.field("Product", "shippingEstimate")
def _shipping_estimate(product: dict[str, Any], _info: Any) -> int | None:
    # Free over 1000, otherwise half the weight; nothing to ship without a weight.
    price, weight = product["price"], product["weight"]
    if weight is None:
        return None
    return 0 if price > 1000 else weight // 2


@shipping.field("Product", "freeShipping")
def _free_shipping(product: dict[str, Any], _info: Any) -> bool:
    return bool(product["price"] > 1000)


SUBGRAPHS = [products, shipping]

QUERIES = [
    Query(
        "requirements-not-selected-by-client",
        "{ products { name shippingEstimate } }",
    ),
    Query(
        "requirements-also-selected",
        "{ products { upc price weight shippingEstimate freeShipping } }",
    ),
    Query(
        "requirement-aliased-by-client",
        """
        query One($upc: String!) {
          product(upc: $upc) { __typename cost: price w: weight estimate: shippingEstimate }
        }
        """,
        variables={"upc": "2"},
    ),
    Query(
        "duplicates-in-cart-with-fragment",
        """
        { cart { ...Ship } }
        fragment Ship on Product { upc freeShipping shippingEstimate }
        """,
    ),
]
