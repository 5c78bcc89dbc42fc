"""Interfaces whose implementations differ per subgraph, with same-named fields of different
nullability: Apollo Gateway merges them into one subgraph operation that fails validation.

Frozen from the random-graph differential (features: nested-key, composite-key, erroring-fields,
interface-members-differ, union-members-differ, shareable-fields, keys-differ-per-subgraph,
resolvable-false, requires-with-arguments, requires, provides-object); ``graph.json`` holds the
graph and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 1 --graph-seed 8675309 --only-graph 0 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "interface-members-differ",
        """query Op {
  allShipments {
    ... @include(if: true) {
      code
    }
    summaryCode
  }
}""",
    ),
]
