"""Interface fields returning their own interface through an entity interface: Apollo Gateway
answers null where the data exists.

Frozen from the random-graph differential (features: nested-key, multiple-keys,
unknown-entities, interface-recursion, entity-interface, erroring-fields, interface-object,
shareable-fields, shareable-value-types, inaccessible, provides-object); ``graph.json`` holds
the graph and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 16 --graph-seed 8675309 --only-graph 15 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "interface-field-returning-interface",
        """query Op {
  allPodcasts {
    __typename
    code
  }
}""",
    ),
]
