"""A @requires of a field with arguments next to the client's own selection of that field: Apollo
Gateway sends the subgraph an operation that fails validation (the same response name with
different arguments) and loses the fetch.

Frozen from the random-graph differential (features: multiple-keys, erroring-fields,
requires-with-arguments, requires, provides-object); ``graph.json`` holds the graph and its
subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 100 --graph-seed 31337 --only-graph 99 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "apollo-merges-clashing-arguments",
        """query Q {
  allResults {
    ... on Shipment {
      linkShipment {
        linkShipment {
          summaryWeight
        }
      }
      linkShipment {
        linkShipment {
          weight @include(if: false)
        }
      }
    }
  }
}""",
    ),
]
