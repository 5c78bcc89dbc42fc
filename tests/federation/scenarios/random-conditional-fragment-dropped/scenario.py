"""A fragment under @skip(if: false) nested in fragments on an interface: the condition keeps the
fragment, yet Apollo Gateway drops its fields.

Frozen from the random-graph differential (features: multiple-keys, null-keys, unknown-entities,
composite-key, entity-interface, interface-object, keys-differ-per-subgraph,
union-members-differ, erroring-fields, shareable-fields, override, shareable-root-fields);
``graph.json`` holds the graph and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves
them. Found by:
``scripts/differential --random-graphs 197 --graph-seed 8675309 --only-graph 196 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "skip-false-inside-fragment",
        """query Op($c0: Boolean!) { allMovies { score @skip(if: $c0) ...F0 } }

fragment F0 on Result { ... on Result { ... on Item @skip(if: false) { al1: score score id } ... on Order { al2: title al3: sku } } __typename }""",
        {"c0": False},
    ),
]
