"""A @requires of a field with arguments selected by the client too: Apollo Gateway sends the
requiring subgraph the client's value of the field instead of the required one.

Frozen from the random-graph differential (features: nested-key, erroring-fields, multiple-keys,
keys-differ-per-subgraph, inaccessible, requires, requires-with-arguments); ``graph.json`` holds
the graph and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 32 --graph-seed 8675309 --only-graph 31 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "requirement-with-arguments",
        """query Op {
  allShipmentsGamma {
    summaryRating
    rating
  }
}""",
    ),
]
