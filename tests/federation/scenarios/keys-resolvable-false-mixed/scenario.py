"""Several keys per entity, some ``resolvable: false``, and a requirement behind the right key.

``Product`` has two keys, ``id`` and ``sku``, but each subgraph can be *entered* with only some:

- ``orders`` references products by ``id`` only, as a stub (``@key(fields: "id",
  resolvable: false)``, no reference resolver),
- ``catalog`` resolves both keys,
- ``inventory`` owns ``weight`` and can only be entered by ``sku``; it also declares
  ``@key(fields: "id", resolvable: false)``, so it can *hand out* the ``id`` key (from its own
  ``stock`` list) without accepting it,
- ``shipping`` is entered by ``id`` only, hands out ``sku`` through
  ``@key(fields: "sku", resolvable: false)``, and computes ``shippingCost`` with
  ``@requires(fields: "weight")``,
- ``labels`` is entered by ``id`` and computes ``label`` with ``@requires(fields: "sku")``, where
  ``sku`` is ``@external`` and named in its own ``@key(fields: "sku", resolvable: false)``: the
  requirement is a key field it may not be entered with and does not resolve itself.

From an order (``id`` only) ``shippingCost`` needs ``sku`` first (from ``shipping`` itself or
``catalog``), then ``inventory`` by ``sku`` for ``weight``, then ``shipping`` again by ``id`` with
``weight`` in the representation. From ``inventory``'s own ``stock`` list the ``id`` and
``weight`` are already there, so ``shipping`` can be entered directly; from ``shipping``'s own
``shipments`` list the gateway has to leave ``shipping`` and come back. Lists repeat products so
each hop has duplicate representations. ``shipping`` reads ``weight`` straight from the
representation, so a skipped requirement shows up as an error rather than a wrong number.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: list[dict[str, Any]] = [
    {"id": "p1", "sku": "TBL-1", "name": "Table"},
    {"id": "p2", "sku": "CCH-2", "name": "Couch"},
    {"id": "p3", "sku": "LMP-3", "name": "Lamp"},
]
BY_ID = {p["id"]: p for p in PRODUCTS}
BY_SKU = {p["sku"]: p for p in PRODUCTS}

catalog = Subgraph(
    "catalog",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      catalog: [Product!]!
    }

    type Product @key(fields: "id") @key(fields: "sku") {
      id: ID!
      sku: String!
      name: String!
    }
    """,
)


@catalog.field("Query", "catalog")
def _catalog(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return PRODUCTS


@catalog.references("Product")
def _resolve_catalog(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    return [BY_ID.get(r["id"]) if "id" in r else BY_SKU.get(r["sku"]) for r in reps]


ORDERS: list[dict[str, Any]] = [
    {"id": "o1", "quantity": 1, "product": "p2"},
    {"id": "o2", "quantity": 4, "product": "p3"},
    {"id": "o3", "quantity": 2, "product": "p2"},
    {"id": "o4", "quantity": 1, "product": "p1"},
]

orders = Subgraph(
    "orders",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      orders: [Order!]!
      order(id: ID!): Order
    }

    type Order {
      id: ID!
      quantity: Int!
      product: Product!
    }

    type Product @key(fields: "id", resolvable: false) {
      id: ID!
    }
    """,
)


@orders.field("Query", "orders")
def _orders(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return ORDERS


@orders.field("Query", "order")
def _order(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    return next((o for o in ORDERS if o["id"] == id), None)


@orders.field("Order", "product")
def _order_product(order: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": order["product"]}


WEIGHT = {"TBL-1": 30, "CCH-2": 80, "LMP-3": 3}
STOCK = ["LMP-3", "TBL-1", "LMP-3"]

inventory = Subgraph(
    "inventory",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      stock: [Product!]!
    }

    type Product @key(fields: "sku") @key(fields: "id", resolvable: false) {
      sku: String!
      id: ID!
      weight: Int!
    }
    """,
)


def _inventory_row(sku: str) -> dict[str, Any] | None:
    p = BY_SKU.get(sku)
    return None if p is None else {"sku": sku, "id": p["id"], "weight": WEIGHT[sku]}


@inventory.field("Query", "stock")
def _stock(_root: Any, _info: Any) -> list[Any]:
    return [_inventory_row(s) for s in STOCK]


@inventory.references("Product")
def _resolve_inventory(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    # Only the resolvable key (sku) may arrive here.
    return [_inventory_row(r["sku"]) for r in reps]


SHIPMENTS = ["p1", "p3", "p1"]

shipping = Subgraph(
    "shipping",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@external", "@requires"]
    )

    type Query {
      shipments: [Product!]!
    }

    type Product @key(fields: "id") @key(fields: "sku", resolvable: false) {
      id: ID!
      sku: String!
      weight: Int! @external
      shippingCost: Int! @requires(fields: "weight")
    }
    """,
)


@shipping.field("Query", "shipments")
def _shipments(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [{"id": i, "sku": BY_ID[i]["sku"]} for i in SHIPMENTS]


@shipping.reference("Product")
def _resolve_shipping(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    # Entered by id only; keep the required ``weight`` the gateway sent along.
    product = BY_ID.get(rep["id"])
    return None if product is None else {**rep, "sku": product["sku"]}


@shipping.field("Product", "shippingCost")
def _shipping_cost(product: dict[str, Any], _info: Any) -> int:
    return 5 + product["weight"] * 2


labels = Subgraph(
    "labels",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@external", "@requires"]
    )

    type Product @key(fields: "id") @key(fields: "sku", resolvable: false) {
      id: ID!
      sku: String! @external
      label: String! @requires(fields: "sku")
    }
    """,
)


@labels.field("Product", "label")
def _label(product: dict[str, Any], _info: Any) -> str:
    return f"{product['sku']} / {product['id']}"


SUBGRAPHS = [catalog, orders, inventory, shipping, labels]

QUERIES = [
    Query(
        "stub-id-to-requirement-via-sku",
        "{ orders { id product { shippingCost } } }",
    ),
    Query(
        "stub-id-with-key-fields-selected",
        "{ orders { id quantity product { id sku weight shippingCost label } } }",
    ),
    Query(
        "non-resolvable-key-handed-out-directly",
        "{ stock { __typename sku cost: shippingCost label } }",
    ),
    Query(
        "requiring-subgraph-is-the-root",
        "{ shipments { id shippingCost tag: label } }",
    ),
    Query(
        "variables-fragments-from-stub",
        """
        query One($id: ID!) {
          order(id: $id) { product { __typename ...Ship } }
        }
        fragment Ship on Product { name cost: shippingCost }
        """,
        variables={"id": "o2"},
    ),
]
