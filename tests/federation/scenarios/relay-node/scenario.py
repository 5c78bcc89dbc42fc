"""Relay's ``node(id:)`` over entities that live in different subgraphs.

``nodes`` owns ``Query.node(id: ID!): Node`` and ``Query.nodes(ids:)``, the value interface
``interface Node { id: ID! }`` and key-only stubs of every implementation: it decodes the type
from a global id (``"user:1"``) without any data. ``users`` owns ``User``; ``posts`` owns
``Post`` (with ``author: User``) and ``Comment`` (with ``post: Post``). So a ``node`` query
fetches ``nodes`` first, then each implementation's fields by key from its own subgraph,
sometimes in a chain (a comment's post's author):

- ``__typename`` and ``id`` only: no entity fetch;
- one fragment spread under several aliased ``node`` calls of different types, including an id
  whose owner has no such entity (its fields come back null) and an unknown type prefix
  (``node`` itself is null);
- ``nodes(ids:)`` with a variable list mixing types;
- a chain nodes → posts → posts → users from one ``Comment``.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

TYPES = {"user": "User", "post": "Post", "comment": "Comment"}

NODES_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
}

interface Node {
  id: ID!
}

type User implements Node @key(fields: "id") {
  id: ID!
}

type Post implements Node @key(fields: "id") {
  id: ID!
}

type Comment implements Node @key(fields: "id") {
  id: ID!
}
"""


def _decode(id: str) -> dict[str, Any] | None:
    """A global id names its type; ``nodes`` holds no data and trusts the prefix."""
    prefix, _, _rest = id.partition(":")
    typename = TYPES.get(prefix)
    return {"__typename": typename, "id": id} if typename else None


nodes = Subgraph(
    "nodes",
    NODES_SDL,
    {
        "Query": {
            "node": lambda _root, _info, id: _decode(id),
            "nodes": lambda _root, _info, ids: [_decode(i) for i in ids],
        },
    },
)

USERS = {
    "user:1": {"id": "user:1", "name": "Ada", "handle": "@ada"},
    "user:2": {"id": "user:2", "name": "Grace", "handle": "@grace"},
}

USERS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

interface Node {
  id: ID!
}

type User implements Node @key(fields: "id") {
  id: ID!
  name: String
  handle: String
}
"""

users = Subgraph(
    "users",
    USERS_SDL,
    {"User": {"__resolve_reference": lambda rep, _info: USERS.get(rep["id"])}},
)

POSTS = {
    "post:1": {"id": "post:1", "title": "Notes on the Engine", "author": "user:1"},
    "post:2": {"id": "post:2", "title": "COBOL at 60", "author": "user:2"},
}
COMMENTS = {
    "comment:1": {"id": "comment:1", "body": "Brilliant!", "post": "post:1"},
    "comment:2": {"id": "comment:2", "body": "Still running.", "post": "post:2"},
}

POSTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

interface Node {
  id: ID!
}

type Post implements Node @key(fields: "id") {
  id: ID!
  title: String
  author: User
}

type Comment implements Node @key(fields: "id") {
  id: ID!
  body: String
  post: Post
}

type User @key(fields: "id", resolvable: false) {
  id: ID!
}
"""

posts = Subgraph(
    "posts",
    POSTS_SDL,
    {
        "Post": {
            "__resolve_reference": lambda rep, _info: POSTS.get(rep["id"]),
            "author": lambda post, _info: {"id": post["author"]},
        },
        "Comment": {
            "__resolve_reference": lambda rep, _info: COMMENTS.get(rep["id"]),
            "post": lambda comment, _info: POSTS.get(comment["post"]),
        },
    },
)

SUBGRAPHS = [nodes, users, posts]

QUERIES = [
    Query(
        "node-typename-and-id-only",
        "query One($id: ID!) { node(id: $id) { __typename id } }",
        variables={"id": "post:1"},
    ),
    Query(
        "one-fragment-several-types-aliased",
        """
        {
          u: node(id: "user:1") { ...Summary }
          p: node(id: "post:2") { ...Summary }
          c: node(id: "comment:1") { ...Summary }
          ghost: node(id: "user:99") { ...Summary }
          unknown: node(id: "planet:1") { ...Summary }
        }
        fragment Summary on Node {
          __typename
          id
          ... on User { name }
          ... on Post { title author { name } }
          ... on Comment { body }
        }
        """,
    ),
    Query(
        "nodes-list-with-variables",
        """
        query Many($ids: [ID!]!) {
          nodes(ids: $ids) {
            id
            ... on User { handle }
            ... on Post { headline: title }
          }
        }
        """,
        variables={"ids": ["post:1", "user:2", "comment:2", "user:1"]},
    ),
    Query(
        "comment-chain-across-three-subgraphs",
        """
        {
          node(id: "comment:2") {
            ... on Node { id }
            ... on Comment { body post { title author { __typename name handle } } }
          }
        }
        """,
    ),
]
