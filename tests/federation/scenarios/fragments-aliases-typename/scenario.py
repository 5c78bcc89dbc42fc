"""Fragments, aliases and ``__typename`` across subgraphs.

``library`` owns the ``Media`` interface (``Book``, ``Movie``), the ``SearchResult`` union (which
also holds ``Author``) and the entities' titles; ``ratings`` adds ``rating(scale:)`` and
``reviewCount`` to ``Book`` and ``Movie`` and owns ``Author.followers``. Queries use nested named
fragments, fragments on the interface and on the union, inline fragments without a type
condition, the same field reached through several fragments with different subselections (which
must merge), aliases on entity fields (including one field twice with different arguments), and
``__typename`` at every level including the root.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

AUTHORS = {
    "a1": {"__typename": "Author", "id": "a1", "name": "Ursula K. Le Guin"},
    "a2": {"__typename": "Author", "id": "a2", "name": "Stanislaw Lem"},
}
MEDIA: list[dict[str, Any]] = [
    {"__typename": "Book", "id": "b1", "title": "The Dispossessed", "pages": 387, "author": "a1"},
    {"__typename": "Movie", "id": "m1", "title": "Solaris", "minutes": 167, "director": "Andrei"},
    {"__typename": "Book", "id": "b2", "title": "Solaris", "pages": 204, "author": "a2"},
]
RATINGS = {"b1": 4.5, "m1": 4.0, "b2": 3.5}
REVIEWS = {"b1": 120, "m1": 80, "b2": 45}
FOLLOWERS = {"a1": 1000, "a2": 700}

library = Subgraph(
    "library",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      media: [Media!]!
      search(text: String!): [SearchResult!]!
      book(id: ID!): Book
    }

    interface Media {
      id: ID!
      title: String!
    }

    type Book implements Media @key(fields: "id") {
      id: ID!
      title: String!
      pages: Int
      author: Author
    }

    type Movie implements Media @key(fields: "id") {
      id: ID!
      title: String!
      minutes: Int
      director: String
    }

    type Author @key(fields: "id") {
      id: ID!
      name: String
      books: [Book!]!
    }

    union SearchResult = Book | Movie | Author
    """,
)


@library.field("Query", "media")
def media(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return MEDIA


@library.field("Query", "search")
def search(_root: Any, _info: Any, text: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [m for m in MEDIA if text.lower() in m["title"].lower()]
    found += [a for a in AUTHORS.values() if text.lower() in a["name"].lower()]
    return found


@library.field("Query", "book")
def book(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    return next((m for m in MEDIA if m["id"] == id and m["__typename"] == "Book"), None)


@library.field("Book", "author")
def book_author(book: dict[str, Any], _info: Any) -> dict[str, Any]:
    return AUTHORS[book["author"]]


@library.field("Author", "books")
def author_books(author: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return [m for m in MEDIA if m.get("author") == author["id"]]


def _medium(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return next((m for m in MEDIA if m["id"] == rep["id"]), None)


library.reference("Book")(_medium)
library.reference("Movie")(_medium)


@library.reference("Author")
def library_author(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return AUTHORS.get(rep["id"])


ratings = Subgraph(
    "ratings",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Book @key(fields: "id") {
      id: ID!
      rating(scale: Int = 5): Float
      reviewCount: Int
    }

    type Movie @key(fields: "id") {
      id: ID!
      rating(scale: Int = 5): Float
      reviewCount: Int
    }

    type Author @key(fields: "id") {
      id: ID!
      followers: Int
    }
    """,
)


def _rating(medium: dict[str, Any], _info: Any, scale: int = 5) -> float:
    return RATINGS[medium["id"]] * scale / 5


def _reviews(medium: dict[str, Any], _info: Any) -> int:
    return REVIEWS[medium["id"]]


for _type in ("Book", "Movie"):
    ratings.field(_type, "rating")(_rating)
    ratings.field(_type, "reviewCount")(_reviews)


@ratings.field("Author", "followers")
def followers(author: dict[str, Any], _info: Any) -> int:
    return FOLLOWERS[author["id"]]


SUBGRAPHS = [library, ratings]

QUERIES = [
    Query(
        "nested-named-fragments",
        """
        query {
          book(id: "b1") { ...BookCard }
        }
        fragment BookCard on Book { ...BookTitle pages author { ...AuthorCard } }
        fragment BookTitle on Book { id title ...BookScore }
        fragment BookScore on Book { rating reviewCount }
        fragment AuthorCard on Author { name ...AuthorFollowers }
        fragment AuthorFollowers on Author { followers }
        """,
    ),
    Query(
        "interface-and-union-fragments",
        """
        query Search($text: String!) {
          media { ...MediaFields }
          search(text: $text) {
            ... on Media { title }
            ... on Book { pages rating }
            ... on Movie { minutes reviewCount }
            ...AuthorFields
          }
        }
        fragment MediaFields on Media {
          id
          ... on Book { author { name } }
          ... on Movie { director rating }
        }
        fragment AuthorFields on Author { name followers }
        """,
        variables={"text": "l"},
    ),
    Query(
        "inline-fragments-without-type-condition",
        """
        {
          book(id: "b2") {
            ... { id title }
            ... { ... { rating } }
            author { ... { name ... on Author { followers } } }
          }
        }
        """,
    ),
    Query(
        "same-field-merged-through-fragments",
        """
        {
          book(id: "b1") {
            author { name }
            ...A
            ...B
            ... on Book { author { books { title } } }
          }
        }
        fragment A on Book { author { id followers } }
        fragment B on Book { author { name books { id rating } } }
        """,
    ),
    Query(
        "aliases-on-entity-fields",
        """
        {
          first: book(id: "b1") {
            heading: title
            outOfFive: rating
            outOfTen: rating(scale: 10)
            outOfHundred: rating(scale: 100)
            count: reviewCount
            writer: author { fans: followers label: name }
          }
          second: book(id: "b2") { heading: id score: rating(scale: 10) }
        }
        """,
    ),
    Query(
        "typename-at-every-level",
        """
        {
          __typename
          alias: __typename
          media {
            __typename
            ... on Book { __typename author { __typename followers books { __typename } } }
            ... on Movie { kind: __typename rating }
          }
          search(text: "solaris") { __typename }
        }
        """,
    ),
]
