"""Lists of an entity interface whose fields come from an @interfaceObject subgraph: Apollo Gateway
drops the fields of some implementations (empty objects) or nulls the whole list.

Frozen from the random-graph differential (features: unknown-entities, erroring-fields,
composite-key, entity-interface, multiple-keys, interface-object, keys-differ-per-subgraph,
provides-object); ``graph.json`` holds the graph and its subgraphs' SDL,
``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 118 --graph-seed 31337 --only-graph 117 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "typename-and-interface-object-field",
        """{
  allMedias {
    ... on Book {
      __typename
      rating
    }
  }
}""",
    ),
    Query(
        "list-of-implementation",
        """query Op {
  allBooks {
    rating
    __typename
  }
}""",
    ),
]
