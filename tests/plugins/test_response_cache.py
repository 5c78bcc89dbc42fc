"""The response cache over HTTP: how many times the subgraph ran shows what was answered from
the cache. Kept as long as ``@cacheControl`` (Apollo's rules: the smallest max age, a
composite field without a hint is not cacheable) or the client's ``@cache(ttl:)`` allow, with
``Cache-Control`` and ``ETag`` headers and ``304`` for a matching ``If-None-Match``; never kept
with errors, for mutations, across tenants, variables or users of ``PRIVATE`` data."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from graphql import GraphQLError

from hansa.cache.settings import CacheSettings
from hansa.plugins.jwt_auth import JwtPolicy
from hansa.plugins.tenancy import TenancyPolicy
from hansa.subgraph import Subgraph
from tests.plugins.test_entity_cache import Answering
from tests.support.federation import federation
from tests.support.http import post_graphql

SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@composeDirective"])
  @link(url: "https://hansa.dev/cache/v1.0", import: ["@cacheControl"])
  @composeDirective(name: "@cacheControl")
enum CacheControlScope { PUBLIC PRIVATE }
directive @cacheControl(maxAge: Int, scope: CacheControlScope, inheritMaxAge: Boolean)
  on FIELD_DEFINITION | OBJECT | INTERFACE | UNION
type Query {
  news(topic: String): [Story] @cacheControl(maxAge: 30)
  me: Story @cacheControl(maxAge: 60, scope: PRIVATE)
  plain: Note
  broken: String @cacheControl(maxAge: 30)
}
type Mutation { publish(title: String!): Story }
type Story @cacheControl(maxAge: 120) { title: String views: Int @cacheControl(maxAge: 5) }
type Note { title: String }
"""
SECRET = "response-cache-tests-secret-response-cache"


class News:
    def __init__(self) -> None:
        self.calls = 0
        self.subgraph = Subgraph("news", SDL)

        def story(*_args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            topic = kwargs.get("topic") or kwargs.get("title") or "all"
            return {"title": f"story about {topic}", "views": self.calls}

        def broken(*_args: Any) -> str:
            self.calls += 1
            raise GraphQLError("no", extensions={"code": "NOPE"})

        self.subgraph.field("Query", "news")(lambda *a, **k: [story(*a, **k)])
        self.subgraph.field("Query", "me")(story)
        self.subgraph.field("Query", "plain")(story)
        self.subgraph.field("Query", "broken")(broken)
        self.subgraph.field("Mutation", "publish")(story)


@pytest.fixture
def news() -> News:
    return News()


def _bearer(user: str) -> dict[str, str]:
    return {"authorization": f"Bearer {jwt.encode({'sub': user}, SECRET, algorithm='HS256')}"}


def test_a_cacheable_answer_is_kept_for_the_smallest_max_age(news: News) -> None:
    with federation(news.subgraph, cache=CacheSettings()) as url:
        first = post_graphql(url, "{ news { title } }")
        second = post_graphql(url, "{ news { title } }")
    assert first.json() == second.json() == {"data": {"news": [{"title": "story about all"}]}}
    assert news.calls == 1
    # news (30) and Story (120): 30
    assert first.headers["cache-control"] == second.headers["cache-control"] == "max-age=30, public"
    assert first.headers["etag"] == second.headers["etag"]


def test_a_leaf_with_a_shorter_hint_shortens_it(news: News) -> None:
    with federation(news.subgraph, cache=CacheSettings()) as url:
        answer = post_graphql(url, "{ news { title views } }")
    assert answer.headers["cache-control"] == "max-age=5, public"


def test_a_matching_if_none_match_gets_304_without_a_body(news: News) -> None:
    with federation(news.subgraph, cache=CacheSettings()) as url:
        etag = post_graphql(url, "{ news { title } }").headers["etag"]
        again = post_graphql(url, "{ news { title } }", headers={"if-none-match": etag})
        other = post_graphql(url, "{ news { title } }", headers={"if-none-match": '"nope"'})
        fresh = post_graphql(url, '{ news(topic: "x") { title } }', headers={"if-none-match": "*"})
    assert (again.status, again.body) == (304, b"")
    assert again.headers["etag"] == etag
    assert other.status == 200
    assert fresh.status == 304  # a new answer whose tag matches too
    assert news.calls == 2


def test_without_hints_nothing_is_kept_and_the_answer_says_no_store(news: News) -> None:
    with federation(news.subgraph, cache=CacheSettings()) as url:
        first = post_graphql(url, "{ plain { title } }")
        post_graphql(url, "{ plain { title } }")
    assert first.headers["cache-control"] == "no-store"
    assert "etag" not in first.headers
    assert news.calls == 2


def test_the_clients_cache_directive_keeps_it_and_never_reaches_the_subgraph(news: News) -> None:
    seen: list[str] = []

    class Recording:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            message = await receive()
            seen.append(message.get("body", b"").decode())

            async def replay() -> Any:
                return message

            await self.app(scope, replay, send)

    app = Recording(news.subgraph.asgi_app())
    with federation(news.subgraph, apps={"news": app}, cache=CacheSettings()) as url:
        first = post_graphql(url, "{ plain @cache(ttl: 90) { title } }")
        post_graphql(url, "{ plain @cache(ttl: 90) { title } }")
    assert first.json() == {"data": {"plain": {"title": "story about all"}}}
    assert first.headers["cache-control"] == "max-age=90, public"
    assert news.calls == 1
    assert all("@cache" not in body for body in seen) and seen


def test_errors_and_mutations_are_never_kept(news: News) -> None:
    with federation(news.subgraph, cache=CacheSettings()) as url:
        post_graphql(url, "{ broken }")
        refused = post_graphql(url, "{ broken }")
        post_graphql(url, 'mutation { publish(title: "a") { title } }')
        post_graphql(url, 'mutation { publish(title: "a") { title } }')
    assert refused.headers["cache-control"] == "no-store"
    assert news.calls == 4


def test_variables_and_tenants_are_part_of_the_key(news: News) -> None:
    query = "query($t: String) { news(topic: $t) { title } }"
    with federation(news.subgraph, cache=CacheSettings(), tenancy=TenancyPolicy()) as url:
        acme = {"x-tenant-id": "acme"}
        a = post_graphql(url, query, {"t": "a"}, headers=acme).json()
        b = post_graphql(url, query, {"t": "b"}, headers=acme).json()
        post_graphql(url, query, {"t": "a"}, headers={"x-tenant-id": "globex"})
        again = post_graphql(url, query, {"t": "a"}, headers=acme).json()
    assert a == again != b
    assert news.calls == 3


def test_private_answers_are_kept_per_user_and_never_for_anonymous_clients(news: News) -> None:
    with federation(news.subgraph, cache=CacheSettings(), jwt=JwtPolicy(secret=SECRET)) as url:
        ada = post_graphql(url, "{ me { title } }", headers=_bearer("ada"))
        post_graphql(url, "{ me { title } }", headers=_bearer("ada"))
        post_graphql(url, "{ me { title } }", headers=_bearer("bob"))
        anonymous = post_graphql(url, "{ me { title } }")
        post_graphql(url, "{ me { title } }")
    assert ada.headers["cache-control"] == "max-age=60, private"
    assert anonymous.headers["cache-control"] == "no-store"
    assert news.calls == 4  # ada once, bob once, anonymous twice


def test_a_subgraphs_cache_control_restricts_it(news: News) -> None:
    app = Answering(news.subgraph.asgi_app(), "no-store")
    with federation(news.subgraph, apps={"news": app}, cache=CacheSettings()) as url:
        first = post_graphql(url, "{ news { title } }")
        post_graphql(url, "{ news { title } }")
    assert first.headers["cache-control"] == "no-store"
    assert news.calls == 2


def test_vary_headers_are_part_of_the_key(news: News) -> None:
    with federation(news.subgraph, cache=CacheSettings(vary_headers=("accept-language",))) as url:
        post_graphql(url, "{ news { title } }", headers={"accept-language": "de"})
        post_graphql(url, "{ news { title } }", headers={"accept-language": "et"})
        post_graphql(url, "{ news { title } }", headers={"accept-language": "de"})
    assert news.calls == 2


def test_a_damaged_entry_in_a_shared_redis_is_a_miss(news: News) -> None:
    import uuid

    import redis

    from tests.support.services import redis_url

    prefix = f"hansa:test:{uuid.uuid4().hex}:"
    cache = CacheSettings(redis_url=redis_url(), redis_prefix=prefix)
    client = redis.Redis.from_url(redis_url())
    with federation(news.subgraph, cache=cache) as url:
        first = post_graphql(url, "{ news { title } }").json()
        for key in client.scan_iter(f"{prefix}r:*"):
            client.set(key, b"not json", keepttl=True)
        again = post_graphql(url, "{ news { title } }")
    client.close()
    assert again.status == 200 and again.json() == first
    assert news.calls == 2  # answered by the subgraph, not from the damaged entry
