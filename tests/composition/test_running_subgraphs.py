"""Composition from running subgraphs, as Rover's ``subgraph_url`` reads them: every corpus
scenario's subgraphs served by Apollo's ``@apollo/subgraph`` (Node) and by ``hansa.subgraph``,
their ``_service { sdl }`` fetched over HTTP and composed by Hansa.

``@apollo/subgraph`` prints the link spec's own ``@link`` beside the federation one and
federation's plumbing (``_Any``, ``_Service``, ``_Entity``, ``Query._entities``/``_service``,
the directive and scalar definitions); the supergraph must be the one Apollo composed from the
schema files (Federation 2 scenarios), or for the others the one Hansa composes from the files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from hansa.composition import SubgraphInput, compose
from tests.composition.canonical import differences
from tests.federation.harness import Scenario, all_scenarios, placeholder_url, serve_scenario
from tests.subgraph.apollo_subgraph import apollo_subgraphs
from tests.subgraph.apollo_subgraph import available as apollo_subgraph_available
from tests.support.http import post_graphql

SCENARIOS = all_scenarios()
PARAMS = [pytest.param(s, id=s.name) for s in SCENARIOS]


def _sdl(url: str) -> str:
    response = post_graphql(url, "{ _service { sdl } }")
    assert response.status == 200, response.body
    return str(response.json()["data"]["_service"]["sdl"])


@pytest.fixture(scope="module")
def apollo_printed() -> Iterator[dict[str, dict[str, str]]]:
    """{scenario: {subgraph: the SDL @apollo/subgraph serves}}, from one Node process."""
    if not apollo_subgraph_available():
        pytest.skip("needs make reference (Node)")
    sdls = {f"{s.name}::{sg.name}": sg.sdl for s in SCENARIOS for sg in s.subgraphs}
    with apollo_subgraphs(sdls) as urls:
        refused = {n: u for n, u in urls.items() if isinstance(u, dict)}
        assert not refused, json.dumps(refused)[:2000]
        printed: dict[str, dict[str, str]] = {}
        for name, url in urls.items():
            scenario, subgraph = name.split("::")
            printed.setdefault(scenario, {})[subgraph] = _sdl(str(url))
    yield printed


def _expected(scenario: Scenario) -> str:
    if scenario.composer == "fed2":
        return scenario.supergraph_path.read_text()
    result = compose(
        [SubgraphInput(sg.name, placeholder_url(sg.name), sg.sdl) for sg in scenario.subgraphs]
    )
    assert result.supergraph_sdl is not None, [str(e) for e in result.errors]
    return result.supergraph_sdl


def _composed(sdls: dict[str, str]) -> str:
    result = compose([SubgraphInput(n, placeholder_url(n), sdl) for n, sdl in sdls.items()])
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.supergraph_sdl is not None
    return result.supergraph_sdl


@pytest.mark.parametrize("scenario", PARAMS)
def test_composes_what_apollo_subgraph_serves(
    apollo_printed: dict[str, dict[str, str]], scenario: Scenario
) -> None:
    assert differences(_expected(scenario), _composed(apollo_printed[scenario.name])) == []


@pytest.mark.parametrize("scenario", PARAMS)
def test_composes_what_hansa_subgraph_serves(scenario: Scenario) -> None:
    plain = Scenario(scenario.name, scenario.path, "", scenario.subgraphs, [], serve={})
    with serve_scenario(plain) as urls:
        sdls = {name: _sdl(url) for name, url in urls.items()}
    assert differences(_expected(scenario), _composed(sdls)) == []
