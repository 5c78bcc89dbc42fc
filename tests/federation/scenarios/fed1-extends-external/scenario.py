"""Federation 1 subgraphs (no ``@link``) composed into a Fed 2 supergraph.

All four subgraphs are written the Fed 1 way: entities owned elsewhere are declared with
``extend type Product @key(fields: "upc") { upc: String! @external ... }`` (``reviews``) or with
the ``@extends`` directive on a plain type definition (``inventory``); ``Query`` is extended,
never defined, outside ``products``; nothing is ``@shareable``, yet the value type
``Dimensions`` is defined identically in ``products`` and ``inventory`` (Fed 1 shares value
types implicitly), and ``accounts``' ``User.username`` is served through ``reviews``'
``@provides``. @apollo/composition upgrades the subgraphs and composes them. Covered:

- an extension adding fields to another subgraph's entity (``Product.reviews``, ``User.reviews``);
- ``@requires`` on an ``@extends`` type, its required fields ``@external``, with a variable;
- the implicitly shared value type, from both subgraphs in one query;
- ``@provides`` on a Fed 1 extension, with aliases, a fragment and ``__typename``.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: dict[str, dict[str, Any]] = {
    "1": {"upc": "1", "name": "Table", "price": 899, "weight": 100},
    "2": {"upc": "2", "name": "Couch", "price": 1299, "weight": 1000},
    "3": {"upc": "3", "name": "Chair", "price": 54, "weight": 50},
}
SIZES = {
    "1": {"width": 180, "height": 75, "unit": "cm"},
    "2": {"width": 220, "height": 90, "unit": "cm"},
    "3": {"width": 45, "height": 95, "unit": "cm"},
}

PRODUCTS_SDL = """
type Query {
  topProducts(first: Int = 5): [Product]
}

type Product @key(fields: "upc") {
  upc: String!
  name: String
  price: Int
  weight: Int
  size: Dimensions
}

type Dimensions {
  width: Int
  height: Int
  unit: String
}
"""

products = Subgraph(
    "products",
    PRODUCTS_SDL,
    {
        "Query": {"topProducts": lambda _root, _info, first=5: list(PRODUCTS.values())[:first]},
        "Product": {
            "__resolve_reference": lambda rep, _info: PRODUCTS.get(rep["upc"]),
            "size": lambda product, _info: SIZES[product["upc"]],
        },
    },
)

USERS = {
    "1": {"id": "1", "name": "Ada Lovelace", "username": "@ada"},
    "2": {"id": "2", "name": "Alan Turing", "username": "@complete"},
}

ACCOUNTS_SDL = """
extend type Query {
  me: User
}

type User @key(fields: "id") {
  id: ID!
  name: String
  username: String
}
"""

accounts = Subgraph(
    "accounts",
    ACCOUNTS_SDL,
    {
        "Query": {"me": lambda _root, _info: USERS["1"]},
        "User": {"__resolve_reference": lambda rep, _info: USERS.get(rep["id"])},
    },
)

REVIEWS = [
    {"id": "r1", "body": "Love it!", "author": "1", "product": "1"},
    {"id": "r2", "body": "Too expensive.", "author": "1", "product": "2"},
    {"id": "r3", "body": "Could be better.", "author": "2", "product": "3"},
    {"id": "r4", "body": "Prefer something else.", "author": "2", "product": "1"},
]

REVIEWS_SDL = """
extend type Query {
  latestReviews: [Review]
}

type Review @key(fields: "id") {
  id: ID!
  body: String
  author: User @provides(fields: "username")
  product: Product
}

extend type User @key(fields: "id") {
  id: ID! @external
  username: String @external
  reviews: [Review]
}

extend type Product @key(fields: "upc") {
  upc: String! @external
  reviews: [Review]
}
"""

reviews = Subgraph(
    "reviews",
    REVIEWS_SDL,
    {
        "Query": {"latestReviews": lambda _root, _info: REVIEWS[::-1][:3]},
        "Review": {
            "__resolve_reference": lambda rep, _info: next(
                (r for r in REVIEWS if r["id"] == rep["id"]), None
            ),
            "author": lambda review, _info: {
                "id": review["author"],
                "username": USERS[review["author"]]["username"],
            },
            "product": lambda review, _info: {"upc": review["product"]},
        },
        "User": {
            "reviews": lambda user, _info: [r for r in REVIEWS if r["author"] == user["id"]],
        },
        "Product": {
            "reviews": lambda product, _info: [
                r for r in REVIEWS if r["product"] == product["upc"]
            ],
        },
    },
)

STOCK = {"1": True, "2": False, "3": True}
PACKAGES = {
    "1": {"width": 190, "height": 20, "unit": "cm"},
    "2": {"width": 230, "height": 100, "unit": "cm"},
    "3": {"width": 50, "height": 60, "unit": "cm"},
}

INVENTORY_SDL = """
type Product @key(fields: "upc") @extends {
  upc: String! @external
  weight: Int @external
  price: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
  packageSize: Dimensions
}

type Dimensions {
  width: Int
  height: Int
  unit: String
}
"""


def _shipping(product: dict[str, Any], _info: Any) -> int:
    # Free for expensive items, otherwise by weight.
    return 0 if product["price"] > 1000 else product["weight"] // 2


inventory = Subgraph(
    "inventory",
    INVENTORY_SDL,
    {
        "Product": {
            "__resolve_reference": lambda rep, _info: rep,
            "inStock": lambda product, _info: STOCK[product["upc"]],
            "shippingEstimate": _shipping,
            "packageSize": lambda product, _info: PACKAGES[product["upc"]],
        },
    },
)

SUBGRAPHS = [products, accounts, reviews, inventory]

QUERIES = [
    Query(
        "extensions-add-fields-across-subgraphs",
        """
        {
          topProducts(first: 2) { upc name reviews { body author { name } } }
          me { name reviews { body } }
        }
        """,
    ),
    Query(
        "requires-on-extends-type-with-variables",
        """
        query Ship($first: Int) {
          topProducts(first: $first) { name inStock shippingEstimate }
        }
        """,
        variables={"first": 3},
    ),
    Query(
        "implicitly-shared-value-type-from-both",
        """
        {
          topProducts {
            upc
            size { __typename width height unit }
            packageSize { __typename width height unit }
          }
        }
        """,
    ),
    Query(
        "provides-on-extension-with-aliases-and-fragment",
        """
        {
          latestReviews {
            id
            writer: author { __typename handle: username }
            product { ...Item }
          }
        }
        fragment Item on Product { __typename upc name inStock }
        """,
    ),
]
