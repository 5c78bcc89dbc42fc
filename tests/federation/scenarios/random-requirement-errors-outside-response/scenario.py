"""A @requires whose required field fails in its subgraph: the client never selected the required
field, so its error has no response path; Apollo Gateway reports it at a path outside the
response, Hansa does not.

Frozen from the random-graph differential (features: multiple-keys, shareable-fields,
erroring-fields, shareable-value-types, override, inaccessible, requires,
requires-with-arguments, provides-object); ``graph.json`` holds the graph and its subgraphs'
SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 143 --graph-seed 31337 --only-graph 142 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "requirement-fails-for-every-item",
        """query Q {
  allShipments {
    shippingTitle
  }
}""",
    ),
    Query(
        "through-entity-jump",
        """{
  venue(id: "ve1") {
    parentShipment {
      shippingTitle
    }
  }
}""",
    ),
]
