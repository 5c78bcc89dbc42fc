"""An operation through entity interfaces and @interfaceObject subgraphs that Apollo Gateway fails
to plan (500); it is valid against the API schema and Hansa answers it.

Frozen from the random-graph differential (features: multiple-keys, erroring-fields,
composite-key, interface-recursion, entity-interface, unknown-entities, interface-object,
keys-differ-per-subgraph, shareable-fields); ``graph.json`` holds the graph and its subgraphs'
SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 95 --graph-seed 31337 --only-graph 94 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "apollo-cannot-plan",
        """{
  allMedias {
    ... on Result {
      __typename
    }
  }
}""",
    ),
]
