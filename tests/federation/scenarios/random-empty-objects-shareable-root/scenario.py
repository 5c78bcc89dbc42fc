"""A shareable root field of a union whose members differ per subgraph: Apollo Gateway answers
empty objects for members whose fields another subgraph serves.

Frozen from the random-graph differential (features: composite-key, unknown-entities,
union-members-differ, shareable-fields, provides-object, shareable-root-fields); ``graph.json``
holds the graph and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 90 --graph-seed 8675309 --only-graph 89 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "shareable-root-union-fragments",
        """{
  allAuthors {
    ... on Result {
      ... on Author {
        id
      }
    }
  }
}""",
    ),
]
