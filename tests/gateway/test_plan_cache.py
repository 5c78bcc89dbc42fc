"""The plan cache: bounded in entries and in bytes, its hits and misses in ``/health/ready``,
and warmed up ahead of requests: every persisted operation at start, and on a supergraph
reload the previous supergraph's most-used operations, so the first requests after a reload
are plan cache hits."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from hansa.demo import accounts, products, reviews
from hansa.gateway import Gateway, GatewayConfig, create_app
from hansa.gateway.reload import poll
from hansa.gateway.sources.file import FileSource
from hansa.http.serve import serving
from hansa.planner.query_planner import plan_weight
from hansa.plugins.persisted_queries import PersistedQueriesPolicy
from tests.support.federation import supergraph_of
from tests.support.http import post_graphql, request

SDL = supergraph_of(accounts, products, reviews)
QUERIES = [
    "{ me { name } }",
    "{ topProducts { name } }",
    "{ topProducts { name reviews { body author { name } } } }",
    "{ me { reviews { body product { name } } } }",
]


def _plan_cache(base: str) -> dict[str, Any]:
    body: dict[str, Any] = request(f"{base}/health/ready", method="GET").json()
    return body["plan_cache"]  # type: ignore[no-any-return]


def _plan_all(gateway: Gateway, queries: list[str]) -> None:
    for query in queries:
        prepared = gateway.prepare(query, None)
        gateway.planner.plan(prepared, prepared.assignment({}))


def test_the_cache_is_bounded_in_bytes_and_entries() -> None:
    gateway = Gateway(SDL)
    _plan_all(gateway, QUERIES)
    weights = [plan_weight(gateway.planner.plan(gateway.prepare(q, None), ())) for q in QUERIES]
    assert gateway.planner.bytes == sum(weights)

    # Room for the two last plans only: the first ones were evicted.
    small = Gateway(SDL, GatewayConfig(max_cached_plan_bytes=weights[2] + weights[3]))
    _plan_all(small, QUERIES)
    assert len(small.planner) == 2 and small.planner.bytes == weights[2] + weights[3]

    # A plan larger than the whole cache is used, and not kept.
    tiny = Gateway(SDL, GatewayConfig(max_cached_plan_bytes=10))
    _plan_all(tiny, QUERIES[:1])
    assert len(tiny.planner) == 0 and tiny.planner.bytes == 0

    few = Gateway(SDL, GatewayConfig(max_cached_plans=3))
    _plan_all(few, QUERIES)
    assert len(few.planner) == 3


def test_hits_and_misses_are_reported() -> None:
    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as urls:
        names = ("accounts", "products", "reviews")
        overrides = {n: f"{u}/graphql" for n, u in zip(names, urls, strict=True)}
        with serving(create_app(SDL, GatewayConfig(subgraph_urls=overrides))) as (base,):
            for _ in range(3):
                post_graphql(f"{base}/graphql", QUERIES[0])
            post_graphql(f"{base}/graphql", QUERIES[1])
            cache = _plan_cache(base)
    assert (cache["hits"], cache["misses"], cache["entries"]) == (2, 2, 2)
    assert cache["hit_rate"] == 0.5 and cache["bytes"] > 0


def test_persisted_operations_are_planned_at_start(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.json"
    operations = [
        {"id": f"op{n}", "name": None, "type": "query", "body": q} for n, q in enumerate(QUERIES)
    ]
    operations.append({"id": "gone", "name": None, "type": "query", "body": "{ nope }"})
    manifest.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    policy = PersistedQueriesPolicy(str(manifest), "enforce")
    gateway = Gateway(SDL, GatewayConfig(persisted_queries=policy))
    assert len(gateway.planner) == len(QUERIES)  # the invalid one is skipped
    assert gateway.planner.hits == 0


def test_a_reload_plans_the_most_used_operations_before_serving(tmp_path: Path) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(SDL)
    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as urls:
        names = ("accounts", "products", "reviews")
        overrides = {n: f"{u}/graphql" for n, u in zip(names, urls, strict=True)}
        app = create_app(SDL, GatewayConfig(subgraph_urls=overrides, warm_up_plans=2))
        source = FileSource(path, interval=0.05)
        source._seen = path.stat().st_mtime  # serving this file already
        poll(app, source)
        with serving(app) as (base,):
            url = f"{base}/graphql"
            for query, times in zip(QUERIES, (5, 1, 3, 2), strict=True):
                for _ in range(times):
                    post_graphql(url, query)
            old = app.gateway
            path.write_text(SDL + "\n# reloaded\n")
            deadline = time.monotonic() + 10
            while app.gateway is old:
                assert time.monotonic() < deadline, "the supergraph was not reloaded"
                time.sleep(0.02)
            warmed = _plan_cache(base)
            answers = [post_graphql(url, q).json() for q in (QUERIES[0], QUERIES[2])]
            after = _plan_cache(base)
    assert (warmed["entries"], warmed["misses"], warmed["hits"]) == (2, 2, 0)
    assert after["hits"] == 2 and after["misses"] == 2  # both served from the warmed plans
    assert all("errors" not in a for a in answers)
