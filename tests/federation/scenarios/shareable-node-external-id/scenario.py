"""A ``@shareable`` ``node(id:)`` root field in two subgraphs, each owning some implementations.

``accounts`` owns ``Account`` and knows ``Chat`` only by its key, with ``id`` ``@external``;
``chats`` owns ``Chat`` and knows ``Account`` the same way. Either subgraph may serve
``node``; each answers ids of its own types fully and ids of the other's as a bare reference
whose ``@external`` ``id`` is deliberately wrong (``"c1 (unverified)"``). A field is read from a
subgraph only where it is not ``@external`` there, so ``node`` goes to both subgraphs, each
selecting the fields of its own types. (A field of ``chats`` returning ``Account`` would not
compose: the key's ``id`` cannot be read where it is ``@external``.) Also covered: ``id``
selected through the interface, ``__typename`` only, unknown ids (null), and each subgraph's own
root fields.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

ACCOUNTS = {"a1": {"id": "a1", "username": "ada"}, "a2": {"id": "a2", "username": "alan"}}
CHATS = {
    "c1": {"id": "c1", "text": "hello", "account": "a1"},
    "c2": {"id": "c2", "text": "bye", "account": "a2"},
}


def _node_of(owned: dict[str, dict[str, Any]], own_type: str, other_type: str) -> Any:
    def resolve(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
        if id in owned:
            return {"__typename": own_type, **owned[id]}
        if id in (CHATS if own_type == "Account" else ACCOUNTS):
            # Not this subgraph's to answer: its copy of the @external id is not trustworthy.
            return {"__typename": other_type, "id": f"{id} (unverified)"}
        return None

    return resolve


ACCOUNTS_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3",
        import: ["@key", "@shareable", "@external"])

type Query {
  node(id: ID!): Node @shareable
  account(id: ID!): Account
}

interface Node {
  id: ID!
}

type Account implements Node @key(fields: "id") {
  id: ID!
  username: String!
}

type Chat implements Node @key(fields: "id") {
  id: ID! @external
}
"""

accounts = Subgraph(
    "accounts",
    ACCOUNTS_SDL,
    {
        "Query": {
            "node": _node_of(ACCOUNTS, "Account", "Chat"),
            "account": lambda _root, _info, id: ACCOUNTS.get(id),
        },
        "Node": {"__resolve_type": lambda obj, *_: obj["__typename"]},
        "Account": {"__resolve_reference": lambda rep, _info: ACCOUNTS.get(rep["id"])},
    },
)

CHATS_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3",
        import: ["@key", "@shareable", "@external"])

type Query {
  node(id: ID!): Node @shareable
  chats: [Chat!]!
}

interface Node {
  id: ID!
}

type Account implements Node @key(fields: "id") {
  id: ID! @external
}

type Chat implements Node @key(fields: "id") {
  id: ID!
  text: String!
}
"""

chats = Subgraph(
    "chats",
    CHATS_SDL,
    {
        "Query": {
            "node": _node_of(CHATS, "Chat", "Account"),
            "chats": lambda _root, _info: list(CHATS.values()),
        },
        "Node": {"__resolve_type": lambda obj, *_: obj["__typename"]},
        "Chat": {
            "__resolve_reference": lambda rep, _info: CHATS.get(rep["id"]),
        },
    },
)

SUBGRAPHS = [accounts, chats]

QUERIES = [
    Query(
        "node-own-type",
        '{ node(id: "a1") { id ... on Account { username } ... on Chat { text } } }',
    ),
    Query(
        "node-other-type",
        '{ node(id: "c1") { id ... on Account { username } ... on Chat { text } } }',
    ),
    Query(
        "node-typename-only",
        '{ a: node(id: "a2") { __typename } c: node(id: "c2") { __typename } }',
    ),
    Query("node-id-only", '{ a: node(id: "a2") { id } c: node(id: "c2") { id } }'),
    Query("node-unknown", '{ node(id: "x") { id __typename } }'),
    Query(
        "node-other-type-nested",
        """
        { node(id: "c2") { ... on Chat { id text } ... on Node { ... on Account { username } } } }
        """,
    ),
    Query(
        "entities-through-lists",
        '{ chats { id account { id username } } account(id: "a1") { username } }',
    ),
    Query(
        "node-with-variables",
        """
        query N($a: ID!, $c: ID!) {
          first: node(id: $a) { ...Both }
          second: node(id: $c) { ...Both }
        }
        fragment Both on Node { __typename id ... on Account { username } ... on Chat { text } }
        """,
        variables={"a": "a1", "c": "c1"},
    ),
]
