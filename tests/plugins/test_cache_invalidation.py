"""Invalidation over HTTP and NATS: an admin request or a change event drops the entity's
entries and every cached response selecting its type, on every gateway instance; the rest
stays cached. What the subgraph receives afterwards shows what was dropped."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

import pytest

from hansa.cache.settings import CacheSettings
from hansa.gateway import GatewayConfig, create_app
from hansa.http.serve import serving
from tests.plugins.test_entity_cache import Graph
from tests.support.federation import federation, supergraph_of
from tests.support.http import post_graphql, request
from tests.support.services import nats_url, redis_url

TOKEN = "cache-admin-token"
QUERY = '{ posts(ids: ["1", "2"]) @cache(ttl: 60) { author { name } } }'
ANSWER = {"data": {"posts": [{"author": {"name": "user 1"}}, {"author": {"name": "user 2"}}]}}


def _invalidate(url: str, message: Any, token: str | None = TOKEN) -> Any:
    base = url.removesuffix("/graphql")
    headers = {"content-type": "application/json"}
    if token is not None:
        headers["authorization"] = f"Bearer {token}"
    body = message if isinstance(message, bytes) else json.dumps(message).encode()
    return request(f"{base}/admin/cache/invalidate", body=body, headers=headers)


def test_an_admin_request_drops_one_entity_and_the_responses_selecting_its_type() -> None:
    graph = Graph()
    with federation(graph.people, graph.posts, cache=CacheSettings(admin_token=TOKEN)) as url:
        assert post_graphql(url, QUERY).json() == ANSWER
        assert post_graphql(url, QUERY).json() == ANSWER  # the response cache
        dropped = _invalidate(url, {"type": "User", "key": {"id": "1"}})
        assert post_graphql(url, QUERY).json() == ANSWER
    assert dropped.status == 200
    assert dropped.json()["invalidated"] >= 2  # user 1's entity entry and the response
    assert graph.received == [["1", "2"], ["1"]]  # user 2 still came from the entity cache


def test_a_whole_type_and_a_tag() -> None:
    graph = Graph()
    with federation(graph.people, graph.posts, cache=CacheSettings(admin_token=TOKEN)) as url:
        post_graphql(url, QUERY)
        _invalidate(url, {"type": "User"})
        post_graphql(url, QUERY)
        assert _invalidate(url, {"tag": "unused"}).json() == {"invalidated": 0}
    assert graph.received == [["1", "2"], ["1", "2"]]


@pytest.mark.parametrize(
    ("token", "body", "status", "code"),
    [
        (None, {"type": "User"}, 401, "UNAUTHENTICATED"),
        ("wrong", {"type": "User"}, 401, "UNAUTHENTICATED"),
        (TOKEN, b"{", 400, "BAD_REQUEST"),
        (TOKEN, {"key": {"id": "1"}}, 400, "BAD_REQUEST"),
        (TOKEN, {"type": "User", "key": "1"}, 400, "BAD_REQUEST"),
        (TOKEN, [1], 400, "BAD_REQUEST"),
    ],
)
def test_bad_admin_requests_are_refused(
    token: str | None, body: Any, status: int, code: str
) -> None:
    graph = Graph()
    with federation(graph.people, graph.posts, cache=CacheSettings(admin_token=TOKEN)) as url:
        answer = _invalidate(url, body, token)
    assert answer.status == status
    assert answer.json()["errors"][0]["extensions"]["code"] == code


def test_without_an_admin_token_the_endpoint_does_not_exist() -> None:
    graph = Graph()
    with federation(graph.people, graph.posts, cache=CacheSettings()) as url:
        assert _invalidate(url, {"type": "User"}).status == 404


@contextmanager
def _gateways(graph: Graph, cache: CacheSettings, count: int) -> Iterator[list[str]]:
    sdl = supergraph_of(graph.people, graph.posts)
    with serving(graph.people.asgi_app(), graph.posts.asgi_app()) as (people, posts):
        urls = {"people": f"{people}/graphql", "posts": f"{posts}/graphql"}
        with ExitStack() as stack:
            bases = [
                stack.enter_context(
                    serving(create_app(sdl, GatewayConfig(subgraph_urls=urls, cache=cache)))
                )[0]
                for _ in range(count)
            ]
            for base in bases:
                _wait_for(lambda b=base: _ready(b)["cache_invalidation"]["nats"] == "up")
            yield [f"{base}/graphql" for base in bases]


def _ready(base: str) -> Any:
    return request(f"{base}/health/ready", method="GET").json()


def _wait_for(condition: Any, timeout: float = 10.0) -> float:
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError("timed out")
        time.sleep(0.001)
    return time.monotonic() - started


async def _publish(url: str, subject: str, message: dict[str, Any]) -> None:
    import nats

    connection = await nats.connect(url)
    await connection.publish(subject, json.dumps(message).encode())
    await connection.flush()
    await connection.close()


@pytest.mark.parametrize("shared", [False, True], ids=["own-memory", "shared-redis"])
def test_a_change_event_on_nats_reaches_every_gateway(shared: bool) -> None:
    subject = f"hansa.test.{uuid.uuid4().hex}"
    cache = CacheSettings(
        nats_url=nats_url(),
        subject=subject,
        redis_url=redis_url() if shared else None,
        redis_prefix=f"hansa:test:{uuid.uuid4().hex}:",
    )
    graph = Graph()
    with _gateways(graph, cache, 2) as (first, second):
        for url in (first, second):
            assert post_graphql(url, QUERY).json() == ANSWER
        fetched = len(graph.received)
        asyncio.run(_publish(cache.nats_url or "", subject, {"type": "User", "key": {"id": "1"}}))
        for url in (first, second):
            base = url.removesuffix("/graphql")
            _wait_for(lambda b=base: _ready(b)["cache_invalidation"]["events"] == 1)
            assert post_graphql(url, QUERY).json() == ANSWER
        # a malformed event is ignored
        asyncio.run(_publish(cache.nats_url or "", subject, {"nonsense": True}))
        assert post_graphql(first, QUERY).json() == ANSWER
    refetched = graph.received[fetched:]
    # own memory: each gateway refetches user 1; shared: the first refetch serves both
    assert refetched == ([["1"], ["1"]] if not shared else [["1"]])
    assert graph.received[:fetched] == ([["1", "2"], ["1", "2"]] if not shared else [["1", "2"]])
