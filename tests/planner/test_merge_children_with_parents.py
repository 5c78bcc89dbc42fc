"""The merge-children-with-parents pass folds only where nothing but the fetch count changes.

Each case would lose data if folded: the child's entities reached through several type
conditions (the folded fetch would serve only one), or a child field with ``@requires`` (its
required value travels only in the child's own representations).
"""

from __future__ import annotations

from hansa.composition import SubgraphInput, compose
from hansa.operation.prepare import OperationCache
from hansa.planner.plan import Fetch, Flatten, PlanNode
from hansa.planner.query_planner import QueryPlanner
from hansa.supergraph import read_supergraph

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable", "@requires", "@external"])\n'
)
A = (
    LINK
    + """
type Query { items: [Node] }
interface Node { id: ID! }
type Project implements Node @key(fields: "id") { id: ID! owner: Account @shareable }
type Task implements Node @key(fields: "id") { id: ID! owner: Account }
type Account @key(fields: "id") { id: ID! nick: String }
"""
)
B = (
    LINK
    + """
type Project @key(fields: "id") { id: ID! name: String owner: Account @shareable }
type Account @key(fields: "id") {
  id: ID!
  login: String
  nick: String @external
  display: String @requires(fields: "nick")
}
"""
)


def _flattens(query: str) -> dict[tuple[str, ...], Fetch]:
    result = compose([SubgraphInput("a", "http://a", A), SubgraphInput("b", "http://b", B)])
    assert not result.errors
    supergraph = read_supergraph(result.supergraph_sdl)
    prepared = OperationCache(supergraph.api_schema).get(query, None)
    plan = QueryPlanner(supergraph).plan(prepared, ())
    found: dict[tuple[str, ...], Fetch] = {}

    def walk(node: PlanNode | None) -> None:
        if isinstance(node, Flatten):
            found[node.path] = node.node
        elif node is not None and not isinstance(node, Fetch):
            for child in getattr(node, "nodes", ()):
                walk(child)

    walk(plan.node)
    return found


def test_entities_reached_through_several_type_conditions_keep_their_own_fetch() -> None:
    flattens = _flattens(
        "{ items { ... on Project { name owner { login } } ... on Task { owner { login } } } }"
    )
    owners = flattens[("items", "@", "owner")]  # serves Task owners too, not only Project's
    assert "login" in owners.operation


def test_a_child_with_requires_keeps_its_representations() -> None:
    flattens = _flattens("{ items { ... on Project { name owner { display } } } }")
    owners = flattens[("items", "@", "owner")]
    assert "display" in owners.operation
    assert owners.requires is not None
    assert "nick" in owners.requires.fragments["Account"].fields
