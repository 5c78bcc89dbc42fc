"""The same root list under three aliases with different fields and arguments: Apollo Gateway
answers null for one of them.

Frozen from the random-graph differential (features: multiple-keys, null-keys, unknown-entities,
erroring-fields, interface-recursion, entity-interface, interface-object,
interface-object-owner-unresolvable, keys-differ-per-subgraph); ``graph.json`` holds the graph
and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 285 --graph-seed 8675309 --only-graph 284 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "three-aliases-of-one-list",
        """query Q { allGames(first: 3) { note } al1: allGames { label label } al2: allGames { code code __typename } }""",
    ),
]
