"""A @provides on a union field whose members another subgraph owns: Apollo Gateway answers empty
objects for members whose fields were not provided instead of fetching them.

Frozen from the random-graph differential (features: composite-key, erroring-fields,
unknown-entities, entity-interface, interface-object, shareable-fields,
keys-differ-per-subgraph, requires, provides-union); ``graph.json`` holds the graph and its
subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 62 --graph-seed 8675309 --only-graph 61 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "provided-union-members",
        """query Op {
  allResults {
    ... on Song {
      rating
      __typename
    }
  }
}""",
    ),
]
