"""Plan quality against Apollo's planner, and plan snapshots, on every corpus query.

For each corpus query with Apollo's recorded plan (``expected/<query>.plan.txt``), Hansa's plan
for the same request must need no more subgraph fetches and no more fetches in a row than
Apollo's (``plan_shape.Shape``). A few queries are listed in ``KNOWN_WORSE`` with the reason;
such an entry fails once it stops being worse, so the list only shrinks.

Hansa's own plan is kept beside Apollo's as ``expected/<query>.hansa-plan.txt``, so a review
sees every plan a change moves. Rewrite the snapshots with ``HANSA_UPDATE_PLANS=1``. Queries in
a scenario's ``KNOWN_HANSA_BUGS`` get no snapshot (their plan answers wrongly) and are strict
xfail here as in the corpus test, until the bug is fixed and the entry removed.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from graphql.execution.values import get_variable_values

from hansa.operation.prepare import OperationCache, OperationError
from hansa.planner.query_planner import QueryPlanner
from hansa.supergraph import read_supergraph
from tests.federation.harness import Query, Scenario, all_scenarios
from tests.planner.plan_shape import apollo_shape, hansa_shape

UPDATE = os.environ.get("HANSA_UPDATE_PLANS") == "1"

# "scenario/query": why Hansa's plan is worse than Apollo's there.
_SPLIT_SHAREABLE_ROOT = (
    "Apollo fetches the same @shareable root field from several subgraphs in parallel and merges"
    " the answers by position; Hansa serves it from one subgraph and reaches the others' fields"
    " with an entity fetch after it (one more fetch in a row)"
)
KNOWN_WORSE: dict[str, str] = {
    "shareable-roots-three-subgraphs/fields-from-all-three": _SPLIT_SHAREABLE_ROOT,
    "shareable-roots-three-subgraphs/nested-value-type-lon-only-in-geo": _SPLIT_SHAREABLE_ROOT,
    "shareable-roots-three-subgraphs/lat-alone-with-population": _SPLIT_SHAREABLE_ROOT,
    "shareable-roots-three-subgraphs/aliased-roots-with-different-coverage": _SPLIT_SHAREABLE_ROOT,
}

CASES = [
    pytest.param(
        scenario,
        query,
        id=f"{scenario.name}/{query.name}",
        marks=[pytest.mark.xfail(strict=True, reason=scenario.known_bugs[query.name])]
        if query.name in scenario.known_bugs
        else [],
    )
    for scenario in all_scenarios()
    for query in scenario.queries
    if (scenario.path / "expected" / f"{query.name}.plan.txt").is_file()
]

_planners: dict[str, tuple[OperationCache, QueryPlanner]] = {}


def _planner(scenario: Scenario) -> tuple[OperationCache, QueryPlanner]:
    if scenario.name not in _planners:
        supergraph = read_supergraph(scenario.supergraph_path.read_text())
        _planners[scenario.name] = (
            OperationCache(supergraph.api_schema),
            QueryPlanner(supergraph),
        )
    return _planners[scenario.name]


@pytest.mark.parametrize(("scenario", "query"), CASES)
def test_plan_no_worse_than_apollo(scenario: Scenario, query: Query) -> None:
    apollo_text = (scenario.path / "expected" / f"{query.name}.plan.txt").read_text()
    operations, planner = _planner(scenario)
    try:
        prepared = operations.get(query.query, query.operation_name)
    except OperationError:
        return  # a request error: nothing is planned (Apollo prints no plan either)
    coerced = get_variable_values(
        prepared.schema, prepared.operation.variable_definitions or (), query.variables or {}
    )
    variables: dict[str, Any] = coerced if isinstance(coerced, dict) else {}
    plan = planner.plan(prepared, prepared.assignment(variables))
    if query.name in scenario.known_bugs:
        # The plan gives a wrong answer (the scenario's KNOWN_HANSA_BUGS): no snapshot of it.
        pytest.fail(f"known Hansa bug, plan not snapshotted: {scenario.known_bugs[query.name]}")
    snapshot = scenario.path / "expected" / f"{query.name}.hansa-plan.txt"
    text = plan.pretty() + "\n"
    if UPDATE or not snapshot.is_file():
        snapshot.write_text(text)
    assert text == snapshot.read_text(), "plan changed: review it, then HANSA_UPDATE_PLANS=1"

    if apollo_text.startswith("(no plan"):
        return  # Apollo's planner failed on this query (the expectation says why)
    ours = hansa_shape(plan.node, variables)
    theirs = apollo_shape(apollo_text, variables)
    worse = ours.fetches > theirs.fetches or ours.steps > theirs.steps
    known = KNOWN_WORSE.get(f"{scenario.name}/{query.name}")
    if known is not None:
        assert worse, f"no longer worse than Apollo ({ours} vs {theirs}): drop it from KNOWN_WORSE"
        return
    assert not worse, f"Hansa {ours} vs Apollo {theirs}\n{plan.pretty()}\n--- Apollo\n{apollo_text}"
