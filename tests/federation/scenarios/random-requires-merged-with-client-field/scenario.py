"""A @requires of a field the client selects too, on entities reached through a list: Apollo
Gateway sends the requiring subgraph the client's value of the field instead of the required
one.

Frozen from the random-graph differential (features: unknown-entities, erroring-fields,
requires-with-arguments, requires, provides-object); ``graph.json`` holds the graph and its
subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 351 --graph-seed 8675309 --only-graph 350 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "requirement-and-client-field",
        """{
  allReviews {
    topStore {
      shippingNote
    }
    topStore {
      note
    }
  }
}""",
    ),
]
