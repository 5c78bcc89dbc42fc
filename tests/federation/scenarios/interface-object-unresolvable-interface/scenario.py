"""@interfaceObject whose owner's interface key is ``resolvable: false``; types it never heard of.

``content`` owns ``interface Asset @key(fields: "id", resolvable: false)`` with the entity
implementations ``Image``, ``Video`` and ``Podcast`` (each resolvable by ``id``). ``metrics``
declares ``type Asset @key(fields: "id") @interfaceObject`` and adds ``views: Int!`` and
``trend: String``; it has no root field returning ``Asset`` (an entry there could not resolve the
concrete type, as the owner's interface key is not resolvable) and no idea what a ``Podcast`` is:
it is sent ``{"__typename": "Asset", "id": ...}`` for every implementation.

The data makes holes visible: ``metrics`` knows nothing of ``p1`` (its reference resolver answers
null, so the non-null ``views`` nulls the whole nullable list item's position, ``trend`` alone
stays null without error), and raises an error for ``v2``. The owner's ``Collection.cover:
Asset!`` is non-null, so a missing entity there propagates one level further than in a list of
nullable items. Errors must land at each owner's path; data elsewhere must stay.
"""

from typing import Any

from graphql import GraphQLError
from tests.federation.harness import Query

from hansa.subgraph import Subgraph

ASSETS: dict[str, dict[str, Any]] = {
    "i1": {"__typename": "Image", "id": "i1", "title": "Harbour", "width": 1920},
    "i2": {"__typename": "Image", "id": "i2", "title": "Lighthouse", "width": 800},
    "v1": {"__typename": "Video", "id": "v1", "title": "Storm", "seconds": 95},
    "v2": {"__typename": "Video", "id": "v2", "title": "Calm", "seconds": 30},
    "p1": {"__typename": "Podcast", "id": "p1", "title": "Tides", "episodes": 12},
}

CONTENT_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  assets: [Asset]
  collection(id: ID!): Collection
}

type Collection {
  id: ID!
  cover: Asset!
  items: [Asset!]
}

interface Asset @key(fields: "id", resolvable: false) {
  id: ID!
  title: String
}

type Image implements Asset @key(fields: "id") {
  id: ID!
  title: String
  width: Int
}

type Video implements Asset @key(fields: "id") {
  id: ID!
  title: String
  seconds: Int
}

type Podcast implements Asset @key(fields: "id") {
  id: ID!
  title: String
  episodes: Int
}
"""

COLLECTIONS = {
    "c1": {"id": "c1", "cover": "i1", "items": ["i1", "v1", "i2"]},
    "c2": {"id": "c2", "cover": "p1", "items": ["v1", "p1"]},
    "c3": {"id": "c3", "cover": "v2", "items": ["i2", "v2"]},
}


def _ref(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return ASSETS.get(rep["id"])


def _collection(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    c = COLLECTIONS.get(id)
    if c is None:
        return None
    return {"id": id, "cover": ASSETS[c["cover"]], "items": [ASSETS[i] for i in c["items"]]}


content = Subgraph(
    "content",
    CONTENT_SDL,
    {
        "Query": {
            "assets": lambda _root, _info: list(ASSETS.values()),
            "collection": _collection,
        },
        "Image": {"__resolve_reference": _ref},
        "Video": {"__resolve_reference": _ref},
        "Podcast": {"__resolve_reference": _ref},
    },
)

VIEWS = {"i1": 5400, "i2": 12, "v1": 88000, "v2": 7}

METRICS_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])

type Asset @key(fields: "id") @interfaceObject {
  id: ID!
  views: Int!
  trend: String
}
"""


def _metrics_ref(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    if rep["id"] == "v2":
        raise GraphQLError("Metrics for v2 are being recomputed.", extensions={"code": "STALE"})
    if rep["id"] not in VIEWS:
        return None
    return {"id": rep["id"]}


metrics = Subgraph(
    "metrics",
    METRICS_SDL,
    {
        "Asset": {
            "views": lambda obj, _info: VIEWS[obj["id"]],
            "trend": lambda obj, _info: "up" if VIEWS[obj["id"]] > 1000 else "flat",
            "__resolve_reference": _metrics_ref,
        }
    },
)

SUBGRAPHS = [content, metrics]

QUERIES = [
    Query(
        "views-for-every-implementation",
        "{ assets { __typename id title views } }",
    ),
    Query(
        "unknown-to-metrics-nullable-field-only",
        "{ assets { id ... on Podcast { episodes } trend } }",
    ),
    Query(
        "non-null-cover-missing-in-metrics",
        """
        query C($id: ID!) {
          collection(id: $id) { id cover { id title views } }
        }
        """,
        variables={"id": "c2"},
    ),
    Query(
        "error-for-one-item-partial-data",
        """
        {
          collection(id: "c3") {
            id
            items { __typename id ... on Video { seconds } views trend }
          }
        }
        """,
    ),
    Query(
        "non-null-cover-with-entity-error",
        '{ collection(id: "c3") { id cover { title views } } }',
    ),
    Query(
        "aliases-and-fragments-across-implementations",
        """
        {
          collection(id: "c1") {
            cover { ...Seen }
            items {
              ... on Image { w: width ...Seen }
              ... on Video { s: seconds popularity: trend }
            }
          }
        }
        fragment Seen on Asset { id seen: views }
        """,
    ),
]
