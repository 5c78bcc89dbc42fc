"""@provides on interface- and union-typed fields, the provided field asked on and off the path.

``catalog`` owns the entities ``Book`` (``isbn``) and ``Journal`` (``volume``), both with a
shareable ``title``, the interface ``Publication { id title }`` and the union ``Listing = Book |
Journal``. ``store`` declares the same abstract types, has ``title`` ``@external`` on both
entities, adds ``price`` and serves:

- ``Store.featured: [Publication] @provides(fields: "... on Book { title } ... on Journal {
  title }")``: every implementation's title is provided (a bare ``"title"`` is refused by
  composition: the interface field itself cannot be ``@external``);
- ``Store.spotlight: [Listing] @provides(fields: "... on Book { title }")``: only Book titles;
- ``Store.shelf: [Publication]``: no @provides, titles must come from ``catalog``.

``store``'s copies of the titles are marked ``[store]`` so each answer shows who served it. The
same entities are reached through providing and non-providing paths in one query (aliases), the
provided field is asked through a fragment on the interface inside a union selection, together
with a field only the owner has, and the owner's root field asks ``price`` back from ``store``.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PUBS: dict[str, dict[str, Any]] = {
    "b1": {"__typename": "Book", "id": "b1", "title": "Dune", "isbn": "978-0441"},
    "b2": {"__typename": "Book", "id": "b2", "title": "Emma", "isbn": "978-0141"},
    "j1": {"__typename": "Journal", "id": "j1", "title": "Nature", "volume": 612},
    "j2": {"__typename": "Journal", "id": "j2", "title": "Science", "volume": 380},
}

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  publication(id: ID!): Publication
}

interface Publication {
  id: ID!
  title: String
}

union Listing = Book | Journal

type Book implements Publication @key(fields: "id") {
  id: ID!
  title: String @shareable
  isbn: String
}

type Journal implements Publication @key(fields: "id") {
  id: ID!
  title: String @shareable
  volume: Int
}
"""


def _pub(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return PUBS.get(rep["id"])


catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Query": {"publication": lambda _root, _info, id: PUBS.get(id)},
        "Book": {"__resolve_reference": _pub},
        "Journal": {"__resolve_reference": _pub},
    },
)

PRICES = {"b1": 12.5, "b2": 8.0, "j1": 30.0, "j2": 25.0}

STORE_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@provides"])

type Query {
  store: Store
}

type Store {
  name: String
  featured: [Publication] @provides(fields: "... on Book { title } ... on Journal { title }")
  spotlight: [Listing] @provides(fields: "... on Book { title }")
  shelf: [Publication]
}

interface Publication {
  id: ID!
}

union Listing = Book | Journal

type Book implements Publication @key(fields: "id") {
  id: ID!
  title: String @external
  price: Float
}

type Journal implements Publication @key(fields: "id") {
  id: ID!
  title: String @external
  price: Float
}
"""


def _copy(id_: str) -> dict[str, Any]:
    pub = PUBS[id_]
    return {"__typename": pub["__typename"], "id": id_, "title": f"{pub['title']} [store]"}


def _bare(id_: str) -> dict[str, Any]:
    return {"__typename": PUBS[id_]["__typename"], "id": id_}


def _store_ref(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"__typename": rep["__typename"], "id": rep["id"]}


store = Subgraph(
    "store",
    STORE_SDL,
    {
        "Query": {"store": lambda _root, _info: {"name": "Corner Books"}},
        "Store": {
            "featured": lambda _s, _info: [_copy("b1"), _copy("j1")],
            "spotlight": lambda _s, _info: [_copy("j2"), _copy("b2"), _copy("b1")],
            "shelf": lambda _s, _info: [_bare("j1"), _bare("b1"), _bare("b2")],
        },
        "Book": {
            "price": lambda obj, _info: PRICES[obj["id"]],
            "__resolve_reference": _store_ref,
        },
        "Journal": {
            "price": lambda obj, _info: PRICES[obj["id"]],
            "__resolve_reference": _store_ref,
        },
    },
)

SUBGRAPHS = [catalog, store]

QUERIES = [
    Query(
        "interface-provides-every-implementation",
        "{ store { featured { __typename id title } } }",
    ),
    Query(
        "interface-provided-title-with-owner-only-field",
        "{ store { featured { title ... on Book { isbn } ... on Journal { volume price } } } }",
    ),
    Query(
        "non-providing-interface-path-asks-owner",
        "{ store { shelf { id title price } } }",
    ),
    Query(
        "same-entities-on-and-off-the-providing-path",
        """
        {
          store {
            on: featured { id title }
            off: shelf { id title }
          }
        }
        """,
    ),
    Query(
        "union-provides-one-member-title",
        """
        {
          store {
            spotlight {
              __typename
              ... on Book { id title price }
              ... on Journal { id title volume }
            }
          }
        }
        """,
    ),
    Query(
        "union-provided-field-through-interface-fragment",
        """
        query Spot($withPrice: Boolean!) {
          store {
            name
            spotlight { ...Pub }
          }
        }
        fragment Pub on Publication {
          id
          heading: title
          ... on Book { isbn price @include(if: $withPrice) }
        }
        """,
        variables={"withPrice": True},
    ),
    Query(
        "owner-root-with-store-field",
        """
        {
          dune: publication(id: "b1") { title ... on Book { price } }
          nature: publication(id: "j1") { title ... on Journal { price } }
        }
        """,
    ),
]
