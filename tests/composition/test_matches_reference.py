"""Our composition against Apollo's: for every scenario of the gateway corpus, the supergraph
we compose is semantically equal to the one ``@apollo/composition`` produced (recorded in the
scenario), and the gateway plans every corpus query the same way on both."""

from __future__ import annotations

import pytest

from hansa.composition import SubgraphInput, compose
from hansa.operation.prepare import OperationCache
from hansa.planner.query_planner import QueryPlanner
from hansa.supergraph import read_supergraph
from tests.composition.canonical import differences
from tests.composition.cases import Case, cases
from tests.federation.harness import Scenario, all_scenarios, placeholder_url

SCENARIOS = [pytest.param(s, id=s.name) for s in all_scenarios() if s.composer == "fed2"]


def _compose(scenario: Scenario) -> str:
    result = compose(
        [SubgraphInput(sg.name, placeholder_url(sg.name), sg.sdl) for sg in scenario.subgraphs]
    )
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.supergraph_sdl is not None
    return result.supergraph_sdl


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_supergraph_equals_apollos(scenario: Scenario) -> None:
    ours = _compose(scenario)
    assert differences(scenario.supergraph_path.read_text(), ours) == []


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_gateway_plans_the_same_on_our_supergraph(scenario: Scenario) -> None:
    theirs = read_supergraph(scenario.supergraph_path.read_text())
    ours = read_supergraph(_compose(scenario))
    for query in scenario.queries:
        if "data" not in scenario.expected(query)["response"]:
            continue
        plans = []
        for supergraph in (theirs, ours):
            prepared = OperationCache(supergraph.api_schema).get(query.query, query.operation_name)
            plans.append(QueryPlanner(supergraph).full_plan(prepared).pretty())
        assert plans[0] == plans[1], query.name


VALID = [pytest.param(c, id=c.name) for c in cases("valid")]
INVALID = [pytest.param(c, id=c.name) for c in cases("invalid")]


@pytest.mark.parametrize("case", VALID)
def test_valid_case_equals_apollos(case: Case) -> None:
    result = compose(case.subgraphs())
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.supergraph_sdl is not None
    assert differences((case.path / "supergraph.graphql").read_text(), result.supergraph_sdl) == []


@pytest.mark.parametrize("case", INVALID)
def test_invalid_case_reports_apollos_codes(case: Case) -> None:
    result = compose(case.subgraphs())
    assert result.supergraph_sdl is None
    expected = sorted({e["code"] for e in case.json("errors.json")})
    assert sorted({e.code for e in result.errors}) == expected, [str(e) for e in result.errors]


@pytest.mark.parametrize("case", VALID)
def test_valid_case_hints_match_apollos_codes(case: Case) -> None:
    expected = sorted({h["code"] for h in case.json("hints.json")})
    assert sorted({h.code for h in compose(case.subgraphs()).hints}) == expected
