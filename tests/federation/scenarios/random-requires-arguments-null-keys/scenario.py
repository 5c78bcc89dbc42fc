"""A @requires with arguments on entities some of which have null keys, with the client selecting
the required field too: Apollo Gateway answers the client's field with the requirement's
arguments.

Frozen from the random-graph differential (features: composite-key, unknown-entities,
multiple-keys, erroring-fields, null-keys, interface-recursion, shareable-fields,
requires-with-arguments, requires, shareable-root-node); ``graph.json`` holds the graph and its
subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 64 --graph-seed 8675309 --only-graph 63 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "requirement-beside-client-field",
        """query Op {
  allGames {
    note
  }
  allGames {
    estimateNote
  }
}""",
    ),
]
