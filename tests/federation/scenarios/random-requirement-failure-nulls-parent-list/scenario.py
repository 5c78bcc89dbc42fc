"""A @requires of a field that is non-null in its subgraph and fails there for one entity, on a
root list of non-null items. Hansa's plan fetches the requirement with the root list (one fetch
fewer than Apollo Gateway); when that fetch reports errors the subgraph may have nulled the whole
list, so the gateway runs the plan that fetches such requirements in an entity call of their own
(``GroupBuilder.isolate_requirements``), where the failure loses only the requiring field, as
Apollo's answer does. Apollo's error on ``note`` (a field the client never selected) is at a path
outside the response and dropped (docs/gateway.md, *Error paths*).

Frozen from the random-graph differential (features: composite-key, erroring-fields,
multiple-keys, null-keys, keys-differ-per-subgraph, requires); ``graph.json`` holds the graph
and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:
``scripts/differential --random-graphs 106 --graph-seed 4711 --only-graph 105 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "non-null-requirement-fails",
        """query Q {
  allReviews {
    summaryNote
  }
}""",
    ),
]
