"""An @interfaceObject selection whose entity fetch fails for one item: Apollo Gateway answers
empty objects for the other items, whose fields were fetched.

Frozen from the random-graph differential (features: multiple-keys, entity-interface,
erroring-fields, interface-object, shareable-value-types, requires); ``graph.json`` holds the
graph and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 53 --graph-seed 31337 --only-graph 52 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "sibling-of-failing-field",
        """query Q {
  allItems {
    ... on Game {
      note
      __typename
    }
  }
}""",
    ),
]
