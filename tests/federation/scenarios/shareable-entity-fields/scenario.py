"""Entity fields @shareable in two subgraphs: the planner serves them from where it already is.

``catalog`` and ``inventory`` both resolve ``Product`` (keyed by ``id``) with ``name`` and
``price`` ``@shareable``; ``description`` is only in ``catalog`` and ``quantity`` only in
``inventory``. Each subgraph has its own root field. The two subgraphs hold deliberately
different strings for ``name`` (``"Desk Lamp"`` vs ``"desk-lamp (inventory)"``) so the response
shows that a shared field was read from the subgraph the query started in, which is cheaper
than an entity fetch to the other one:

- from each root, shared fields only: one fetch, no ``_entities``;
- from each root, plus the other subgraph's own field: the shared field stays local, only the
  other field is fetched by key;
- both roots in one query through the same fragment (aliases, ``__typename``).
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

CATALOG: dict[str, dict[str, Any]] = {
    "p1": {"id": "p1", "name": "Desk Lamp", "price": 40, "description": "Warm light."},
    "p2": {"id": "p2", "name": "Office Chair", "price": 180, "description": "Lumbar support."},
    "p3": {"id": "p3", "name": "Standing Desk", "price": 520, "description": "Motorised."},
}

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  products: [Product!]!
}

type Product @key(fields: "id") {
  id: ID!
  name: String @shareable
  price: Int @shareable
  description: String
}
"""

catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Query": {"products": lambda _root, _info: list(CATALOG.values())},
        "Product": {"__resolve_reference": lambda rep, _info: CATALOG.get(rep["id"])},
    },
)

INVENTORY: dict[str, dict[str, Any]] = {
    "p1": {"id": "p1", "name": "desk-lamp (inventory)", "price": 40, "quantity": 12},
    "p2": {"id": "p2", "name": "office-chair (inventory)", "price": 180, "quantity": 0},
    "p3": {"id": "p3", "name": "standing-desk (inventory)", "price": 520, "quantity": 3},
}

INVENTORY_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  inventory: [Product!]!
  item(id: ID!): Product
}

type Product @key(fields: "id") {
  id: ID!
  name: String @shareable
  price: Int @shareable
  quantity: Int
}
"""

inventory = Subgraph(
    "inventory",
    INVENTORY_SDL,
    {
        "Query": {
            "inventory": lambda _root, _info: list(INVENTORY.values()),
            "item": lambda _root, _info, id: INVENTORY.get(id),
        },
        "Product": {"__resolve_reference": lambda rep, _info: INVENTORY.get(rep["id"])},
    },
)

SUBGRAPHS = [catalog, inventory]

QUERIES = [
    Query(
        "catalog-root-shared-fields-stay-local",
        "{ products { id name price } }",
    ),
    Query(
        "inventory-root-shared-fields-stay-local",
        "{ inventory { id name price quantity } }",
    ),
    Query(
        "catalog-root-plus-inventory-only-field",
        "{ products { id name quantity } }",
    ),
    Query(
        "inventory-root-plus-catalog-only-field-with-variables",
        """
        query Item($id: ID!) {
          item(id: $id) { __typename name description inStock: quantity }
        }
        """,
        variables={"id": "p2"},
    ),
    Query(
        "both-roots-same-fragment",
        """
        {
          fromCatalog: products { ...Card }
          fromInventory: inventory { ...Card }
        }
        fragment Card on Product { __typename id label: name price }
        """,
    ),
]
