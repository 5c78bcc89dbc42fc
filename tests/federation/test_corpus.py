"""The conformance corpus: every scenario's queries through Hansa's gateway over real HTTP,
compared with the responses recorded from Apollo Gateway (or hand-written where it is wrong).

``data`` must match exactly, key order included. Errors match by count and, where the reference
gives them, by ``path``, ``extensions.code`` and ``message``. Messages of request errors
(parse, validation, variable coercion) are not compared: graphql-core words them as
graphql-js 17 does, while the reference runs graphql-js 16.

Apollo Gateway reports a null in a non-null position ("Cannot return null for non-nullable
field ...") under ``extensions.valueCompletion`` instead of ``errors``. The GraphQL spec makes it
a field error, so Hansa reports it in ``errors`` (without Apollo's INVALID_GRAPHQL code) and
these tests expect the reference's valueCompletion entries there.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from hansa.gateway import GatewayConfig, create_app
from hansa.http.serve import serving
from tests.federation.harness import Query, Scenario, all_scenarios, serve_scenario
from tests.support.http import post_graphql

SCENARIOS = all_scenarios()
REQUEST_ERROR_CODES = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}
CASES = [
    pytest.param(
        scenario,
        query,
        id=f"{scenario.name}/{query.name}",
        marks=[pytest.mark.xfail(strict=True, reason=scenario.known_bugs[query.name])]
        if query.name in scenario.known_bugs
        else [],
    )
    for scenario in SCENARIOS
    for query in scenario.queries
]


@pytest.fixture(scope="module")
def gateways() -> Iterator[dict[str, str]]:
    """One gateway per scenario, started on first use and kept for the module."""
    started: dict[str, str] = {}
    stack: list[Any] = []
    yield_map = _LazyGateways(started, stack)
    try:
        yield yield_map  # type: ignore[misc]
    finally:
        for context in reversed(stack):
            context.__exit__(None, None, None)


class _LazyGateways(dict[str, str]):
    def __init__(self, started: dict[str, str], stack: list[Any]) -> None:
        super().__init__()
        self.stack = stack

    def url(self, scenario: Scenario) -> str:
        if scenario.name not in self:
            subgraphs = serve_scenario(scenario)
            urls = subgraphs.__enter__()
            self.stack.append(subgraphs)
            config = GatewayConfig(subgraph_urls=urls, subgraph_timeout=5.0)
            app = create_app(scenario.supergraph_path.read_text(), config)
            gateway = serving(app)
            (base,) = gateway.__enter__()
            self.stack.append(gateway)
            self[scenario.name] = f"{base}/graphql"
        return self[scenario.name]


def _ordered(value: Any) -> Any:
    """JSON with object key order preserved as lists, so order differences fail equality."""
    if isinstance(value, dict):
        return [(k, _ordered(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [_ordered(v) for v in value]
    return value


def _error_matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    code = (expected.get("extensions") or {}).get("code")
    if code is not None and (actual.get("extensions") or {}).get("code") != code:
        return False
    if "path" in expected and actual.get("path") != expected["path"]:
        return False
    return code in REQUEST_ERROR_CODES or actual.get("message") == expected.get("message")


@pytest.mark.parametrize(("scenario", "query"), CASES)
def test_scenario(gateways: _LazyGateways, scenario: Scenario, query: Query) -> None:
    expected = scenario.expected(query)
    response = post_graphql(
        gateways.url(scenario), query.query, query.variables, query.operation_name, query.headers
    )
    body = response.json()
    want = expected["response"]
    assert response.status == expected.get("status", 200), body
    assert ("data" in body) == ("data" in want), body
    assert _ordered(body.get("data")) == _ordered(want.get("data")), json.dumps(body, indent=1)
    actual_errors = list(body.get("errors") or [])
    expected_errors = list(want.get("errors") or [])
    for entry in (want.get("extensions") or {}).get("valueCompletion") or []:
        expected_errors.append({"message": entry["message"], "path": entry["path"]})
    assert len(actual_errors) == len(expected_errors), json.dumps(body, indent=1)
    unmatched = list(actual_errors)
    for error in expected_errors:
        match = next((a for a in unmatched if _error_matches(error, a)), None)
        assert match is not None, f"no error like {error} in {actual_errors}"
        unmatched.remove(match)
