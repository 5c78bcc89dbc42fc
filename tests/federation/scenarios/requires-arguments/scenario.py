"""``@requires`` on a field with arguments: ``@requires(fields: "price(currency: \\"USD\\")")``.

Federation 2 accepts field arguments inside ``@requires`` (keys and ``@provides`` reject them),
so this composes. ``products`` resolves ``price(currency:)`` in any currency; ``shipping``
computes ``shippingEstimate`` from the USD price it receives in the representation (as
``price``, the field's real name: representations carry no arguments).

What makes this hard is the client selecting the *same field with other arguments* next to the
requirement: ``price(currency: "EUR")`` unaliased has the response name ``price`` the
requirement also needs, so the gateway must alias one of them in the ``products`` fetch and
still build the representation from the USD value, and answer the client with the EUR one.
Also covered: the client aliasing its own selection, selecting the required arguments exactly,
and arguments coming from variables. Prices differ per currency so a mix-up is visible.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"upc": "1", "name": "Table", "usd": 900},
    {"upc": "2", "name": "Couch", "usd": 1300},
    {"upc": "3", "name": "Chair", "usd": 60},
]
BY_UPC = {p["upc"]: p for p in PRODUCTS}
RATES = {"USD": 1.0, "EUR": 0.5, "GBP": 0.25}

products = Subgraph(
    "products",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      products: [Product!]!
      product(upc: String!): Product
    }

    type Product @key(fields: "upc") {
      upc: String!
      name: String!
      price(currency: String! = "USD"): Int
    }
    """,
)


@products.field("Query", "products")
def _products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    # The table is listed twice.
    return [*PRODUCTS, PRODUCTS[0]]


@products.field("Query", "product")
def _product(_root: Any, _info: Any, upc: str) -> dict[str, Any] | None:
    return BY_UPC.get(upc)


@products.field("Product", "price")
def _price(product: dict[str, Any], _info: Any, currency: str = "USD") -> int | None:
    rate = RATES.get(currency)
    return None if rate is None else int(product["usd"] * rate)


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
      price(currency: String! = "USD"): Int @external
      shippingEstimate: Int @requires(fields: "price(currency: \\"USD\\")")
    }
    """,
)


@shipping.field("Product", "shippingEstimate")
def _shipping_estimate(product: dict[str, Any], _info: Any) -> int:
    # 10% of the USD price, free over 1000 USD.
    usd = product["price"]
    return 0 if usd > 1000 else usd // 10


SUBGRAPHS = [products, shipping]

QUERIES = [
    Query(
        "requirement-with-arguments-not-selected",
        "{ products { name shippingEstimate } }",
    ),
    Query(
        "client-selects-same-field-other-arguments",
        '{ products { upc price(currency: "EUR") shippingEstimate } }',
    ),
    Query(
        "client-aliases-other-arguments",
        """
        {
          products {
            upc
            eur: price(currency: "EUR")
            usd: price(currency: "USD")
            shippingEstimate
          }
        }
        """,
    ),
    Query(
        "arguments-from-variables-with-fragment",
        """
        query Priced($upc: String!, $currency: String!) {
          product(upc: $upc) { __typename ...Cost }
        }
        fragment Cost on Product { price(currency: $currency) ship: shippingEstimate }
        """,
        variables={"upc": "1", "currency": "GBP"},
    ),
]
