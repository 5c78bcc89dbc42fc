"""A field the client selects without arguments while a sibling @requires the same field with
arguments: Apollo Gateway merges the two selections and answers the client's field with the
requirement's arguments.

Frozen from the random-graph differential (features: composite-key, null-keys, unknown-entities,
nested-key, union-members-differ, keys-differ-per-subgraph, shareable-fields, override,
requires-with-arguments, requires); ``graph.json`` holds the graph and its subgraphs' SDL,
``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 22 --graph-seed 31337 --only-graph 21 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "plain-field-beside-requiring-field",
        """query Op {
  allProducts {
    color
    derivedColor
  }
}""",
    ),
    Query(
        "through-union-fragment",
        """query Q {
  allResults {
    ... on Product {
      color
      derivedColor
    }
  }
}""",
    ),
]
