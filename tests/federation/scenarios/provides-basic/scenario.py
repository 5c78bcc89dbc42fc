"""@provides on one field: provided fields come from the providing subgraph, the rest from the owner.

``accounts`` owns ``User`` (``name``, ``@shareable`` as Fed 2 requires of a provided field, and
``email``). ``reviews`` has ``Review.author: User @provides(fields: "name")`` and keeps its own
copy of author names, plus ``Review.editor: User`` without @provides. The copies deliberately
differ from the owner's (``"Ada (from reviews)"`` vs ``"Ada Lovelace"``) so each response shows
which subgraph answered a field:

- only provided fields under ``author``: one fetch to ``reviews``, no entity fetch;
- a provided and a non-provided field under ``author``: ``name`` still comes from ``reviews``,
  ``email`` needs an ``_entities`` fetch to ``accounts``;
- the same entity reached by the non-providing ``editor`` field: ``name`` must come from the owner
  (``reviews`` only has it ``@external``);
- both paths in one query, with variables, aliases, fragments and ``__typename``;
- the owner's own root field: the shareable ``name`` comes from ``accounts``, one fetch.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

USERS: dict[str, dict[str, Any]] = {
    "u1": {"id": "u1", "name": "Ada Lovelace", "email": "ada@example.com"},
    "u2": {"id": "u2", "name": "Alan Turing", "email": "alan@example.com"},
    "u3": {"id": "u3", "name": "Grace Hopper", "email": "grace@example.com"},
}

ACCOUNTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  user(id: ID!): User
}

type User @key(fields: "id") {
  id: ID!
  name: String @shareable
  email: String
}
"""

accounts = Subgraph(
    "accounts",
    ACCOUNTS_SDL,
    {
        "Query": {"user": lambda _root, _info, id: USERS.get(id)},
        "User": {"__resolve_reference": lambda rep, _info: USERS.get(rep["id"])},
    },
)

# The reviews service's own (stale-looking) copy of author names: what @provides serves.
NAME_COPIES = {
    "u1": "Ada (from reviews)",
    "u2": "Alan (from reviews)",
    "u3": "Grace (from reviews)",
}

REVIEWS: list[dict[str, Any]] = [
    {"id": "r1", "body": "Elegant engine.", "author": "u1", "editor": "u3"},
    {"id": "r2", "body": "Computable!", "author": "u2", "editor": "u1"},
    {"id": "r3", "body": "Found a bug.", "author": "u3", "editor": "u2"},
]

REVIEWS_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3",
        import: ["@key", "@external", "@provides"])

type Query {
  reviews: [Review!]!
  review(id: ID!): Review
}

type Review @key(fields: "id") {
  id: ID!
  body: String
  author: User @provides(fields: "name")
  editor: User
}

type User @key(fields: "id") {
  id: ID!
  name: String @external
}
"""


def _author(review: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": review["author"], "name": NAME_COPIES[review["author"]]}


def _editor(review: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": review["editor"]}


reviews = Subgraph(
    "reviews",
    REVIEWS_SDL,
    {
        "Query": {
            "reviews": lambda _root, _info: REVIEWS,
            "review": lambda _root, _info, id: next((r for r in REVIEWS if r["id"] == id), None),
        },
        "Review": {
            "author": _author,
            "editor": _editor,
            "__resolve_reference": lambda rep, _info: next(
                (r for r in REVIEWS if r["id"] == rep["id"]), None
            ),
        },
    },
)

SUBGRAPHS = [accounts, reviews]

QUERIES = [
    Query(
        "provided-fields-only-no-entity-fetch",
        "{ reviews { id body author { id name } } }",
    ),
    Query(
        "provided-and-owner-only-field",
        "{ reviews { id author { name email } } }",
    ),
    Query(
        "non-providing-path-fetches-owner",
        "{ reviews { id editor { __typename id name } } }",
    ),
    Query(
        "both-paths-with-variables-and-aliases",
        """
        query Both($id: ID!) {
          review(id: $id) {
            __typename
            writer: author { __typename shown: name }
            editor { ...Who }
          }
        }
        fragment Who on User { id name }
        """,
        variables={"id": "r2"},
    ),
    Query(
        "owner-root-serves-shareable-field",
        """
        query Owner($id: ID!) {
          user(id: $id) { id name email }
        }
        """,
        variables={"id": "u3"},
    ),
]
