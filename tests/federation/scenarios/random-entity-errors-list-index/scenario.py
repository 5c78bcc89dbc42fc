"""Entity fetches for the items of one union member of a list, some of them failing: Apollo Gateway
reports the errors at the indexes of the entity call rather than of the list, and answers empty
objects for the items it fetched.

Frozen from the random-graph differential (features: multiple-keys, unknown-entities,
interface-recursion, entity-interface, composite-key, erroring-fields, interface-object,
keys-differ-per-subgraph, shareable-fields); ``graph.json`` holds the graph and its subgraphs'
SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 164 --graph-seed 8675309 --only-graph 163 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "fragments-on-one-member",
        """query Q {
  allMediasDelta {
    ... on Game {
      code
    }
    ... on Game {
      __typename
    }
  }
}""",
    ),
]
