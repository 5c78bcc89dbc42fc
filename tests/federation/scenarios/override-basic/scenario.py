"""@override moves a field to a new owner, which computes it with @requires.

``legacy`` used to resolve ``Product.shippingEstimate`` from a fixed table. ``shipping`` now
declares it with ``@override(from: "legacy") @requires(fields: "weight")``: the gateway must
never ask ``legacy`` for it (even from ``legacy``'s own root field, where reading it locally
would look cheaper) and must fetch ``weight`` from ``products`` and pass it in the
representation sent to ``shipping``. ``legacy``'s stale answers are negative numbers, so a wrong
route is visible in the response. ``shipping`` also declares ``Product.carrier
@override(from: "warehouse")``, naming a subgraph that does not exist: composition only emits a
hint and ``shipping`` simply owns the field.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: dict[str, dict[str, Any]] = {
    "1": {"upc": "1", "name": "Table", "weight": 20},
    "2": {"upc": "2", "name": "Couch", "weight": 55},
    "3": {"upc": "3", "name": "Chair", "weight": 6},
}

PRODUCTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  topProducts: [Product!]!
  product(upc: String!): Product
}

type Product @key(fields: "upc") {
  upc: String!
  name: String
  weight: Int
}
"""

products = Subgraph(
    "products",
    PRODUCTS_SDL,
    {
        "Query": {
            "topProducts": lambda _root, _info: list(PRODUCTS.values()),
            "product": lambda _root, _info, upc: PRODUCTS.get(upc),
        },
        "Product": {"__resolve_reference": lambda rep, _info: PRODUCTS.get(rep["upc"])},
    },
)

LEGACY: dict[str, dict[str, Any]] = {
    "1": {"upc": "1", "legacyCode": "T-001", "shippingEstimate": -1},
    "2": {"upc": "2", "legacyCode": "C-002", "shippingEstimate": -2},
    "3": {"upc": "3", "legacyCode": "H-003", "shippingEstimate": -3},
}

LEGACY_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  legacyProducts: [Product!]!
}

type Product @key(fields: "upc") {
  upc: String!
  legacyCode: String
  shippingEstimate: Int
}
"""

legacy = Subgraph(
    "legacy",
    LEGACY_SDL,
    {
        "Query": {"legacyProducts": lambda _root, _info: list(LEGACY.values())},
        "Product": {"__resolve_reference": lambda rep, _info: LEGACY.get(rep["upc"])},
    },
)

SHIPPING_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3",
        import: ["@key", "@external", "@requires", "@override"])

type Product @key(fields: "upc") {
  upc: String!
  weight: Int @external
  shippingEstimate: Int @override(from: "legacy") @requires(fields: "weight")
  carrier: String @override(from: "warehouse")
}
"""


def _estimate(product: dict[str, Any], _info: Any) -> int:
    if "weight" not in product:
        raise ValueError("shippingEstimate needs the product's weight")
    return 5 + product["weight"] * 2


shipping = Subgraph(
    "shipping",
    SHIPPING_SDL,
    {
        "Product": {
            "__resolve_reference": lambda rep, _info: rep,
            "shippingEstimate": _estimate,
            "carrier": lambda product, _info: "freight" if product["upc"] == "2" else "parcel",
        },
    },
)

SUBGRAPHS = [products, legacy, shipping]

QUERIES = [
    Query(
        "overridden-field-uses-new-owner-requires",
        "{ topProducts { upc name shippingEstimate } }",
    ),
    Query(
        "old-owner-root-still-routes-to-new-owner",
        "{ legacyProducts { upc legacyCode shippingEstimate } }",
    ),
    Query(
        "override-from-missing-subgraph-is-harmless",
        "{ topProducts { name carrier } }",
    ),
    Query(
        "variables-aliases-fragments",
        """
        query One($upc: String!) {
          product(upc: $upc) {
            __typename
            ... on Product { cost: shippingEstimate via: carrier }
            ...Legacy
          }
        }
        fragment Legacy on Product { legacyCode weight }
        """,
        variables={"upc": "2"},
    ),
]
