"""``@requires`` on each implementation of an interface, reached through the interface.

``catalog`` owns ``interface Media`` with two entity implementations, ``Book`` (has ``pages``)
and ``Movie`` (has ``runtime``). ``logistics`` also declares ``Media``, with a
``shippingWeight`` field that each implementation computes with its own requirement:
``Book.shippingWeight @requires(fields: "pages")`` and
``Movie.shippingWeight @requires(fields: "runtime")``. A list of ``Media`` from ``catalog``
mixes both types, so the gateway must split the list by concrete type, fetch a different
requirement per type, and send each representation with only its type's requirement. Covered:
type conditions (``... on Book { shippingWeight }``), the field selected at the interface level
(``media { shippingWeight }``, which the gateway must explode into per-type fetches), a type
condition on just one implementation (the other type must not be sent to ``logistics``), and
repeats of the same item in a list.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

MEDIA: list[dict[str, Any]] = [
    {"__typename": "Book", "id": "b1", "title": "Dune", "pages": 600},
    {"__typename": "Movie", "id": "m1", "title": "Alien", "runtime": 117},
    {"__typename": "Book", "id": "b2", "title": "Emma", "pages": 350},
    {"__typename": "Movie", "id": "m2", "title": "Heat", "runtime": 170},
]
BY_ID = {m["id"]: m for m in MEDIA}
SHELF = ["m1", "b1", "m1", "b2", "b1"]

catalog = Subgraph(
    "catalog",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      media: [Media!]!
      shelf: [Media!]!
      search(kind: String!): [Media!]!
    }

    interface Media {
      id: ID!
      title: String!
    }

    type Book implements Media @key(fields: "id") {
      id: ID!
      title: String!
      pages: Int!
    }

    type Movie implements Media @key(fields: "id") {
      id: ID!
      title: String!
      runtime: Int!
    }
    """,
)


@catalog.field("Query", "media")
def _media(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return MEDIA


@catalog.field("Query", "shelf")
def _shelf(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [BY_ID[i] for i in SHELF]


@catalog.field("Query", "search")
def _search(_root: Any, _info: Any, kind: str) -> list[dict[str, Any]]:
    return [m for m in MEDIA if m["__typename"] == kind]


def _resolve_media(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    found = BY_ID.get(rep["id"])
    return found if found and found["__typename"] == rep["__typename"] else None


catalog.reference("Book")(_resolve_media)
catalog.reference("Movie")(_resolve_media)

logistics = Subgraph(
    "logistics",
    """
    extend schema @link(
      url: "https://specs.apollo.dev/federation/v2.3"
      import: ["@key", "@external", "@requires"]
    )

    interface Media {
      id: ID!
      shippingWeight: Float!
    }

    type Book implements Media @key(fields: "id") {
      id: ID!
      pages: Int! @external
      shippingWeight: Float! @requires(fields: "pages")
    }

    type Movie implements Media @key(fields: "id") {
      id: ID!
      runtime: Int! @external
      shippingWeight: Float! @requires(fields: "runtime")
    }
    """,
)


@logistics.field("Book", "shippingWeight")
def _book_weight(book: dict[str, Any], _info: Any) -> float:
    assert "runtime" not in book, book
    return float(book["pages"]) * 1.5


@logistics.field("Movie", "shippingWeight")
def _movie_weight(movie: dict[str, Any], _info: Any) -> float:
    assert "pages" not in movie, movie
    return 100.0 if movie["runtime"] > 150 else 80.0


SUBGRAPHS = [catalog, logistics]

QUERIES = [
    Query(
        "type-conditions-per-implementer",
        """
        {
          media {
            __typename
            title
            ... on Book { pages shippingWeight }
            ... on Movie { shippingWeight }
          }
        }
        """,
    ),
    Query(
        "interface-level-selection",
        "{ shelf { id title shippingWeight } }",
    ),
    Query(
        "one-implementer-only",
        "{ shelf { __typename id ... on Movie { kg: shippingWeight minutes: runtime } } }",
    ),
    Query(
        "variables-and-named-fragments",
        """
        query Kind($kind: String!) {
          search(kind: $kind) { ...M }
        }
        fragment M on Media { __typename title weight: shippingWeight ...B }
        fragment B on Book { pages }
        """,
        variables={"kind": "Book"},
    ),
]
