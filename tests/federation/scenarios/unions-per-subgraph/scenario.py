"""A union whose members differ per subgraph.

``books`` defines ``union SearchResult = Book | Author``; ``music`` defines ``union
SearchResult = Album | Author``. ``Author`` is an entity in both (``books`` adds
``bookCount``, ``music`` adds ``albums``). The supergraph union has all three members, so:

- ``__typename`` alone, from both roots, at the top and inside fragments;
- member fragments where a member's field lives in the other subgraph (``Author.albums``
  for authors found by ``searchBooks``);
- fragments on members the fetching subgraph's union does not have (``Book`` under
  ``searchMusic``, ``Album`` under ``searchBooks``): never sent, never matched, and a selection
  made only of such fragments still yields one (empty) object per result;
- one fragment on the union spread under both roots, with aliases and a variable.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

AUTHORS = {
    "a1": {"id": "a1", "name": "Leonard Cohen", "bookCount": 2},
    "a2": {"id": "a2", "name": "Patti Smith", "bookCount": 1},
}

BOOK_RESULTS: list[dict[str, Any]] = [
    {"__typename": "Book", "isbn": "111", "title": "Beautiful Losers"},
    {"__typename": "Author", **AUTHORS["a1"]},
    {"__typename": "Book", "isbn": "222", "title": "Just Kids"},
    {"__typename": "Author", **AUTHORS["a2"]},
]

BOOKS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  searchBooks(term: String!): [SearchResult!]!
}

union SearchResult = Book | Author

type Book {
  isbn: ID!
  title: String
}

type Author @key(fields: "id") {
  id: ID!
  name: String @shareable
  bookCount: Int
}
"""


def _matches(item: dict[str, Any], term: str) -> bool:
    text = item.get("title") or item.get("name") or ""
    return term.lower() in text.lower()


books = Subgraph(
    "books",
    BOOKS_SDL,
    {
        "Query": {
            "searchBooks": lambda _root, _info, term: [
                r for r in BOOK_RESULTS if _matches(r, term)
            ],
        },
        "Author": {"__resolve_reference": lambda rep, _info: AUTHORS.get(rep["id"])},
    },
)

ALBUMS = {
    "a1": [{"title": "Songs of Love and Hate", "year": 1971}],
    "a2": [{"title": "Horses", "year": 1975}, {"title": "Easter", "year": 1978}],
}

MUSIC_RESULTS: list[dict[str, Any]] = [
    {"__typename": "Album", "title": "Horses", "year": 1975},
    {"__typename": "Author", "id": "a2", "name": "Patti Smith"},
    {"__typename": "Album", "title": "Songs of Love and Hate", "year": 1971},
    {"__typename": "Author", "id": "a1", "name": "Leonard Cohen"},
]

MUSIC_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  searchMusic(term: String!): [SearchResult!]!
}

union SearchResult = Album | Author

type Album {
  title: String
  year: Int
}

type Author @key(fields: "id") {
  id: ID!
  name: String @shareable
  albums: [Album!]!
}
"""

music = Subgraph(
    "music",
    MUSIC_SDL,
    {
        "Query": {
            "searchMusic": lambda _root, _info, term: [
                r for r in MUSIC_RESULTS if _matches(r, term)
            ],
        },
        "Author": {
            "__resolve_reference": lambda rep, _info: (
                {
                    "id": rep["id"],
                    "name": AUTHORS[rep["id"]]["name"],
                }
                if rep["id"] in AUTHORS
                else None
            ),
            "albums": lambda author, _info: ALBUMS.get(author["id"], []),
        },
    },
)

SUBGRAPHS = [books, music]

QUERIES = [
    Query(
        "typename-only-from-both-roots",
        """
        {
          searchBooks(term: "") { __typename }
          searchMusic(term: "") { __typename ... on Author { __typename id } }
        }
        """,
    ),
    Query(
        "member-fragment-needing-other-subgraph",
        """
        {
          searchBooks(term: "") {
            ... on Book { title }
            ... on Author { name bookCount albums { title year } }
          }
        }
        """,
    ),
    Query(
        "fragments-on-members-unknown-to-fetching-subgraph",
        """
        {
          searchMusic(term: "") { ... on Book { isbn title } ... on Album { title } }
          onlyUnknown: searchBooks(term: "") { ... on Album { year } }
        }
        """,
    ),
    Query(
        "shared-fragment-with-variables-and-aliases",
        """
        query Find($term: String!) {
          fromBooks: searchBooks(term: $term) { ...Result }
          fromMusic: searchMusic(term: $term) { ...Result }
        }
        fragment Result on SearchResult {
          kind: __typename
          ... on Author { id name }
          ... on Book { title }
          ... on Album { title year }
        }
        """,
        variables={"term": "s"},
    ),
]
