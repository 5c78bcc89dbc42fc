"""Requirements that go back and forth between two subgraphs: a -> b -> a.

``catalog`` (a) owns ``basePrice``. ``promotions`` (b) computes ``discount`` with
``@requires(fields: "basePrice")``. Back in ``catalog``, ``finalPrice`` has
``@requires(fields: "discount")`` (``discount`` being ``@external`` there). So ``finalPrice``
needs: catalog (``basePrice``) -> promotions (``discount``) -> catalog again (``finalPrice``, via
``_entities`` this time, with ``discount`` in the representation). The same subgraph is fetched
twice in one plan and the second fetch must not be merged with the first. ``catalog``'s
reference resolver reads ``discount`` from the representation, since only the gateway can
supply it. One product has no promotion (``discount`` null) and lists repeat a product.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"id": "1", "name": "Table", "basePrice": 1000},
    {"id": "2", "name": "Couch", "basePrice": 2000},
    {"id": "3", "name": "Chair", "basePrice": 100},
]
BY_ID = {p["id"]: p for p in PRODUCTS}
WISHLIST = ["3", "1", "3", "2"]

catalog = Subgraph(
    "catalog",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@external", "@requires"]
    )

    type Query {
      products: [Product!]!
      wishlist: [Product!]!
      product(id: ID!): Product
    }

    type Product @key(fields: "id") {
      id: ID!
      name: String!
      basePrice: Int!
      discount: Int @external
      finalPrice: Int! @requires(fields: "discount")
    }
    """,
)


@catalog.field("Query", "products")
def _products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return PRODUCTS


@catalog.field("Query", "wishlist")
def _wishlist(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [BY_ID[i] for i in WISHLIST]


@catalog.field("Query", "product")
def _product(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    return BY_ID.get(id)


@catalog.reference("Product")
def _resolve_product(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    found = BY_ID.get(rep["id"])
    if found is None:
        return None
    # Keep what the gateway sent (the required ``discount``) next to the stored fields.
    return {**found, **{k: v for k, v in rep.items() if k != "__typename"}}


@catalog.field("Product", "finalPrice")
def _final_price(product: dict[str, Any], _info: Any) -> int:
    return int(product["basePrice"] - (product["discount"] or 0))


PERCENT_OFF = {"1": 10, "2": 25}

promotions = Subgraph(
    "promotions",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@external", "@requires"]
    )

    type Product @key(fields: "id") {
      id: ID!
      basePrice: Int! @external
      discount: Int @requires(fields: "basePrice")
      onSale: Boolean!
    }
    """,
)


@promotions.field("Product", "discount")
def _discount(product: dict[str, Any], _info: Any) -> int | None:
    percent = PERCENT_OFF.get(product["id"])
    return None if percent is None else product["basePrice"] * percent // 100


@promotions.field("Product", "onSale")
def _on_sale(product: dict[str, Any], _info: Any) -> bool:
    return product["id"] in PERCENT_OFF


SUBGRAPHS = [catalog, promotions]

QUERIES = [
    Query(
        "back-to-the-first-subgraph",
        "{ products { id finalPrice } }",
    ),
    Query(
        "every-step-selected",
        "{ products { name basePrice discount finalPrice onSale } }",
    ),
    Query(
        "one-leg-only",
        "{ wishlist { id discount } }",
    ),
    Query(
        "repeats-with-fragments-and-aliases",
        """
        query Wish {
          wishlist { __typename ...Price }
        }
        fragment Price on Product { label: name pay: finalPrice sale: onSale }
        """,
    ),
    Query(
        "root-by-variable",
        """
        query One($id: ID!) {
          product(id: $id) { __typename id finalPrice discount }
        }
        """,
        variables={"id": "2"},
    ),
]
