"""The entity cache over HTTP: which representations each subgraph receives shows what the
cache answered. A repeated entity is not fetched again, a partial hit fetches only the missing
ones, and nothing is shared across selections, tenants, users of ``private`` answers, errors,
mutations or expired entries; Redis shares entries between two gateways and its outage only
costs the hits."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from hansa.cache.settings import CacheSettings
from hansa.gateway import GatewayConfig, create_app
from hansa.http.asgi import Receive, Scope, Send
from hansa.http.serve import serving
from hansa.plugins.tenancy import TenancyPolicy
from hansa.subgraph import Subgraph
from tests.support.federation import federation, supergraph_of
from tests.support.http import free_port, post_graphql, request
from tests.support.services import redis_url

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
PEOPLE = LINK + 'type User @key(fields: "id") { id: ID! name: String email: String }'
POSTS = (
    LINK
    + """
type Query { posts(ids: [ID!]!): [Post!]! }
type Mutation { touch(id: ID!): Post }
type Post @key(fields: "id") { id: ID! author: User! }
type User @key(fields: "id", resolvable: false) { id: ID! }
"""
)
USERS = {str(n): {"id": str(n), "name": f"user {n}", "email": f"u{n}@x"} for n in range(1, 6)}


class Graph:
    """``posts`` (each post by the user of the same id) and ``people``, recording every
    representation ``people`` receives."""

    def __init__(self) -> None:
        self.received: list[list[str]] = []
        self.broken: set[str] = set()
        self.people = Subgraph("people", PEOPLE)
        self.posts = Subgraph("posts", POSTS)

        @self.people.references("User")
        def users(representations: list[dict[str, Any]], _info: Any) -> list[Any]:
            self.received.append([r["id"] for r in representations])
            found: list[Any] = []
            for r in representations:
                if r["id"] in self.broken:
                    found.append(ValueError("the user table is on fire"))
                else:
                    found.append(USERS.get(r["id"]))
            return found

        def posts(_root: Any, _info: Any, ids: list[str]) -> list[dict[str, Any]]:
            return [{"id": i, "author": {"id": i}} for i in ids]

        self.posts.field("Query", "posts")(posts)
        self.posts.field("Mutation", "touch")(lambda _r, _i, id: {"id": id, "author": {"id": id}})

    def last(self) -> list[str]:
        return self.received[-1] if self.received else []


def _names(url: str, ids: list[str], field: str = "name", **headers: str) -> Any:
    query = f"query($ids: [ID!]!) {{ posts(ids: $ids) {{ author {{ {field} }} }} }}"
    return post_graphql(url, query, {"ids": ids}, headers=headers).json()


def _expected(ids: list[str], field: str = "name") -> dict[str, Any]:
    return {"data": {"posts": [{"author": {field: USERS[i][field]}} for i in ids]}}


@pytest.fixture
def graph() -> Graph:
    return Graph()


def test_an_entity_fetched_once_is_answered_from_the_cache(graph: Graph) -> None:
    with federation(graph.people, graph.posts, cache=CacheSettings()) as url:
        assert _names(url, ["1", "2"]) == _expected(["1", "2"])
        assert _names(url, ["1", "2"]) == _expected(["1", "2"])
    assert graph.received == [["1", "2"]]  # the second query sent nothing to people


def test_a_partial_hit_fetches_only_the_missing_entities(graph: Graph) -> None:
    with federation(graph.people, graph.posts, cache=CacheSettings()) as url:
        _names(url, ["1", "2"])
        assert _names(url, ["2", "3", "1", "4"]) == _expected(["2", "3", "1", "4"])
    assert graph.received == [["1", "2"], ["3", "4"]]


def test_another_selection_is_another_entry(graph: Graph) -> None:
    with federation(graph.people, graph.posts, cache=CacheSettings()) as url:
        _names(url, ["1"])
        assert _names(url, ["1"], "email") == _expected(["1"], "email")
    assert graph.received == [["1"], ["1"]]


def test_tenants_never_share_an_entity(graph: Graph) -> None:
    with federation(
        graph.people, graph.posts, cache=CacheSettings(), tenancy=TenancyPolicy()
    ) as url:
        _names(url, ["1"], **{"x-tenant-id": "acme"})
        _names(url, ["1"], **{"x-tenant-id": "globex"})
        _names(url, ["1"], **{"x-tenant-id": "acme"})
    assert graph.received == [["1"], ["1"]]


def test_an_entity_with_an_error_is_not_kept(graph: Graph) -> None:
    graph.broken = {"2"}
    with federation(graph.people, graph.posts, cache=CacheSettings()) as url:
        first = _names(url, ["1", "2"])
        graph.broken = set()
        second = _names(url, ["1", "2"])
    assert first["errors"][0]["message"] == "the user table is on fire"
    assert second == _expected(["1", "2"])
    assert graph.received == [["1", "2"], ["2"]]


def test_a_type_with_ttl_0_and_expired_entries_are_fetched_again(graph: Graph) -> None:
    never = CacheSettings(strategies={"User": 0})
    with federation(graph.people, graph.posts, cache=never) as url:
        _names(url, ["1"])
        _names(url, ["1"])
    assert graph.received == [["1"], ["1"]]
    graph.received.clear()
    with federation(
        graph.people, graph.posts, cache=CacheSettings(strategies={"User": 0.3})
    ) as url:
        _names(url, ["1"])
        _names(url, ["1"])
        time.sleep(0.5)
        _names(url, ["1"])
    assert graph.received == [["1"], ["1"]]


def test_mutations_neither_read_nor_fill_the_cache(graph: Graph) -> None:
    with federation(graph.people, graph.posts, cache=CacheSettings()) as url:
        mutation = 'mutation { touch(id: "1") { author { name } } }'
        post_graphql(url, mutation)
        post_graphql(url, mutation)
        _names(url, ["1"])
    assert graph.received == [["1"], ["1"], ["1"]]


class Answering:
    """A subgraph app whose responses carry ``cache_control``."""

    def __init__(self, app: Any, cache_control: str) -> None:
        self.app, self.cache_control = app, cache_control

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [(b"cache-control", self.cache_control.encode())]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, sending)


def test_the_subgraphs_cache_control_is_obeyed(graph: Graph) -> None:
    people = Answering(graph.people.asgi_app(), "no-store")
    with federation(
        graph.people, graph.posts, apps={"people": people}, cache=CacheSettings()
    ) as url:
        _names(url, ["1"])
        _names(url, ["1"])
    assert graph.received == [["1"], ["1"]]


def test_private_answers_are_kept_per_user_and_never_for_anonymous_clients(graph: Graph) -> None:
    import jwt

    from hansa.plugins.jwt_auth import JwtPolicy

    secret = "entity-cache-tests-secret-entity-cache"
    people = Answering(graph.people.asgi_app(), "private, max-age=60")

    def bearer(user: str) -> dict[str, str]:
        token = jwt.encode({"sub": user}, secret, algorithm="HS256")
        return {"authorization": f"Bearer {token}"}

    with federation(
        graph.people,
        graph.posts,
        apps={"people": people},
        cache=CacheSettings(),
        jwt=JwtPolicy(secret=secret),
    ) as url:
        _names(url, ["1"], **bearer("ada"))
        _names(url, ["1"], **bearer("ada"))  # hit: ada's own
        _names(url, ["1"], **bearer("bob"))  # miss: never ada's
        _names(url, ["1"])
        _names(url, ["1"])  # anonymous: never kept
    assert graph.received == [["1"], ["1"], ["1"], ["1"]]


@contextmanager
def _gateway(graph: Graph, urls: dict[str, str], cache: CacheSettings) -> Iterator[str]:
    sdl = supergraph_of(graph.people, graph.posts)
    app = create_app(sdl, GatewayConfig(subgraph_urls=urls, cache=cache))
    with serving(app) as (base,):
        yield f"{base}/graphql"


def test_two_gateways_share_one_redis_cache(graph: Graph) -> None:
    cache = CacheSettings(redis_url=redis_url(), redis_prefix=f"hansa:test:{uuid.uuid4().hex}:")
    with serving(graph.people.asgi_app(), graph.posts.asgi_app()) as (people, posts):
        urls = {"people": f"{people}/graphql", "posts": f"{posts}/graphql"}
        with _gateway(graph, urls, cache) as first, _gateway(graph, urls, cache) as second:
            assert _names(first, ["1", "2"]) == _expected(["1", "2"])
            assert _names(second, ["1", "2", "3"]) == _expected(["1", "2", "3"])
    assert graph.received == [["1", "2"], ["3"]]


def test_redis_down_costs_the_hits_and_nothing_else(graph: Graph) -> None:
    down = CacheSettings(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    with federation(graph.people, graph.posts, cache=down) as url:
        assert _names(url, ["1"]) == _expected(["1"])
        assert _names(url, ["1"]) == _expected(["1"])
        ready = post_graphql(url.removesuffix("/graphql") + "/health/ready", "{ x }")
    assert graph.received == [["1"], ["1"]]
    assert ready.status == 200


def test_redis_stopping_mid_run_costs_the_hits_until_it_is_back(graph: Graph) -> None:
    from tests.support.proxy import Proxy

    real = redis_url().removeprefix("redis://")
    host, _, rest = real.partition(":")
    port, _, database = rest.partition("/")
    proxy = Proxy(host, int(port))
    cache = CacheSettings(
        redis_url=f"redis://127.0.0.1:{proxy.port}/{database}",
        redis_prefix=f"hansa:test:{uuid.uuid4().hex}:",
    )
    try:
        with federation(graph.people, graph.posts, cache=cache) as url:
            base = url.removesuffix("/graphql")
            assert _names(url, ["1"]) == _expected(["1"])
            assert _names(url, ["1"]) == _expected(["1"])  # a hit
            proxy.cut()  # Redis is gone
            down = [_names(url, ["1"]) for _ in range(3)]
            ready = request(f"{base}/health/ready", method="GET").json()
            scraped = request(f"{base}/metrics", method="GET").body.decode()
            proxy.restore()
            deadline = time.monotonic() + 10
            while True:  # back: answers come from the cache again
                before = len(graph.received)
                assert _names(url, ["1"]) == _expected(["1"])
                if len(graph.received) == before:
                    break
                assert time.monotonic() < deadline, "the cache did not come back"
                time.sleep(0.1)
    finally:
        proxy.stop()
    assert down == [_expected(["1"])] * 3  # answered, uncached, no error
    assert ready["entity_cache"]["store"] == "down"
    failed = [
        line for line in scraped.splitlines() if line.startswith("hansa_cache_store_failures_total")
    ]
    assert failed and float(failed[0].split()[-1]) >= 3
