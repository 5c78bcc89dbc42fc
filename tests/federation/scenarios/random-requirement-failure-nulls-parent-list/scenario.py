"""A @requires of a field that is non-null in its subgraph and fails there for one entity, on a
root list of non-null items. Hansa fetches the requirement with the root list (one fetch fewer
than Apollo Gateway), so the subgraph nulls the whole list; Apollo fetches it in an entity call
of its own and loses only the requiring field. One server holding the whole graph never
evaluates the requirement and loses nothing. Kept as a known Hansa bug until the planner
isolates such requirements without costing a fetch where nothing fails.

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

KNOWN_HANSA_BUGS = {
    "non-null-requirement-fails": "the failing non-null requirement, fetched with the root list,"
    " nulls the list; it should stop at the requiring field",
}
