"""A @requires whose required field fails, reached through an entity interface: Apollo Gateway
reports the error at a path the client never selected.

Frozen from the random-graph differential (features: nested-key, unknown-entities,
interface-recursion, entity-interface, multiple-keys, erroring-fields, union-members-differ,
keys-differ-per-subgraph, shareable-value-types, override-label, override, inaccessible,
requires); ``graph.json`` holds the graph and its subgraphs' SDL, ``scripts/difftest/frozen.py``
serves them. Found by:
``scripts/differential --random-graphs 80 --graph-seed 8675309 --only-graph 79 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "requirement-through-entity-interface",
        """query Q {
  allResults {
    ... on Node {
      sameNode {
        sameNode {
          ... on Book {
            estimateScore
          }
        }
      }
    }
  }
}""",
    ),
]
