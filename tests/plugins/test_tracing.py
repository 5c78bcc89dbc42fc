"""Traces over OTLP/HTTP to an in-process collector: the span tree of one request (its parent
taken from the client's ``traceparent``), and the ``traceparent`` each subgraph receives
naming its fetch span."""

from __future__ import annotations

import time
from typing import Any

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from hansa.demo import accounts, products, reviews
from hansa.http.asgi import Receive, Scope, Send, read_body, send_response
from hansa.http.serve import serving
from hansa.plugins.tracing import TracingPolicy
from hansa.subgraph import Subgraph
from tests.support.federation import federation
from tests.support.http import post_graphql

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_SPAN = "00f067aa0ba902b7"


class Collector:
    """Accepts OTLP/HTTP trace exports (protobuf) and keeps every span."""

    def __init__(self) -> None:
        self.spans: list[Any] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = await read_body(receive, 64 * 1024 * 1024)
        request = ExportTraceServiceRequest()
        request.ParseFromString(body)
        for resource in request.resource_spans:
            for scoped in resource.scope_spans:
                self.spans.extend(scoped.spans)
        await send_response(send, 200, b"", "application/x-protobuf")


class Recording:
    """A subgraph app that remembers the ``traceparent`` of each request."""

    def __init__(self, subgraph: Subgraph, seen: list[str]) -> None:
        self.app, self.seen = subgraph.asgi_app(), seen

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = dict(scope["headers"])
            self.seen.append(headers.get(b"traceparent", b"").decode())
        await self.app(scope, receive, send)


def test_a_request_becomes_a_span_tree_under_the_clients_trace() -> None:
    collector = Collector()
    seen: list[str] = []
    apps = {s.name: Recording(s, seen) for s in (accounts, products, reviews)}
    with serving(collector) as (endpoint,):
        policy = TracingPolicy(endpoint, export_delay_ms=50)
        with federation(accounts, products, reviews, apps=apps, tracing=policy) as url:
            answer = post_graphql(
                url,
                "query Top { topProducts { name reviews { body } } }",
                headers={"traceparent": f"00-{TRACE_ID}-{CLIENT_SPAN}-01"},
            )
        deadline = time.monotonic() + 10
        while len(collector.spans) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "errors" not in answer.json()
    spans = {s.name: s for s in collector.spans}
    by_id = {s.span_id.hex(): s for s in collector.spans}
    request = spans["graphql.request"]
    assert request.trace_id.hex() == TRACE_ID
    assert request.parent_span_id.hex() == CLIENT_SPAN
    for name in ("graphql.validate", "graphql.plan"):
        assert spans[name].parent_span_id == request.span_id, name
    fetches = [s for s in collector.spans if s.name == "subgraph.fetch"]
    assert len(fetches) == 2  # products, then reviews' entities
    assert all(f.parent_span_id == request.span_id for f in fetches)
    attributes = [{a.key: a.value for a in f.attributes} for f in fetches]
    subgraphs = sorted(a["hansa.subgraph"].string_value for a in attributes)
    assert subgraphs == ["products", "reviews"]
    entities = [a["hansa.entities"].int_value for a in attributes if "hansa.entities" in a]
    assert entities == [len(answer.json()["data"]["topProducts"])]
    # Each subgraph received the trace, with its fetch span as the parent.
    assert len(seen) == 2
    for traceparent in seen:
        _, trace_id, parent, flags = traceparent.split("-")
        assert trace_id == TRACE_ID and flags == "01"
        assert by_id[parent].name == "subgraph.fetch"
    request_attributes = {a.key: a.value for a in request.attributes}
    assert request_attributes["graphql.operation.name"].string_value == "Top"
    assert request_attributes["http.response.status_code"].int_value == 200


def test_sampling_zero_records_nothing_new() -> None:
    collector = Collector()
    with serving(collector) as (endpoint,):
        policy = TracingPolicy(endpoint, sampling=0.0, export_delay_ms=50)
        with federation(accounts, products, reviews, tracing=policy) as url:
            post_graphql(url, "{ me { name } }")
        time.sleep(0.3)
    assert collector.spans == []
