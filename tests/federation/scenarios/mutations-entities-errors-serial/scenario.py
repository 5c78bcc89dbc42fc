"""Mutations returning entities that need entity fetches, with an error mid-sequence.

``orders`` has ``Mutation.placeOrder(sku:, qty:)``, ``cancelOrder(id:)`` (fails for unknown or
already shipped orders) and ``Query.order``; ``Order`` references ``Product @key(fields: "sku")``
owned by ``catalog`` (``name``, ``stock``), and ``catalog`` has ``Mutation.restock(sku:, by:)``.
Mutations change in-memory state, so fields fetched after a mutation show whether each mutation
ran in order and whether each entity fetch ran after the mutation that preceded it: the stock a
``placeOrder``'s product shows is the stock after that order (``catalog`` subtracts ordered
quantities it reads from ``orders`` when answering ``stock``). Each query resets the data first
(``reset`` mutations on both subgraphs) so recordings are repeatable.
"""

from typing import Any

from graphql import GraphQLError
from tests.federation.harness import Query

from hansa.subgraph import Subgraph

STATE: dict[str, Any] = {}


def _reset() -> None:
    STATE["orders"] = {"o1": {"id": "o1", "sku": "pen", "qty": 2, "status": "SHIPPED"}}
    STATE["next"] = 2
    STATE["stock"] = {"pen": 10, "ink": 3}


_reset()

ORDERS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  order(id: ID!): Order
}

type Mutation {
  resetOrders: Boolean
  placeOrder(sku: ID!, qty: Int!): Order
  cancelOrder(id: ID!): Order!
}

type Order {
  id: ID!
  qty: Int
  status: String
  product: Product
}

type Product @key(fields: "sku") {
  sku: ID!
  ordered: Int
}
"""


def _order_out(o: dict[str, Any]) -> dict[str, Any]:
    return {**o, "product": {"sku": o["sku"]}}


def _place(_r: Any, _i: Any, sku: str, qty: int) -> dict[str, Any]:
    if qty <= 0:
        raise GraphQLError(f"Cannot order {qty} of {sku}.", extensions={"code": "BAD_QTY"})
    oid = f"o{STATE['next']}"
    STATE["next"] += 1
    STATE["orders"][oid] = {"id": oid, "sku": sku, "qty": qty, "status": "NEW"}
    return _order_out(STATE["orders"][oid])


def _cancel(_r: Any, _i: Any, id: str) -> dict[str, Any]:
    o = STATE["orders"].get(id)
    if o is None or o["status"] == "SHIPPED":
        raise GraphQLError(
            f"Order {id} cannot be cancelled.", extensions={"code": "NOT_CANCELLABLE"}
        )
    o["status"] = "CANCELLED"
    return _order_out(o)


def _ordered(sku: str) -> int:
    return sum(
        o["qty"] for o in STATE["orders"].values() if o["sku"] == sku and o["status"] != "CANCELLED"
    )


def _reset_orders(_r: Any, _i: Any) -> bool:
    _reset()
    return True


orders = Subgraph(
    "orders",
    ORDERS_SDL,
    {
        "Query": {
            "order": lambda _r, _i, id: (
                _order_out(STATE["orders"][id]) if id in STATE["orders"] else None
            )
        },
        "Mutation": {"resetOrders": _reset_orders, "placeOrder": _place, "cancelOrder": _cancel},
        "Product": {
            "ordered": lambda p, _i: _ordered(p["sku"]),
            "__resolve_reference": lambda rep, _i: {"sku": rep["sku"]},
        },
    },
)

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Mutation {
  restock(sku: ID!, by: Int!): Product
}

type Product @key(fields: "sku") {
  sku: ID!
  name: String
  stock: Int
}
"""

NAMES = {"pen": "Fountain pen", "ink": "Ink bottle"}


def _product(sku: str) -> dict[str, Any] | None:
    if sku not in NAMES:
        return None
    return {"sku": sku, "name": NAMES[sku], "stock": STATE["stock"][sku] - _ordered(sku)}


def _restock(_r: Any, _i: Any, sku: str, by: int) -> dict[str, Any] | None:
    if sku not in NAMES:
        raise GraphQLError(f"No product {sku}.", extensions={"code": "NOT_FOUND"})
    STATE["stock"][sku] += by
    return _product(sku)


catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Mutation": {"restock": _restock},
        "Product": {"__resolve_reference": lambda rep, _i: _product(rep["sku"])},
    },
)

SUBGRAPHS = [orders, catalog]

QUERIES = [
    Query(
        "place-then-entity-fetch-sees-the-order",
        """
        mutation {
          resetOrders
          first: placeOrder(sku: "pen", qty: 3) { id status product { sku name stock ordered } }
          second: placeOrder(sku: "pen", qty: 1) { id product { stock } }
        }
        """,
    ),
    Query(
        "error-in-the-middle-later-mutations-still-run",
        """
        mutation {
          resetOrders
          a: placeOrder(sku: "ink", qty: 1) { id product { name stock } }
          bad: placeOrder(sku: "ink", qty: 0) { id product { stock } }
          c: restock(sku: "ink", by: 5) { stock }
          d: placeOrder(sku: "ink", qty: 2) { product { stock ordered } }
        }
        """,
    ),
    Query(
        "non-null-mutation-field-error-nulls-data",
        """
        mutation {
          resetOrders
          ok: placeOrder(sku: "pen", qty: 1) { id }
          cancelOrder(id: "o1") { id status }
          after: restock(sku: "pen", by: 1) { stock }
        }
        """,
    ),
    Query(
        "cancel-then-stock-recovers",
        """
        mutation M($sku: ID!) {
          resetOrders
          placed: placeOrder(sku: $sku, qty: 4) { id product { stock } }
          cancelled: cancelOrder(id: "o2") { status product { ...S } }
          restocked: restock(sku: $sku, by: 2) { ...S ordered }
        }
        fragment S on Product { name stock }
        """,
        variables={"sku": "pen"},
    ),
    Query(
        "restock-unknown-product-error-with-entity-fields",
        """
        mutation {
          resetOrders
          restock(sku: "gum", by: 1) { name ordered }
          placeOrder(sku: "gum", qty: 1) { id product { sku name } }
        }
        """,
    ),
]
