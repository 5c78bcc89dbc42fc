"""Nested @provides: ``@provides(fields: "title author { name address { city } }")``.

``books`` owns ``Book`` (``title``, ``author``, ``year``); ``people`` owns ``Person`` (``name``,
``address``, ``born``) and the value type ``Address`` (``city``, ``country``). ``reviews`` has
``Review.book: Book`` with a provides that reaches two levels down, through an entity
(``Person``) and a value type (``Address``); ``Review.relatedBook: Book`` provides nothing.
``reviews`` keeps its own copies of the provided values, marked ``"(from reviews)"`` so the
responses show which subgraph answered each field:

- a selection entirely inside the provided set: one fetch to ``reviews``;
- a selection mixing provided and non-provided fields at every level (``year`` from ``books``,
  ``born`` and ``country`` from ``people``);
- the same selection through ``relatedBook``: everything comes from the owners;
- variables, aliases, an inline fragment and ``__typename`` under the provided path.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PEOPLE: dict[str, dict[str, Any]] = {
    "p1": {
        "id": "p1",
        "name": "Mary Shelley",
        "born": 1797,
        "address": {"city": "London", "country": "England"},
    },
    "p2": {
        "id": "p2",
        "name": "Jules Verne",
        "born": 1828,
        "address": {"city": "Nantes", "country": "France"},
    },
    "p3": {
        "id": "p3",
        "name": "H. G. Wells",
        "born": 1866,
        "address": {"city": "Bromley", "country": "England"},
    },
}

PEOPLE_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Person @key(fields: "id") {
  id: ID!
  name: String @shareable
  born: Int
  address: Address @shareable
}

type Address {
  city: String @shareable
  country: String
}
"""

people = Subgraph(
    "people",
    PEOPLE_SDL,
    {"Person": {"__resolve_reference": lambda rep, _info: PEOPLE.get(rep["id"])}},
)

BOOKS: dict[str, dict[str, Any]] = {
    "b1": {"isbn": "b1", "title": "Frankenstein", "year": 1818, "author": "p1"},
    "b2": {"isbn": "b2", "title": "Twenty Thousand Leagues", "year": 1870, "author": "p2"},
    "b3": {"isbn": "b3", "title": "The Time Machine", "year": 1895, "author": "p3"},
}

BOOKS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  books: [Book!]!
}

type Book @key(fields: "isbn") {
  isbn: ID!
  title: String @shareable
  year: Int
  author: Person @shareable
}

type Person @key(fields: "id", resolvable: false) {
  id: ID!
}
"""

books = Subgraph(
    "books",
    BOOKS_SDL,
    {
        "Query": {"books": lambda _root, _info: list(BOOKS.values())},
        "Book": {
            "__resolve_reference": lambda rep, _info: BOOKS.get(rep["isbn"]),
            "author": lambda book, _info: {"id": book["author"]},
        },
    },
)

REVIEWS: list[dict[str, Any]] = [
    {"id": "r1", "stars": 5, "book": "b1", "related": "b3"},
    {"id": "r2", "stars": 4, "book": "b2", "related": "b1"},
    {"id": "r3", "stars": 3, "book": "b3", "related": "b2"},
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
  stars: Int
  book: Book @provides(fields: "title author { name address { city } }")
  relatedBook: Book
}

type Book @key(fields: "isbn") {
  isbn: ID!
  title: String @external
  author: Person @external
}

type Person @key(fields: "id") {
  id: ID!
  name: String @external
  address: Address @external
}

type Address {
  city: String @external
}
"""


def _provided_book(isbn: str) -> dict[str, Any]:
    """The reviews service's denormalised copy of a book, enough to honour its @provides."""
    book = BOOKS[isbn]
    person = PEOPLE[book["author"]]
    return {
        "isbn": isbn,
        "title": f"{book['title']} (from reviews)",
        "author": {
            "id": person["id"],
            "name": f"{person['name']} (from reviews)",
            "address": {"city": f"{person['address']['city']} (from reviews)"},
        },
    }


def _review(id: str) -> dict[str, Any] | None:
    return next((r for r in REVIEWS if r["id"] == id), None)


reviews = Subgraph(
    "reviews",
    REVIEWS_SDL,
    {
        "Query": {
            "reviews": lambda _root, _info: REVIEWS,
            "review": lambda _root, _info, id: _review(id),
        },
        "Review": {
            "__resolve_reference": lambda rep, _info: _review(rep["id"]),
            "book": lambda review, _info: _provided_book(review["book"]),
            "relatedBook": lambda review, _info: {"isbn": review["related"]},
        },
    },
)

SUBGRAPHS = [people, books, reviews]

QUERIES = [
    Query(
        "nested-provided-only-single-fetch",
        "{ reviews { id book { title author { name address { city } } } } }",
    ),
    Query(
        "nested-provided-mixed-with-owner-fields",
        "{ reviews { id book { title year author { name born address { city country } } } } }",
    ),
    Query(
        "non-providing-path-fetches-owners",
        "{ reviews { id relatedBook { title author { name address { city } } } } }",
    ),
    Query(
        "provided-path-with-variables-aliases-fragments",
        """
        query One($id: ID!) {
          review(id: $id) {
            __typename
            book {
              __typename
              ... on Book {
                heading: title
                author { __typename who: name where: address { __typename city } }
              }
            }
          }
        }
        """,
        variables={"id": "r3"},
    ),
]
