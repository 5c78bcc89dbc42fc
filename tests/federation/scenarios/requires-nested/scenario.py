"""``@requires`` with a nested selection: ``@requires(fields: "dimensions { size weight }")``.

``products`` owns ``Product.dimensions`` (a value type with ``size``, ``weight`` and ``unit``);
``shipping`` computes ``shippingEstimate`` from ``dimensions { size weight }``. The gateway has to
fetch the nested object and put it, with exactly the required subfields, into each
representation. The interesting part is merging with the client's own selection of
``dimensions``: when the client selects only ``size`` (or ``unit``, or aliases ``weight``) the
requirement still needs ``size`` and ``weight`` under their real names, but the client must get
back only what it asked for, under its aliases. One product has no dimensions at all (the
requirement is a null object) and the lists repeat products.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"upc": "1", "name": "Table", "dimensions": {"size": "large", "weight": 40.0, "unit": "kg"}},
    {"upc": "2", "name": "Couch", "dimensions": {"size": "xl", "weight": 95.5, "unit": "kg"}},
    {"upc": "3", "name": "Lamp", "dimensions": {"size": "small", "weight": 2.5, "unit": "kg"}},
    {"upc": "4", "name": "E-book", "dimensions": None},
]
BY_UPC = {p["upc"]: p for p in PRODUCTS}
ORDER = ["3", "1", "3", "4", "2", "1"]

products = Subgraph(
    "products",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@shareable"]
    )

    type Query {
      products: [Product!]!
      order: [Product!]!
      product(upc: String!): Product
    }

    type Product @key(fields: "upc") {
      upc: String!
      name: String!
      dimensions: Dimensions
    }

    type Dimensions @shareable {
      size: String!
      weight: Float!
      unit: String!
    }
    """,
)


@products.field("Query", "products")
def _products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return PRODUCTS


@products.field("Query", "order")
def _order(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [BY_UPC[u] for u in ORDER]


@products.field("Query", "product")
def _product(_root: Any, _info: Any, upc: str) -> dict[str, Any] | None:
    return BY_UPC.get(upc)


@products.references("Product")
def _resolve_products(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    return [BY_UPC.get(r["upc"]) for r in reps]


SIZE_FEE = {"small": 2, "large": 20, "xl": 60}

shipping = Subgraph(
    "shipping",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@external", "@requires", "@shareable"]
    )

    type Product @key(fields: "upc") {
      upc: String!
      dimensions: Dimensions @external
      shippingEstimate: Float @requires(fields: "dimensions { size weight }")
    }

    type Dimensions @shareable {
      size: String!
      weight: Float!
    }
    """,
)


@shipping.field("Product", "shippingEstimate")
def _shipping_estimate(product: dict[str, Any], _info: Any) -> float | None:
    dims = product["dimensions"]
    if dims is None:
        return None
    # Exactly the required subfields must have been sent, under their real names.
    assert set(dims) == {"size", "weight"}, dims
    return SIZE_FEE[dims["size"]] + dims["weight"] * 0.5


SUBGRAPHS = [products, shipping]

QUERIES = [
    Query(
        "nested-requirement-not-selected",
        "{ products { name shippingEstimate } }",
    ),
    Query(
        "client-selects-part-of-requirement",
        "{ order { upc dimensions { size } shippingEstimate } }",
    ),
    Query(
        "client-aliases-and-other-subfields",
        """
        query One($upc: String!) {
          product(upc: $upc) {
            __typename
            dimensions { mass: weight unit }
            estimate: shippingEstimate
          }
        }
        """,
        variables={"upc": "2"},
    ),
    Query(
        "fragments-overlapping-requirement",
        """
        { products { ...Dims ...Ship } }
        fragment Dims on Product { dimensions { __typename size kg: weight } }
        fragment Ship on Product { shippingEstimate dimensions { unit } }
        """,
    ),
]
