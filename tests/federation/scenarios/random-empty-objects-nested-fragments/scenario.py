"""Fragments on a union member nested inside a fragment on another member, under a list whose items
are of an interface type: Apollo Gateway answers empty objects for the members whose fields
another subgraph serves.

Frozen from the random-graph differential (features: nested-key, unknown-entities,
multiple-keys, erroring-fields, keys-differ-per-subgraph, provides-union, provides-object,
shareable-root-fields); ``graph.json`` holds the graph and its subgraphs' SDL,
``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 11 --graph-seed 31337 --only-graph 10 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "union-fragment-through-interface-field",
        """query Op {
  allResultsBeta {
    ... on Venue {
      otherUser {
        ... on Result {
          ... on User {
            title
          }
        }
      }
    }
  }
}""",
    ),
]
