"""The gateway's HTTP interface, over real loopback HTTP against the demo subgraphs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from hansa.demo import accounts, products, reviews
from hansa.gateway import GatewayConfig, create_app
from hansa.http.asgi import Receive, Scope, Send, read_body
from hansa.http.serve import serving
from tests.support.http import post_graphql, request

SUPERGRAPH = Path(__file__).resolve().parents[2] / "src/hansa/demo/supergraph.graphql"

# A GET must say it is not a cross-site request (CSRF prevention, on by default).
PREFLIGHT = {"apollo-require-preflight": "true"}


class Recorder:
    """ASGI middleware that records the GraphQL requests a subgraph receives."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.bodies: list[dict[str, Any]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await read_body(receive, 10_000_000)
        self.bodies.append(json.loads(body))
        replayed = False

        async def replay() -> dict[str, Any]:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


@pytest.fixture(scope="module")
def recorders() -> dict[str, Recorder]:
    return {sg.name: Recorder(sg.asgi_app()) for sg in (accounts, products, reviews)}


@pytest.fixture(scope="module")
def gateway(recorders: dict[str, Recorder]) -> Iterator[str]:
    with serving(*recorders.values()) as urls:
        overrides = {name: f"{url}/graphql" for name, url in zip(recorders, urls, strict=True)}
        config = GatewayConfig(
            subgraph_urls=overrides, max_body_bytes=10_000, max_depth=6, expose_query_plan=True
        )
        with serving(create_app(SUPERGRAPH, config)) as (base,):
            yield f"{base}/graphql"


def _code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


def test_post_answers_with_graphql_response_json(gateway: str) -> None:
    response = post_graphql(
        gateway, "{ me { name } }", headers={"accept": "application/graphql-response+json"}
    )
    assert response.status == 200
    assert response.headers["content-type"] == "application/graphql-response+json"
    assert response.json() == {"data": {"me": {"name": "Ada Lovelace"}}}


def test_plain_json_clients_get_application_json(gateway: str) -> None:
    response = post_graphql(gateway, "{ me { name } }", headers={"accept": "application/json"})
    assert response.headers["content-type"] == "application/json"


def test_root_path_is_an_alias(gateway: str) -> None:
    root = gateway.removesuffix("graphql")
    assert post_graphql(root, "{ me { id } }").json() == {"data": {"me": {"id": "1"}}}


def test_get_runs_queries(gateway: str) -> None:
    query = quote("query($id: ID!) { user(id: $id) { name } }")
    variables = quote(json.dumps({"id": "2"}))
    response = request(
        f"{gateway}?query={query}&variables={variables}", method="GET", headers=PREFLIGHT
    )
    assert response.json() == {"data": {"user": {"name": "Alan Turing"}}}


def test_operation_name_selects_the_operation(gateway: str) -> None:
    document = "query A { me { id } } query B { me { name } }"
    assert post_graphql(gateway, document, operation_name="B").json() == {
        "data": {"me": {"name": "Ada Lovelace"}}
    }
    unknown = post_graphql(gateway, document, operation_name="C")
    assert unknown.status == 400
    assert _code(unknown.json()) == "OPERATION_NOT_FOUND"


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "INVALID_JSON"),
        (b'{"query": ["x"]}', "application/json", 400, "BAD_REQUEST"),
        (b"query { me { id } }", "application/graphql", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b'{"query": "{ me { id } }", "variables": [1]}', "application/json", 400, "BAD_REQUEST"),
        (
            b'{"query": "' + b" " * 20_000 + b'{ me { id } }"}',
            "application/json",
            413,
            "PAYLOAD_TOO_LARGE",
        ),
    ],
)
def test_bad_requests_get_a_coded_error(
    gateway: str, body: bytes, content_type: str, status: int, code: str
) -> None:
    response = request(gateway, body=body, headers={"content-type": content_type})
    assert response.status == status
    assert _code(response.json()) == code
    assert b"Traceback" not in response.body


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ me { id ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ me { nope } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($id: ID!) { user(id: $id) { id } }", {"id": {"no": 1}}, "BAD_USER_INPUT"),
        ("query($id: ID!) { user(id: $id) { id } }", {}, "BAD_USER_INPUT"),
        (
            "{ me { reviews { author { reviews { author { reviews { id } } } } } } }",
            None,
            "MAX_DEPTH_LIMIT",
        ),
    ],
)
def test_request_errors(gateway: str, query: str, variables: Any, code: str) -> None:
    response = post_graphql(gateway, query, variables)
    assert response.status == 400
    body = response.json()
    assert "data" not in body
    assert _code(body) == code


def test_get_cannot_run_mutations(gateway: str) -> None:
    response = request(
        f"{gateway}?query={quote('mutation { nope }')}", method="GET", headers=PREFLIGHT
    )
    # The demo schema has no mutation type: that is a validation error, before any method check.
    assert response.status == 400


def test_unacceptable_accept_header(gateway: str) -> None:
    response = post_graphql(gateway, "{ me { id } }", headers={"accept": "text/plain"})
    assert response.status == 406
    assert _code(response.json()) == "NOT_ACCEPTABLE"


def test_health_and_graphiql(gateway: str) -> None:
    base = gateway.removesuffix("/graphql")
    assert request(f"{base}/health", method="GET").json() == {"status": "UP"}
    page = request(gateway, method="GET", headers={"accept": "text/html"})
    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert b"graphiql" in page.body.lower()


def test_query_plan_header(gateway: str) -> None:
    plain = post_graphql(gateway, "{ me { name reviews { id } } }").json()
    assert "extensions" not in plain
    shown = post_graphql(
        gateway, "{ me { name reviews { id } } }", headers={"hansa-expose-query-plan": "true"}
    ).json()
    plan = shown["extensions"]["queryPlan"]
    assert 'Fetch(service: "accounts")' in plan
    assert 'Flatten(path: "me")' in plan


def test_skipped_fields_send_no_fetch(gateway: str, recorders: dict[str, Recorder]) -> None:
    query = (
        "query($r: Boolean!) { topProducts(first: 3) { name reviews @include(if: $r) { body } } }"
    )
    recorders["reviews"].bodies.clear()
    skipped = post_graphql(gateway, query, {"r": False}).json()
    assert skipped == {
        "data": {"topProducts": [{"name": "Table"}, {"name": "Couch"}, {"name": "Chair"}]}
    }
    assert recorders["reviews"].bodies == []
    included = post_graphql(gateway, query, {"r": True}).json()
    assert included["data"]["topProducts"][0]["reviews"] == [
        {"body": "Love it!"},
        {"body": "Prefer something else."},
    ]
    assert len(recorders["reviews"].bodies) == 1


def test_representations_are_deduplicated(gateway: str, recorders: dict[str, Recorder]) -> None:
    recorders["accounts"].bodies.clear()
    body = post_graphql(gateway, "{ latestReviews(first: 4) { author { name } } }").json()
    names = [r["author"]["name"] for r in body["data"]["latestReviews"]]
    assert names == ["Alan Turing", "Alan Turing", "Ada Lovelace", "Ada Lovelace"]
    (sent,) = recorders["accounts"].bodies
    assert sent["variables"]["representations"] == [
        {"__typename": "User", "id": "2"},
        {"__typename": "User", "id": "1"},
    ]


def test_keeps_serving_after_bad_input(gateway: str) -> None:
    for _ in range(3):
        request(gateway, body=b"\xff\xfe", headers={"content-type": "application/json"})
    assert post_graphql(gateway, "{ me { id } }").json() == {"data": {"me": {"id": "1"}}}


class SlowApp:
    """A subgraph that takes longer than the gateway is willing to wait."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await read_body(receive, 1_000_000)
        await asyncio.sleep(3)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b'{"data": {}}'})


def test_slow_subgraph_times_out_and_the_rest_is_answered(recorders: dict[str, Recorder]) -> None:
    with serving(accounts.asgi_app(), products.asgi_app(), SlowApp()) as urls:
        overrides = {
            name: f"{url}/graphql"
            for name, url in zip(("accounts", "products", "reviews"), urls, strict=True)
        }
        config = GatewayConfig(subgraph_urls=overrides, subgraph_timeouts={"reviews": 0.3})
        with serving(create_app(SUPERGRAPH, config)) as (base,):
            body = post_graphql(
                f"{base}/graphql", "{ me { name } topProducts(first: 1) { name reviewSummary } }"
            ).json_without_request_ids()
    assert body["data"] == {
        "me": {"name": "Ada Lovelace"},
        "topProducts": [{"name": "Table", "reviewSummary": None}],
    }
    assert body["errors"] == [
        {
            "message": "HTTP fetch failed from 'reviews': request timed out",
            "extensions": {
                "code": "SUBREQUEST_HTTP_ERROR",
                "service": "reviews",
                "reason": "request timed out",
            },
        }
    ]


def test_mounted_in_starlette() -> None:
    from collections.abc import AsyncIterator
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.routing import Mount

    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as urls:
        overrides = {
            sg: f"{u}/graphql"
            for sg, u in zip(("accounts", "products", "reviews"), urls, strict=True)
        }
        gateway_app = create_app(SUPERGRAPH, subgraph_urls=overrides)

        @asynccontextmanager
        async def lifespan(_app: Starlette) -> AsyncIterator[None]:
            await gateway_app.startup()
            yield
            await gateway_app.shutdown()

        app = Starlette(routes=[Mount("/api", app=gateway_app)], lifespan=lifespan)
        with serving(app) as (base,):
            body = post_graphql(f"{base}/api/graphql", "{ me { name reviews { stars } } }").json()
    assert body == {
        "data": {"me": {"name": "Ada Lovelace", "reviews": [{"stars": 5}, {"stars": 2}]}}
    }
