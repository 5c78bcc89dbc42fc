"""A fragment holding a field under @include(if: false) beside other fields: Apollo Gateway drops
the fragment's other fields too.

Frozen from the random-graph differential (features: multiple-keys, interface-recursion,
entity-interface, unknown-entities, nested-key, interface-object, keys-differ-per-subgraph,
erroring-fields); ``graph.json`` holds the graph and its subgraphs' SDL,
``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 233 --graph-seed 8675309 --only-graph 232 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "include-false-beside-siblings",
        """query Q { allItems { id color ...F0 } }

fragment F0 on Movie { al1: color title @include(if: false) __typename }""",
    ),
]
