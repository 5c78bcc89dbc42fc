"""Progressive override of a field the old owner still uses: ``usedOverridden`` with a label.

``podcasts`` takes ``Podcast.label`` from ``library`` with ``@override(from: "library", label:
"percent(0)")``. ``library`` keeps ``label`` for its interface ``Item`` (which declares it), so
composition marks its side ``usedOverridden: true, overrideLabel: "percent(0)"``. With the label
off (always, at 0%), ``library`` must still serve ``label``; found by the random-graph
differential, where the gateway treated every ``usedOverridden`` side as unable to serve and
refused ``{ allPodcasts { label } }`` with QUERY_PLANNING_FAILED. Values name their subgraph so
the serving side shows.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

IDS = ["p1", "p2", "p3"]

LIBRARY_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

type Query {
  items: [Item!]!
}

interface Item {
  id: ID!
  label: String
}

type Podcast implements Item @key(fields: "id") {
  id: ID!
  label: String
  host: String
}
"""


def _library_podcast(id: str) -> dict[str, Any]:
    return {"__typename": "Podcast", "id": id, "label": f"library {id}", "host": f"host {id}"}


library = Subgraph(
    "library",
    LIBRARY_SDL,
    {
        "Query": {"items": lambda _root, _info: [_library_podcast(i) for i in IDS]},
        "Item": {"__resolve_type": lambda obj, *_: obj["__typename"]},
        "Podcast": {
            "__resolve_reference": lambda rep, _info: (
                _library_podcast(rep["id"]) if rep["id"] in IDS else None
            )
        },
    },
)

PODCASTS_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override"])

type Query {
  allPodcasts: [Podcast]
}

type Podcast @key(fields: "id") {
  id: ID!
  label: String @override(from: "library", label: "percent(0)")
  episodes: Int
}
"""


def _podcast(id: str) -> dict[str, Any]:
    return {"id": id, "label": f"podcasts {id}", "episodes": len(id) * 10}


podcasts = Subgraph(
    "podcasts",
    PODCASTS_SDL,
    {
        "Query": {"allPodcasts": lambda _root, _info: [_podcast(i) for i in IDS]},
        "Podcast": {"__resolve_reference": lambda rep, _info: _podcast(rep["id"])},
    },
)

SUBGRAPHS = [library, podcasts]

QUERIES = [
    Query("label-from-the-old-owner", "{ allPodcasts { label } }"),
    Query("label-with-own-fields", "{ allPodcasts { id episodes label host } }"),
    Query(
        "through-the-interface",
        "{ items { id label ... on Podcast { episodes l: label } } }",
    ),
]
