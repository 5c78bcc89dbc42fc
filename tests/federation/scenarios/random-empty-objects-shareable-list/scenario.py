"""A shareable root list of entities with a fragment on the interface holding a fragment on the
entity: Apollo Gateway answers empty objects instead of fetching the fields another subgraph
serves.

Frozen from the random-graph differential (features: unknown-entities, nested-key,
erroring-fields, multiple-keys, keys-differ-per-subgraph, shareable-fields,
shareable-value-types, override, requires, provides-object, shareable-root-fields);
``graph.json`` holds the graph and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves
them. Found by:
``scripts/differential --random-graphs 41 --graph-seed 31337 --only-graph 40 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "nested-interface-fragment",
        """{
  sharedProducts {
    ... on Result {
      ... on Product {
        name
      }
    }
  }
}""",
    ),
]
