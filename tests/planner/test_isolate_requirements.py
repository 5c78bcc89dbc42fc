"""Requirements that would null client data if they failed: inline by default, apart on demand.

A ``@requires`` of a field the current subgraph serves rides in the current fetch. When that
field is non-null there and fails, the subgraph nulls the nearest nullable parent, which may be
the client's list; the plan with ``isolate_requirements`` fetches such fields in an entity call of
their own, and the inline plan marks the fetch that carries them, so the gateway knows when to
fall back (``tests/federation/scenarios/random-requirement-failure-nulls-parent-list`` drives the
fallback over HTTP).
"""

from __future__ import annotations

from hansa.composition import SubgraphInput, compose
from hansa.operation.prepare import OperationCache
from hansa.planner.plan import QueryPlan
from hansa.planner.query_planner import QueryPlanner
from hansa.supergraph import read_supergraph

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@requires", "@external"])\n'
)
REVIEWS = (
    LINK
    + """
type Query { reviews: [Review!] }
type Review @key(fields: "id") { id: ID! note: String! count: Int }
"""
)
SUMMARIES = (
    LINK
    + """
type Review @key(fields: "id") {
  id: ID!
  note: String! @external
  summary: String @requires(fields: "note")
  count: Int @external
  tally: String @requires(fields: "count")
}
"""
)


def _plan(query: str, *, isolate: bool, subgraphs: dict[str, str] | None = None) -> QueryPlan:
    """Hansa's plan for ``query`` over ``subgraphs`` (name -> SDL; reviews and summaries by
    default), with or without isolated requirements."""
    sdls = subgraphs or {"reviews": REVIEWS, "summaries": SUMMARIES}
    result = compose([SubgraphInput(name, f"http://{name}", sdl) for name, sdl in sdls.items()])
    assert not result.errors
    supergraph = read_supergraph(result.supergraph_sdl)
    prepared = OperationCache(supergraph.api_schema).get(query, None)
    return QueryPlanner(supergraph).plan(prepared, (), isolate_requirements=isolate)


def test_a_non_null_requirement_rides_inline_and_marks_its_fetch() -> None:
    fetches = _plan("{ reviews { summary } }", isolate=False).fetches()
    assert [(f.subgraph, f.inline_requirements) for f in fetches] == [
        ("reviews", True),
        ("summaries", False),
    ]
    assert "note" in fetches[0].operation


def test_the_isolating_plan_fetches_it_in_an_entity_call_of_its_own() -> None:
    fetches = _plan("{ reviews { summary } }", isolate=True).fetches()
    assert [f.subgraph for f in fetches] == ["reviews", "reviews", "summaries"]
    root, apart, summaries = fetches
    assert "note" not in root.operation
    assert apart.requires is not None and "note" in apart.operation
    assert summaries.requires is not None
    assert "note" in summaries.requires.fragments["Review"].fields
    assert not any(f.inline_requirements for f in fetches)


def test_a_nullable_requirement_is_not_fragile() -> None:
    # A failing nullable field is null in the representation; nothing above it is lost.
    fetches = _plan("{ reviews { tally } }", isolate=True).fetches()
    assert [(f.subgraph, f.inline_requirements) for f in fetches] == [
        ("reviews", False),
        ("summaries", False),
    ]


def test_a_requirement_the_client_selects_itself_stays_inline() -> None:
    # Its failure nulls the same data whichever plan fetches it.
    fetches = _plan("{ reviews { note summary } }", isolate=False).fetches()
    assert [(f.subgraph, f.inline_requirements) for f in fetches] == [
        ("reviews", False),
        ("summaries", False),
    ]


STORES = (
    LINK
    + """
type Query { stores: [Store!] }
type Store @key(fields: "id") {
  id: ID!
  open: Boolean! @external
  summary: String @requires(fields: "open")
}
"""
)
STOCK = (
    LINK
    + """
type Store @key(fields: "id") { id: ID! open: Boolean! stock: Int! }
"""
)


def _stores_plan(query: str, *, isolate: bool) -> QueryPlan:
    return _plan(query, isolate=isolate, subgraphs={"stores": STORES, "stock": STOCK})


def test_a_requirement_sharing_an_entity_fetch_with_client_fields_is_marked() -> None:
    # ``open`` rides with the client's ``stock``: if it fails, the entity comes back null and
    # ``stock`` (non-null) nulls the store, then the list.
    fetches = _stores_plan("{ stores { stock summary } }", isolate=False).fetches()
    assert [f.subgraph for f in fetches] == ["stores", "stock", "stores"]
    assert fetches[1].inline_requirements
    assert "open" in fetches[1].operation and "stock" in fetches[1].operation


def test_the_isolating_plan_gives_the_requirement_an_entity_fetch_of_its_own() -> None:
    fetches = _stores_plan("{ stores { stock summary } }", isolate=True).fetches()
    stock = [f for f in fetches if f.subgraph == "stock"]
    assert len(stock) == 2
    assert {("open" in f.operation, "stock" in f.operation) for f in stock} == {
        (True, False),
        (False, True),
    }
