"""Mutations run serially, in document order, each exactly once, across two subgraphs.

``alpha`` and ``beta`` both have mutation fields that append an entry to one shared in-memory log
(one log per ``run`` name, so queries do not see each other) and return the log as it stands
after their own entry. An operation interleaves them (alpha, beta, alpha, ...): the snapshots
each field returns prove the order and that no field ran twice or in parallel. The first field
of each operation passes ``reset: true`` so a run starts from an empty log however many times
the query is sent.

``alpha`` also owns ``Item``; ``beta`` adds ``Item.stockNote`` and records each ``_entities``
resolution in the log, so a mutation returning an entity shows the follow-up entity fetch
happening after its own mutation field and before the next one.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

LOGS: dict[str, list[str]] = {}
ITEMS: dict[str, dict[str, Any]] = {}


def _append(run: str, entry: str, reset: bool = False) -> list[str]:
    if reset:
        LOGS[run] = []
    log = LOGS.setdefault(run, [])
    log.append(entry)
    return list(log)


alpha = Subgraph(
    "alpha",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      alphaLog(run: String!): [String!]!
    }

    type Mutation {
      alphaAppend(run: String!, entry: String!, reset: Boolean = false): [String!]!
      addItem(run: String!, id: ID!, name: String!): Item!
    }

    type Item @key(fields: "id") {
      id: ID!
      name: String!
    }
    """,
)


@alpha.field("Query", "alphaLog")
def alpha_log(_root: Any, _info: Any, run: str) -> list[str]:
    return LOGS.get(run, [])


@alpha.field("Mutation", "alphaAppend")
def alpha_append(_root: Any, _info: Any, run: str, entry: str, reset: bool = False) -> list[str]:
    return _append(run, f"alpha:{entry}", reset)


@alpha.field("Mutation", "addItem")
def add_item(_root: Any, _info: Any, run: str, id: str, name: str) -> dict[str, Any]:
    _append(run, f"alpha:addItem:{id}")
    ITEMS[id] = {"id": id, "name": name, "run": run}
    return ITEMS[id]


@alpha.reference("Item")
def alpha_item(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return ITEMS.get(rep["id"])


beta = Subgraph(
    "beta",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      betaLog(run: String!): [String!]!
    }

    type Mutation {
      betaAppend(run: String!, entry: String!, reset: Boolean = false): [String!]!
    }

    type Item @key(fields: "id") {
      id: ID!
      stockNote: String
    }
    """,
)


@beta.field("Query", "betaLog")
def beta_log(_root: Any, _info: Any, run: str) -> list[str]:
    return LOGS.get(run, [])


@beta.field("Mutation", "betaAppend")
def beta_append(_root: Any, _info: Any, run: str, entry: str, reset: bool = False) -> list[str]:
    return _append(run, f"beta:{entry}", reset)


@beta.reference("Item")
def beta_item(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    item = ITEMS.get(rep["id"], {})
    _append(item.get("run", "?"), f"beta:resolveItem:{rep['id']}")
    return {"id": rep["id"], "stockNote": f"{rep['id']} in stock"}


SUBGRAPHS = [alpha, beta]

QUERIES = [
    Query(
        "interleaved-alpha-beta-alpha",
        """
        mutation {
          a1: alphaAppend(run: "interleaved", entry: "1", reset: true)
          b1: betaAppend(run: "interleaved", entry: "2")
          a2: alphaAppend(run: "interleaved", entry: "3")
        }
        """,
    ),
    Query(
        "consecutive-same-subgraph-then-switch",
        """
        mutation Run($run: String!) {
          first: alphaAppend(run: $run, entry: "1", reset: true)
          second: alphaAppend(run: $run, entry: "2")
          third: betaAppend(run: $run, entry: "3")
          fourth: betaAppend(run: $run, entry: "4")
          fifth: alphaAppend(run: $run, entry: "5")
          last: betaAppend(run: $run, entry: "6")
        }
        """,
        variables={"run": "consecutive"},
    ),
    Query(
        "mutation-returning-entity-from-other-subgraph",
        """
        mutation {
          start: betaAppend(run: "entity", entry: "start", reset: true)
          addItem(run: "entity", id: "i1", name: "Widget") { id name stockNote }
          end: betaAppend(run: "entity", entry: "end")
        }
        """,
    ),
    Query(
        "mutation-with-typename-and-fragments",
        """
        mutation M {
          __typename
          reset: alphaAppend(run: "fragments", entry: "reset", reset: true)
          ...Adds
          log: betaAppend(run: "fragments", entry: "done")
        }
        fragment Adds on Mutation {
          item: addItem(run: "fragments", id: "i2", name: "Gadget") { __typename ...ItemFields }
        }
        fragment ItemFields on Item { id stockNote }
        """,
    ),
]
