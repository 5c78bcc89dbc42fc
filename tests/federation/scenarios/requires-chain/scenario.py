"""A requirement chain across three subgraphs: C requires what B computes from A.

``products`` (A) owns ``price``. ``pricing`` (B) computes ``tax`` with
``@requires(fields: "price")``. ``checkout`` (C) computes ``total`` with
``@requires(fields: "tax")`` (plus ``receipt`` requiring ``name tax``), where ``tax`` is
``@external`` in C because B computes it. Asking for ``total`` therefore needs three sequential
fetches: A for ``price``, B for ``tax`` (sent ``price``), C for ``total`` (sent ``tax``), and
none of the intermediate fields may leak into the response unless the client selected them. One
product has a null price, so the null travels down the chain; lists repeat a product.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"upc": "1", "name": "Table", "price": 900},
    {"upc": "2", "name": "Couch", "price": 1300},
    {"upc": "3", "name": "Mystery box", "price": None},
]
BY_UPC = {p["upc"]: p for p in PRODUCTS}
BASKET = ["2", "1", "2", "3"]

products = Subgraph(
    "products",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      products: [Product!]!
      basket: [Product!]!
      product(upc: String!): Product
    }

    type Product @key(fields: "upc") {
      upc: String!
      name: String!
      price: Int
    }
    """,
)


@products.field("Query", "products")
def _products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return PRODUCTS


@products.field("Query", "basket")
def _basket(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [BY_UPC[u] for u in BASKET]


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
      price: Int @external
      tax: Int @requires(fields: "price")
    }
    """,
)


@pricing.field("Product", "tax")
def _tax(product: dict[str, Any], _info: Any) -> int | None:
    price = product["price"]
    return None if price is None else price // 5


checkout = Subgraph(
    "checkout",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@external", "@requires"]
    )

    type Product @key(fields: "upc") {
      upc: String!
      name: String! @external
      tax: Int @external
      total: Int @requires(fields: "tax")
      receipt: String! @requires(fields: "name tax")
    }
    """,
)


@checkout.field("Product", "total")
def _total(product: dict[str, Any], _info: Any) -> int | None:
    # checkout never sees the price: it only gets tax, so it derives total as 6 * tax.
    tax = product["tax"]
    return None if tax is None else tax * 6


@checkout.field("Product", "receipt")
def _receipt(product: dict[str, Any], _info: Any) -> str:
    tax = product["tax"]
    return f"{product['name']}: tax {'n/a' if tax is None else tax}"


SUBGRAPHS = [products, pricing, checkout]

QUERIES = [
    Query(
        "end-of-chain-only",
        "{ products { upc total } }",
    ),
    Query(
        "every-link-selected",
        "{ products { name price tax total } }",
    ),
    Query(
        "two-requirements-at-the-end",
        """
        query Basket {
          basket { __typename upc ...Checkout t: tax }
        }
        fragment Checkout on Product { receipt sum: total }
        """,
    ),
    Query(
        "single-product-by-variable",
        """
        query One($upc: String!) {
          product(upc: $upc) { name total receipt }
        }
        """,
        variables={"upc": "3"},
    ),
]
