"""OpenTelemetry traces (``[telemetry] otlp_endpoint``): a span per request, its validation and
planning, and one per subgraph fetch, exported over OTLP/HTTP (protobuf); W3C ``traceparent``
accepted from clients and sent to subgraphs.

Spans are recorded as plain tuples by the pipeline's hooks and encoded once per export period
with the OTLP protobuf messages of ``opentelemetry-proto``, off the event loop. The
OpenTelemetry SDK did the same work through its tracer, span and batch-processor objects at a
measured 22% of the heavy query's CPU (``docs/performance.md``); what a span needs here is ids,
times, a name and a few attributes.

The children of the request span get their times from the hooks around each stage:
``graphql.validate`` runs from the request's arrival to ``on_operation``, ``graphql.plan`` from
there to ``on_plan``. Sampling follows a client's sampled flag and samples ``sampling`` of new
traces; an unsampled request records nothing but still passes its trace on. With tracing on,
every fetch carries its own ``traceparent``, so identical fetches of different requests are no
longer shared by subgraph deduplication.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import re
import time
from dataclasses import dataclass
from typing import Any

from hansa.pipeline.context import (
    GatewayResponse,
    RequestContext,
    SubgraphRequest,
    SubgraphResponse,
)
from hansa.pipeline.plugin import Plugin

log = logging.getLogger("hansa.tracing")

STATE = "tracing.request"
TRACEPARENT = re.compile(r"00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})")
MAX_BUFFERED = 200_000  # finished spans waiting for export; beyond, new ones are dropped
SERVER, CLIENT, INTERNAL = 2, 3, 1  # OTLP SpanKind values


@dataclass(frozen=True)
class TracingPolicy:
    endpoint: str  # OTLP over HTTP, e.g. http://collector:4318 (/v1/traces is added)
    sampling: float = 1.0  # share of new traces recorded
    service_name: str = "hansa-gateway"
    export_delay_ms: int = 1000  # how often finished spans are sent


class _Trace:
    """One request's trace: its ids, and the fetch spans still open."""

    __slots__ = ("fetches", "parent_id", "sampled", "span_id", "stage", "start", "trace_id")

    def __init__(self, trace_id: int, parent_id: int, sampled: bool) -> None:
        self.trace_id = trace_id
        self.span_id = random.getrandbits(64) or 1
        self.parent_id = parent_id
        self.sampled = sampled
        self.start = self.stage = time.time_ns()
        self.fetches: dict[int, tuple[int, int]] = {}  # id(request) -> (span id, start)


class Tracing(Plugin):
    name = "tracing"

    def __init__(self, policy: TracingPolicy) -> None:
        endpoint = policy.endpoint.rstrip("/")
        self.endpoint = endpoint if endpoint.endswith("/v1/traces") else endpoint + "/v1/traces"
        self.policy = policy
        # (trace, span, parent, name, kind, start, end, attributes, error)
        self.finished: list[tuple[Any, ...]] = []
        self.dropped = 0
        self.exported = 0
        self._task: asyncio.Task[None] | None = None
        self._session: Any = None
        self._failing = False

    # -- recording --------------------------------------------------------------------------

    def _record(self, span: tuple[Any, ...]) -> None:
        if len(self.finished) < MAX_BUFFERED:
            self.finished.append(span)
        else:
            self.dropped += 1

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        sent = context.headers.get("traceparent")
        found = TRACEPARENT.fullmatch(sent) if sent else None
        if found is not None and int(found.group(1), 16) and int(found.group(2), 16):
            trace = _Trace(
                int(found.group(1), 16), int(found.group(2), 16), bool(int(found.group(3), 16) & 1)
            )
        else:
            sampled = self.policy.sampling >= 1 or random.random() < self.policy.sampling
            trace = _Trace(random.getrandbits(128) or 1, 0, sampled)
        context.state[STATE] = trace
        return None

    def _stage(self, context: RequestContext, name: str) -> None:
        trace: _Trace | None = context.state.get(STATE)
        if trace is None or not trace.sampled:
            return
        now = time.time_ns()
        span = random.getrandbits(64) or 1
        self._record(
            (trace.trace_id, span, trace.span_id, name, INTERNAL, trace.stage, now, None, None)
        )
        trace.stage = now

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        self._stage(context, "graphql.validate")
        return None

    async def on_plan(self, context: RequestContext, plan: Any) -> Any:
        self._stage(context, "graphql.plan")
        return None

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        context = request.context
        trace: _Trace | None = context.state.get(STATE) if context is not None else None
        if trace is None:
            return None
        span = random.getrandbits(64) or 1
        flags = "01" if trace.sampled else "00"
        # The fetch's own traceparent: the subgraph's spans become its children.
        request.headers["traceparent"] = f"00-{trace.trace_id:032x}-{span:016x}-{flags}"
        if trace.sampled:
            trace.fetches[id(request)] = (span, time.time_ns())
        return None

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        context = request.context
        trace: _Trace | None = context.state.get(STATE) if context is not None else None
        if trace is None or not trace.sampled:
            return
        opened = trace.fetches.pop(id(request), None)
        if opened is None:
            return
        attributes: dict[str, Any] = {"hansa.subgraph": request.subgraph}
        count = request.entity_count()
        if count is not None:
            attributes["hansa.entities"] = count
        error = None
        if response.failure is not None:
            attributes["hansa.failure"] = response.failure.kind
            error = str(response.failure)
        elif response.body is not None and response.body.get("errors"):
            attributes["hansa.graphql_errors"] = len(response.body["errors"])
        span, start = opened
        self._record(
            (
                trace.trace_id,
                span,
                trace.span_id,
                "subgraph.fetch",
                CLIENT,
                start,
                time.time_ns(),
                attributes,
                error,
            )
        )

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        trace: _Trace | None = context.state.pop(STATE, None)
        if trace is None or not trace.sampled:
            return
        attributes: dict[str, Any] = {
            "hansa.request_id": context.request_id,
            "http.response.status_code": response.status,
        }
        if context.method:
            attributes["http.request.method"] = context.method
        operation = context.operation
        if operation is not None:
            attributes["graphql.operation.type"] = operation.kind
            if operation.name:
                attributes["graphql.operation.name"] = operation.name
        codes = response.error_codes()
        if codes:
            attributes["graphql.error.codes"] = codes
        error = "" if response.status >= 500 else None
        self._record(
            (
                trace.trace_id,
                trace.span_id,
                trace.parent_id,
                "graphql.request",
                SERVER,
                trace.start,
                time.time_ns(),
                attributes,
                error,
            )
        )

    # -- export -----------------------------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._exporting())

    async def _exporting(self) -> None:
        while True:
            await asyncio.sleep(self.policy.export_delay_ms / 1000)
            await self.export()

    async def export(self) -> None:
        """Send what finished since the last export, in one request."""
        spans, self.finished = self.finished, []
        if not spans:
            return
        import aiohttp

        body = await asyncio.to_thread(encode, spans, self.policy.service_name)
        if self._session is None:
            self._session = aiohttp.ClientSession()
        try:
            async with self._session.post(
                self.endpoint,
                data=body,
                headers={"content-type": "application/x-protobuf"},
                timeout=aiohttp.ClientTimeout(total=10),
            ) as answer:
                ok = 200 <= answer.status < 300
                reason = f"HTTP {answer.status}"
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            ok, reason = False, type(error).__name__
        if ok:
            self.exported += len(spans)
            self._failing = False
        elif not self._failing:
            self._failing = True  # logged once per outage; those spans are dropped
            log.warning("cannot export traces to %s: %s", self.endpoint, reason)

    def health(self) -> dict[str, Any] | None:
        return {"exported": self.exported, "dropped": self.dropped, "failing": self._failing}

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.export()  # what is still buffered
        if self._session is not None:
            await self._session.close()


def encode(spans: list[tuple[Any, ...]], service_name: str) -> bytes:
    """An OTLP ``ExportTraceServiceRequest`` holding ``spans``, serialized."""
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
        ExportTraceServiceRequest,
    )
    from opentelemetry.proto.common.v1.common_pb2 import (
        AnyValue,
        ArrayValue,
        InstrumentationScope,
        KeyValue,
    )
    from opentelemetry.proto.resource.v1.resource_pb2 import Resource
    from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

    def value(v: Any) -> AnyValue:
        if isinstance(v, bool):
            return AnyValue(bool_value=v)
        if isinstance(v, int):
            return AnyValue(int_value=v)
        if isinstance(v, list):
            return AnyValue(array_value=ArrayValue(values=[value(x) for x in v]))
        return AnyValue(string_value=str(v))

    encoded = []
    for trace_id, span_id, parent, name, kind, start, end, attributes, error in spans:
        span = Span(
            trace_id=trace_id.to_bytes(16, "big"),
            span_id=span_id.to_bytes(8, "big"),
            parent_span_id=parent.to_bytes(8, "big") if parent else b"",
            name=name,
            kind=kind,
            start_time_unix_nano=start,
            end_time_unix_nano=end,
            attributes=[KeyValue(key=k, value=value(v)) for k, v in (attributes or {}).items()],
        )
        if error is not None:
            span.status.CopyFrom(Status(code=Status.STATUS_CODE_ERROR, message=error))
        encoded.append(span)
    resource = Resource(
        attributes=[KeyValue(key="service.name", value=AnyValue(string_value=service_name))]
    )
    request = ExportTraceServiceRequest(
        resource_spans=[
            ResourceSpans(
                resource=resource,
                scope_spans=[ScopeSpans(scope=InstrumentationScope(name="hansa"), spans=encoded)],
            )
        ]
    )
    return bytes(request.SerializeToString())
