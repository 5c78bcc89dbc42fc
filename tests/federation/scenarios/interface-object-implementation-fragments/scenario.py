"""Fragments on implementations below an ``@interfaceObject`` root, recursing through the interface.

``shelf`` knows ``Media`` only as an ``@interfaceObject`` (``stock``) and lists ``allMedias``;
``catalog`` owns ``interface Media @key(fields: "id")`` with ``Book`` and ``Song`` and the
recursive ``sameMedia: Media``. A client selecting ``sameMedia`` on the interface *and* again
inside ``... on Book`` gets, for books, the two selections merged (CollectFields); the entity
fetch to ``catalog`` must ask the merged one on ``Book``, not only the interface-level one.
Found by the random-graph differential: the Book-only part was dropped, and a non-null field
inside it came back as a null error. Also covered: an interface-object field (``stock``) under
the fragment, reached through a second entity fetch back to ``shelf``.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

MEDIA: dict[str, dict[str, Any]] = {
    "b1": {"__typename": "Book", "id": "b1", "label": "Dune", "code": "isbn-1", "same": "b2"},
    "b2": {"__typename": "Book", "id": "b2", "label": "Emma", "code": "isbn-2", "same": "s1"},
    "s1": {"__typename": "Song", "id": "s1", "label": "Hey", "rating": 4.5, "same": "b1"},
}
STOCK = {"b1": 3, "b2": 0, "s1": 12}

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

interface Media @key(fields: "id") {
  id: ID!
  label: String
  sameMedia: Media
}

type Book implements Media @key(fields: "id") {
  id: ID!
  label: String
  info: BookInfo!
  sameMedia: Media
}

type BookInfo {
  code: String!
}

type Song implements Media @key(fields: "id") {
  id: ID!
  label: String
  rating: Float!
  sameMedia: Media
}
"""


def _media(id: str) -> dict[str, Any] | None:
    return MEDIA.get(id)


catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Media": {
            "__resolve_reference": lambda rep, _info: _media(rep["id"]),
            "__resolve_type": lambda obj, *_: obj["__typename"],
        },
        "Book": {
            "__resolve_reference": lambda rep, _info: _media(rep["id"]),
            "info": lambda book, _info: {"code": book["code"]},
            "sameMedia": lambda m, _info: _media(m["same"]),
        },
        "Song": {
            "__resolve_reference": lambda rep, _info: _media(rep["id"]),
            "sameMedia": lambda m, _info: _media(m["same"]),
        },
    },
)

SHELF_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@interfaceObject"])

type Query {
  allMedias: [Media!]!
}

type Media @key(fields: "id") @interfaceObject {
  id: ID!
  stock: Int!
}
"""

shelf = Subgraph(
    "shelf",
    SHELF_SDL,
    {
        "Query": {"allMedias": lambda _root, _info: [{"id": i} for i in MEDIA]},
        "Media": {
            "__resolve_reference": lambda rep, _info: (
                {"id": rep["id"], "stock": STOCK[rep["id"]]} if rep["id"] in STOCK else None
            )
        },
    },
)

SUBGRAPHS = [catalog, shelf]

QUERIES = [
    Query(
        "merged-selection-on-the-implementation",
        """
        { allMedias { ... on Book { sameMedia { ... on Book { info { code } } } }
                      sameMedia { label } } }
        """,
    ),
    Query(
        "interface-object-field-under-the-fragment",
        """
        { allMedias { id sameMedia { ... on Song { rating } }
                      ... on Book { sameMedia { stock } } } }
        """,
    ),
    Query(
        "typename-and-aliases",
        """
        { allMedias { __typename id s: sameMedia { __typename label }
                      ... on Book { s: sameMedia { id } info { code } } } }
        """,
    ),
]
