"""The benchmark's workload is right before it is fast: with ``benchmarks/subgraphs.py`` behind
them, Hansa's gateway and Apollo Gateway answer the benchmark's heavy and light queries with
exactly the bytes of ``benchmarks/workload/*.expected.json`` (the public benchmark's answers),
also through the memoizing wrapper the benchmark runs the subgraphs with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from benchmarks.subgraphs import BENCH, memoized, subgraphs

from hansa.gateway import GatewayConfig, create_app
from hansa.http.serve import serving
from tests.support import reference
from tests.support.http import post_graphql

QUERIES = ["heavy", "light"]


def _expected(name: str) -> bytes:
    return (BENCH / f"{name}.expected.json").read_bytes().strip()


@pytest.fixture(scope="module")
def subgraph_urls() -> Iterator[dict[str, str]]:
    served = subgraphs()
    with serving(*(memoized(s.asgi_app()) for s in served)) as bases:
        yield {s.name: f"{base}/graphql" for s, base in zip(served, bases, strict=True)}


def _ask(url: str, name: str) -> bytes:
    response = post_graphql(url, (BENCH / f"{name}.graphql").read_text())
    assert response.status == 200, response.body[:500]
    return response.body.strip()


@pytest.mark.parametrize("name", QUERIES)
def test_hansa_answers_the_benchmark_byte_for_byte(
    subgraph_urls: dict[str, str], name: str
) -> None:
    config = GatewayConfig(subgraph_urls=subgraph_urls)
    app = create_app((BENCH / "supergraph.graphql").read_text(), config)
    with serving(app) as (base,):
        for _ in range(2):  # the second time from the subgraphs' memo and the plan cache
            assert _ask(f"{base}/graphql", name) == _expected(name)


@pytest.mark.skipif(not reference.available(), reason="needs make reference (Node)")
@pytest.mark.parametrize("name", QUERIES)
def test_apollo_gateway_answers_the_benchmark_byte_for_byte(
    subgraph_urls: dict[str, str], name: str
) -> None:
    supergraph: Path = BENCH / "supergraph.graphql"
    with reference.apollo_gateway(supergraph, subgraph_urls) as url:
        assert _ask(url, name) == _expected(name)
