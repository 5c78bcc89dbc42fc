"""Federation 2 subgraphs that reference an entity the Fed 1 way: ``@extends`` or ``extend type``
with the key field marked ``@external``.

Such key fields are not really external (Apollo calls them fake externals): the subgraph holds
the key of every reference it returns, so the gateway reads the key from it and jumps to the
owner. A review of the planner change that stopped reading ``@external`` fields found the
composition marking these keys external, which made the graph unsatisfiable.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

USERS = {"u1": "Ada", "u2": "Alan"}
SHOPS = {"s1": "Corner shop"}

ACCOUNTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  me: User
  shop(id: ID!): Shop
}

type User @key(fields: "id") {
  id: ID!
  name: String
}

type Shop @key(fields: "id") {
  id: ID!
  title: String
}
"""

accounts = Subgraph(
    "accounts",
    ACCOUNTS_SDL,
    {
        "Query": {
            "me": lambda _root, _info: {"id": "u1", "name": USERS["u1"]},
            "shop": lambda _root, _info, id: (
                {"id": id, "title": SHOPS[id]} if id in SHOPS else None
            ),
        },
        "User": {
            "__resolve_reference": lambda rep, _info: {
                "id": rep["id"],
                "name": USERS.get(rep["id"]),
            }
        },
        "Shop": {
            "__resolve_reference": lambda rep, _info: {
                "id": rep["id"],
                "title": SHOPS.get(rep["id"]),
            }
        },
    },
)

REVIEWS_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@extends", "@external"])

type Query {
  reviews: [Review!]!
}

type Review {
  body: String!
  author: User!
  shop: Shop
}

type User @key(fields: "id") @extends {
  id: ID! @external
  karma: Int
}

extend type Shop @key(fields: "id") {
  id: ID! @external
  rating: Float
}
"""

REVIEWS: list[dict[str, Any]] = [
    {"body": "Great", "author": "u1", "shop": "s1"},
    {"body": "Meh", "author": "u2", "shop": None},
]

reviews = Subgraph(
    "reviews",
    REVIEWS_SDL,
    {
        "Query": {"reviews": lambda _root, _info: REVIEWS},
        "Review": {
            "author": lambda r, _info: {"id": r["author"], "karma": len(r["body"])},
            "shop": lambda r, _info: {"id": r["shop"], "rating": 4.5} if r["shop"] else None,
        },
        "User": {"__resolve_reference": lambda rep, _info: {"id": rep["id"], "karma": 7}},
        "Shop": {"__resolve_reference": lambda rep, _info: {"id": rep["id"], "rating": 4.5}},
    },
)

SUBGRAPHS = [accounts, reviews]

QUERIES = [
    Query("key-read-from-the-extension", "{ reviews { body author { id name karma } } }"),
    Query("extend-type-key", "{ reviews { shop { id title rating } } }"),
    Query("owner-root-then-extension-field", '{ me { name karma } shop(id: "s1") { rating } }'),
]
