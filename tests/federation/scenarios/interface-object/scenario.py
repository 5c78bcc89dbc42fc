"""@interfaceObject: a subgraph adds fields to an interface without knowing its implementations.

``media`` owns the entity interface ``Media @key(fields: "id")`` and its implementations
``Book`` and ``Movie``. ``ratings`` declares ``type Media @key(fields: "id") @interfaceObject``,
adds ``rating``, ``reviewers`` and ``blurb @requires(fields: "title")``, and has root fields
returning ``[Media]`` (``featured`` with ``@provides(fields: "title")``); it never sees ``Book``
or ``Movie``. So:

- from ``ratings``' root, ``__typename`` and ``... on Book { title }`` can only be answered after
  an ``_entities`` call to ``media`` with ``{"__typename": "Media", "id": ...}``
  representations, which resolves the concrete type;
- from ``media``'s root, ``rating`` is fetched from ``ratings`` with representations whose
  ``__typename`` the gateway rewrites to ``Media`` (``ratings`` has no ``Book``);
- the same with variables, aliases and fragments on the interface and an implementation;
- the @requires field asked for one implementation only; the reference sends key-less
  representations for the other implementation (hand-written expectation, see its ``why``);
- a provided field under an implementation fragment: the reference's planner crashes on this
  valid query (hand-written expectation);
- an id ``ratings`` knows but ``media`` does not: ``media``'s entity lookup yields null, the
  concrete type stays unknown and the reference nulls the whole object without an error.

No selection here is unplannable: composition's satisfiability check rejects the supergraphs
that would make one (e.g. ``media``'s interface key ``resolvable: false``).
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

MEDIA: dict[str, dict[str, Any]] = {
    "m1": {"__typename": "Book", "id": "m1", "title": "Dune", "author": "Frank Herbert"},
    "m2": {"__typename": "Movie", "id": "m2", "title": "Alien", "director": "Ridley Scott"},
    "m3": {"__typename": "Book", "id": "m3", "title": "Emma", "author": "Jane Austen"},
    "m4": {"__typename": "Movie", "id": "m4", "title": "Heat", "director": "Michael Mann"},
}

MEDIA_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  allMedia: [Media!]!
  book(id: ID!): Book
}

interface Media @key(fields: "id") {
  id: ID!
  title: String
}

type Book implements Media @key(fields: "id") {
  id: ID!
  title: String @shareable
  author: String
}

type Movie implements Media @key(fields: "id") {
  id: ID!
  title: String @shareable
  director: String
}
"""


def _media(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return MEDIA.get(rep["id"])


media = Subgraph(
    "media",
    MEDIA_SDL,
    {
        "Query": {
            "allMedia": lambda _root, _info: list(MEDIA.values()),
            "book": lambda _root, _info, id: (
                MEDIA[id] if id in MEDIA and MEDIA[id]["__typename"] == "Book" else None
            ),
        },
        "Media": {"__resolve_reference": _media},
        "Book": {"__resolve_reference": _media},
        "Movie": {"__resolve_reference": _media},
    },
)

# "m9" is rated but unknown to the media subgraph.
RATINGS: dict[str, dict[str, Any]] = {
    "m1": {"id": "m1", "rating": 5, "reviewers": ["ann", "bob"]},
    "m2": {"id": "m2", "rating": 4, "reviewers": ["cy"]},
    "m3": {"id": "m3", "rating": 3, "reviewers": []},
    "m4": {"id": "m4", "rating": 2, "reviewers": ["dee", "eve", "fay"]},
    "m9": {"id": "m9", "rating": 1, "reviewers": ["gus"]},
}

RATINGS_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3",
        import: ["@key", "@interfaceObject", "@external", "@provides", "@requires"])

type Query {
  topRated(min: Int = 0): [Media!]!
  rated(id: ID!): Media
  featured: [Media!]! @provides(fields: "title")
}

type Media @key(fields: "id") @interfaceObject {
  id: ID!
  rating: Int
  reviewers: [String!]!
  title: String @external
  blurb: String @requires(fields: "title")
}
"""


def _rated(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    """Strict, like a real keyed lookup: a representation without its key is a gateway bug."""
    if "id" not in rep:
        raise ValueError(f"Media representation without its key field id: {rep}")
    found = RATINGS.get(rep["id"])
    return {**found, **rep} if found else None


def _featured(_root: Any, _info: Any) -> list[dict[str, Any]]:
    # Copies of the titles, kept by the ratings service to honour its @provides. They equal the
    # owner's titles: either source is a valid plan, so the data must not tell them apart.
    return [{**RATINGS[i], "title": MEDIA[i]["title"]} for i in ("m1", "m2", "m3")]


ratings = Subgraph(
    "ratings",
    RATINGS_SDL,
    {
        "Query": {
            "topRated": lambda _root, _info, min=0: [
                r for r in RATINGS.values() if r["rating"] >= min and r["id"] != "m9"
            ],
            "rated": lambda _root, _info, id: RATINGS.get(id),
            "featured": _featured,
        },
        "Media": {
            "__resolve_reference": _rated,
            "blurb": lambda m, _info: f"{m['title']}, rated {m['rating']}/5",
        },
    },
)

SUBGRAPHS = [media, ratings]

QUERIES = [
    Query(
        "interface-object-root-typename-and-implementation-fragment",
        "{ topRated { __typename id rating ... on Book { title } } }",
    ),
    Query(
        "owner-root-selects-interface-object-field",
        '{ allMedia { __typename id title rating } book(id: "m3") { title reviewers } }',
    ),
    Query(
        "variables-aliases-fragments-both-directions",
        """
        query Rated($min: Int!, $id: ID!) {
          good: topRated(min: $min) {
            ...Score
            ... on Movie { director }
            ... on Media { name: title }
          }
          one: rated(id: $id) { __typename ... on Book { author } ...Score }
        }
        fragment Score on Media { id stars: rating }
        """,
        variables={"min": 4, "id": "m4"},
    ),
    Query(
        "requires-on-interface-object-for-one-implementation",
        "{ topRated { __typename id ... on Book { blurb } } }",
    ),
    Query(
        "provided-field-under-implementation-fragment",
        "{ featured { id ... on Book { title } } }",
    ),
    Query(
        "interface-object-id-unknown-to-owner",
        '{ rated(id: "m9") { __typename id rating ... on Book { title } } }',
    ),
    Query(
        "requires-from-owner-and-concrete-type-in-one-selection",
        '{ rated(id: "m4") { blurb ... on Book { title } } }',
    ),
    Query(
        "implementation-fragments-asking-different-interface-object-fields",
        "{ topRated { id ... on Movie { blurb } ... on Book { rating } } }",
    ),
]
