"""A @requires of a non-null field that a third subgraph serves, fetched in the same entity call as
a non-null client field (stock). The required field fails for one store: the subgraph nulls that
entity, the client's non-null field nulls the store and then the list. Apollo Gateway answers
so; Hansa's fallback plan fetches the requirement in an entity call of its own and loses only
the requiring field, as one server holding the graph answers.

Frozen from the random-graph differential (features: erroring-fields, unknown-entities,
multiple-keys, union-members-differ, shareable-fields, requires, provides-object);
``graph.json`` holds the graph and its subgraphs' SDL, ``scripts/difftest/frozen.py`` serves
them. Found by:
``scripts/differential --random-graphs 43 --graph-seed 31415926 --only-graph 42 --seed 0 --queries 12``
"""

from scripts.difftest.frozen import frozen_subgraphs
from tests.federation.harness import Query

SUBGRAPHS = frozen_subgraphs(__file__)

QUERIES = [
    Query(
        "requirement-beside-client-field-fails",
        """query Q { allStores { stock summaryActive id __typename } allShipments { __typename name al1: color } al2: allShipments { title id parentAuthor { id } } __typename }""",
    ),
]
