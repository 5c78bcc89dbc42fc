"""The plugin pipeline driven over HTTP: hooks run in their stages and order, each may end the
request or answer a fetch, the subgraph client can be wrapped, and the example plugin in
``docs/plugins.md`` runs as written, from Python and from ``hansa.toml``."""

from __future__ import annotations

import re
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from hansa.demo.accounts import accounts
from hansa.demo.products import products
from hansa.demo.reviews import reviews
from hansa.gateway import Gateway, GatewayConfig
from hansa.pipeline import (
    GatewayResponse,
    Plugin,
    RequestContext,
    SubgraphClient,
    SubgraphFetchError,
    SubgraphRequest,
    SubgraphResponse,
)
from hansa.planner.plan import QueryPlan
from hansa.subgraph import Subgraph
from tests.support.federation import federation, supergraph_of
from tests.support.http import post_graphql

DOCS = Path(__file__).resolve().parents[2] / "docs/plugins.md"
QUERY = "{ topProducts { name reviews { body author { name } } } }"


class Recorder(Plugin):
    """Records every hook call, in order."""

    name = "recorder"

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        self.calls.append(f"request {context.query is not None} {context.client}")
        return None

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        assert context.operation is not None
        self.calls.append(f"operation {context.operation.kind}")
        return None

    async def on_plan(self, context: RequestContext, plan: QueryPlan) -> QueryPlan | None:
        self.calls.append("plan")
        return None

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        self.calls.append(f"subgraph request {request.subgraph} {request.kind}")
        return None

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        outcome = "ok" if response.body is not None else response.failure
        self.calls.append(f"subgraph response {request.subgraph} {outcome}")

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        self.calls.append(f"response {response.status}")


def test_hooks_run_in_their_stages_and_order() -> None:
    recorder = Recorder()
    with federation(accounts, products, reviews, plugins=[recorder]) as url:
        body = post_graphql(url, QUERY).json()
    assert "errors" not in body and len(body["data"]["topProducts"]) == 3
    assert recorder.calls == [
        "request True 127.0.0.1",
        "operation query",
        "plan",
        "subgraph request products query",
        "subgraph response products ok",
        "subgraph request reviews query",
        "subgraph response reviews ok",
        "subgraph request accounts query",
        "subgraph response accounts ok",
        "response 200",
    ]


def test_a_refused_operation_reaches_on_response_but_not_the_planner() -> None:
    recorder = Recorder()
    with federation(accounts, products, reviews, plugins=[recorder], max_depth=2) as url:
        response = post_graphql(url, QUERY)
    assert response.status == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "MAX_DEPTH_LIMIT"
    # The limits plugin (built in, first) ended the request at on_operation.
    assert recorder.calls == ["request True 127.0.0.1", "response 400"]


class Refuser(Plugin):
    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        if context.header("x-let-me-in") == "yes":
            return None
        answer = GatewayResponse.refusal(403, "FORBIDDEN_BY_PLUGIN", "Not today.")
        answer.headers.append(("x-refused-by", "refuser"))
        return answer


class Answering(Plugin):
    """Answers every fetch to ``products`` itself."""

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        if request.subgraph == "products":
            return {"data": {"topProducts": [{"name": "From a plugin"}]}}
        return None


def test_on_request_can_answer_and_set_headers() -> None:
    with federation(accounts, products, reviews, plugins=[Refuser()]) as url:
        refused = post_graphql(url, "{ me { name } }")
        admitted = post_graphql(url, "{ me { name } }", headers={"x-let-me-in": "yes"})
    assert refused.status == 403
    assert refused.headers["x-refused-by"] == "refuser"
    assert refused.json_without_request_ids() == {
        "errors": [{"message": "Not today.", "extensions": {"code": "FORBIDDEN_BY_PLUGIN"}}]
    }
    assert admitted.json() == {"data": {"me": {"name": "Ada Lovelace"}}}


def test_on_subgraph_request_can_answer_a_fetch() -> None:
    broken = Subgraph("products", products.sdl)  # no resolvers: would answer nulls
    with federation(accounts, broken, reviews, plugins=[Answering()]) as url:
        body = post_graphql(url, "{ topProducts { name } }").json()
    assert body == {"data": {"topProducts": [{"name": "From a plugin"}]}}


class Failing:
    """A ``SubgraphClient`` that fails every fetch to ``reviews``."""

    def __init__(self, inner: SubgraphClient) -> None:
        self.inner = inner

    async def fetch(self, request: SubgraphRequest) -> dict[str, Any]:
        if request.subgraph == "reviews":
            raise SubgraphFetchError("reviews", "closed for lunch", "SUBREQUEST_HTTP_ERROR")
        return await self.inner.fetch(request)

    async def close(self) -> None:
        await self.inner.close()


class Wrapping(Plugin):
    def wrap_subgraph_client(self, client: SubgraphClient) -> SubgraphClient:
        return Failing(client)


def test_the_subgraph_client_can_be_wrapped_and_hooks_see_its_failures() -> None:
    recorder = Recorder()
    with federation(accounts, products, reviews, plugins=[recorder, Wrapping()]) as url:
        body = post_graphql(url, "{ topProducts { name reviews { body } } }").json()
    # ``reviews: [Review!]!``: its null propagates to each product (a nullable list item).
    assert body["data"]["topProducts"] == [None, None, None]
    assert body["errors"][0]["message"] == "HTTP fetch failed from 'reviews': closed for lunch"
    assert "subgraph response reviews HTTP fetch failed from 'reviews': closed for lunch" in (
        recorder.calls
    )


def _documented_example() -> types.ModuleType:
    text = DOCS.read_text()
    section = text[text.index("## An example") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    module = types.ModuleType("request_ids")
    exec(compile(code.group(1), str(DOCS), "exec"), module.__dict__)
    return module


def test_the_documented_example_plugin_works() -> None:
    module = _documented_example()
    seen: list[str | None] = []

    def remember(_root: Any, info: Any) -> dict[str, Any]:
        seen.append(info.context["headers"].get("x-request-id"))
        return {"id": "1", "name": "Ada Lovelace"}

    recording = Subgraph("accounts", accounts.sdl)
    recording.field("Query", "me")(remember)
    with federation(recording, products, reviews, plugins=[module.RequestIds()]) as url:
        given = post_graphql(url, "{ me { name } }", headers={"x-request-id": "abc-123"})
        made = post_graphql(url, "{ me { name } }")
    assert given.headers["x-request-id"] == "abc-123"
    assert given.json() == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    assert seen == ["abc-123", made.headers["x-request-id"]]


def test_plugins_load_from_their_import_path(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _documented_example()
    module.not_a_plugin = lambda: "not a plugin"
    monkeypatch.setitem(sys.modules, "request_ids", module)
    sdl = supergraph_of(accounts, products, reviews)
    gateway = Gateway(sdl, GatewayConfig(plugins=("request_ids:RequestIds",)))
    names = [p.name for p in gateway.pipeline.plugins]
    assert names == [
        "metrics",
        "csrf",
        "limits",
        "apq",
        "authorization",
        "degraded",
        "subgraph_dedup",
        "retries",
        "subgraphs",
        "request_ids",
    ]
    for spec, reason in [
        ("request_ids", "expected 'package.module:Name'"),
        ("no_such_module_here:X", "cannot import no_such_module_here"),
        ("request_ids:Missing", "has no callable 'Missing'"),
        ("request_ids:not_a_plugin", "is not a hansa.pipeline.Plugin"),
    ]:
        with pytest.raises(ValueError, match=re.escape(reason)):
            Gateway(sdl, GatewayConfig(plugins=(spec,)))


def test_plugins_from_hansa_toml(tmp_path: Path) -> None:
    from tests.support.cli import first_answer, start_gateway

    text = DOCS.read_text()
    section = text[text.index("## An example") :]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    (tmp_path / "request_ids.py").write_text(code.group(1))
    (tmp_path / "supergraph.graphql").write_text(supergraph_of(accounts, products, reviews))
    (tmp_path / "hansa.toml").write_text(
        '[gateway]\nsupergraph = "supergraph.graphql"\nplugins = ["request_ids:RequestIds"]\n'
    )
    process, url = start_gateway("--config", str(tmp_path / "hansa.toml"), cwd="/")
    try:
        first_answer(url, "{ __typename }")
        answer = post_graphql(url, "{ __typename }", headers={"x-request-id": "r1"})
        assert answer.headers["x-request-id"] == "r1"
    finally:
        process.terminate()
        process.wait(10)
