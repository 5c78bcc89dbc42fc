"""Unions whose members differ per subgraph reached through entity interfaces: Apollo Gateway fails
to plan the operation (500); it is valid against the API schema and Hansa answers it.

Frozen from the random-graph differential (features: composite-key, entity-interface,
multiple-keys, unknown-entities, interface-object, union-members-differ,
keys-differ-per-subgraph, shareable-fields, resolvable-false, requires-with-arguments, requires,
shareable-root-fields); ``graph.json`` holds the graph and its subgraphs' SDL,
``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 46 --graph-seed 8675309 --only-graph 45 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "apollo-cannot-plan",
        """query Q {
  allItems {
    ... on Result {
      __typename
    }
  }
}""",
    ),
]
