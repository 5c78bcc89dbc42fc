"""@provides on fields of abstract type, with type conditions in the provided field set.

``catalog`` owns the entities ``Book`` and ``Movie`` (``title`` shareable), the interface
``Media`` (with ``title``) and the union ``Item = Book | Movie``. ``shelf`` returns them from
``Shelf.featured: Media @provides(fields: "... on Book { title }")`` and ``Shelf.pick: Item
@provides(fields: "... on Movie { title }")``; its ``Media`` interface has only ``id``. The
shelf keeps its own copies of provided titles, marked ``"(from shelf)"``, so responses show which
subgraph answered:

- the provided type condition alone: one fetch, no entity fetch;
- ``title`` asked on the interface itself: Book titles are provided, Movie titles need the owner
  (the planner must split the interface selection per implementation);
- the union's provided member alone, then both members with aliases and variables.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

MEDIA: dict[str, dict[str, Any]] = {
    "bk1": {"__typename": "Book", "id": "bk1", "title": "Dune", "pages": 412},
    "bk2": {"__typename": "Book", "id": "bk2", "title": "Emma", "pages": 474},
    "mv1": {"__typename": "Movie", "id": "mv1", "title": "Alien", "minutes": 117},
    "mv2": {"__typename": "Movie", "id": "mv2", "title": "Heat", "minutes": 170},
}

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

interface Media {
  id: ID!
  title: String
}

union Item = Book | Movie

type Book implements Media @key(fields: "id") {
  id: ID!
  title: String @shareable
  pages: Int
}

type Movie implements Media @key(fields: "id") {
  id: ID!
  title: String @shareable
  minutes: Int
}

type Query {
  media: [Media!]!
}
"""

catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Query": {"media": lambda _root, _info: list(MEDIA.values())},
        "Book": {"__resolve_reference": lambda rep, _info: MEDIA.get(rep["id"])},
        "Movie": {"__resolve_reference": lambda rep, _info: MEDIA.get(rep["id"])},
    },
)

SHELVES: list[dict[str, Any]] = [
    {"id": "s1", "featured": "bk1", "pick": "mv1"},
    {"id": "s2", "featured": "mv2", "pick": "bk2"},
    {"id": "s3", "featured": "bk2", "pick": "mv2"},
]

SHELF_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3",
        import: ["@key", "@external", "@provides"])

type Query {
  shelves: [Shelf!]!
  shelf(id: ID!): Shelf
}

type Shelf {
  id: ID!
  featured: Media @provides(fields: "... on Book { title }")
  pick: Item @provides(fields: "... on Movie { title }")
}

interface Media {
  id: ID!
}

union Item = Book | Movie

type Book implements Media @key(fields: "id") {
  id: ID!
  title: String @external
}

type Movie implements Media @key(fields: "id") {
  id: ID!
  title: String @external
}
"""


def _copy(media_id: str, provided_type: str) -> dict[str, Any]:
    """The shelf's copy of an item: only the provided type carries a (shelf-local) title."""
    item = MEDIA[media_id]
    copy = {"__typename": item["__typename"], "id": media_id}
    if item["__typename"] == provided_type:
        copy["title"] = f"{item['title']} (from shelf)"
    return copy


shelf = Subgraph(
    "shelf",
    SHELF_SDL,
    {
        "Query": {
            "shelves": lambda _root, _info: SHELVES,
            "shelf": lambda _root, _info, id: next((s for s in SHELVES if s["id"] == id), None),
        },
        "Shelf": {
            "featured": lambda s, _info: _copy(s["featured"], "Book"),
            "pick": lambda s, _info: _copy(s["pick"], "Movie"),
        },
    },
)

SUBGRAPHS = [catalog, shelf]

QUERIES = [
    Query(
        "interface-provided-type-condition-only",
        "{ shelves { id featured { __typename id ... on Book { title } } } }",
    ),
    Query(
        "interface-field-split-provided-and-fetched",
        "{ shelves { id featured { __typename title } } }",
    ),
    Query(
        "interface-fragments-mixed-sources",
        """
        {
          shelves {
            featured {
              ... on Book { title pages }
              ... on Movie { title minutes }
            }
          }
        }
        """,
    ),
    Query(
        "union-provided-member-only",
        "{ shelves { id pick { __typename ... on Movie { title } } } }",
    ),
    Query(
        "union-both-members-with-variables-and-aliases",
        """
        query Pick($id: ID!, $other: ID!) {
          first: shelf(id: $id) { pick { ...Named } }
          second: shelf(id: $other) { pick { ...Named } }
        }
        fragment Named on Item {
          __typename
          ... on Book { name: title pages }
          ... on Movie { name: title minutes }
        }
        """,
        variables={"id": "s1", "other": "s2"},
    ),
]
