"""Entity-call errors for the Venue items of a union list that also holds Stores: Apollo Gateway
reports them at the entity call's indexes (1, 3), which are Stores with a value there; the
failing Venues are items 5 and 7 (spec 6.4.4: a field error nulls its field).

Frozen from the random-graph differential (features: multiple-keys, unknown-entities, null-keys,
nested-key, keys-differ-per-subgraph, erroring-fields, shareable-value-types, requires,
provides-object); ``graph.json`` holds the graph and its subgraphs' SDL,
``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 125 --graph-seed 31415926 --only-graph 124 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "entity-error-in-mixed-union-list",
        """query Op { allResults { ... on Venue { __typename active } ... on Store { code al1: cost { amount amount amount __typename } } } ...F3 }

fragment F0 on Result { ... on Store { id info { code al2: code code } active } }

fragment F1 on Venue { id active }

fragment F2 on Store { __typename linkUser { code active } }

fragment F3 on Query { allResults { ...F0 __typename ...F1 ... on Result @include(if: true) { ...F2 } } }""",
    ),
]
