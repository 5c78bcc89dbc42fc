"""OpenTelemetry traces (``[telemetry] otlp_endpoint``): a span per request, its validation and
planning, and one per subgraph fetch, exported over OTLP/HTTP; W3C ``traceparent`` accepted
from clients and sent to subgraphs.

Spans are opened and closed from the pipeline's hooks, so the request span's children get
their times from the hooks around each stage: ``graphql.validate`` runs from the request's
arrival to ``on_operation``, ``graphql.plan`` from there to ``on_plan``. The sampler follows a
sampled parent and samples ``sampling`` of new traces; an unsampled request records nothing.
With tracing on, every fetch carries its own ``traceparent``, so identical fetches of different
requests are no longer shared by subgraph deduplication.

The OpenTelemetry SDK is imported only when tracing is configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hansa.pipeline.context import (
    GatewayResponse,
    RequestContext,
    SubgraphRequest,
    SubgraphResponse,
)
from hansa.pipeline.plugin import Plugin

SPAN = "tracing.span"
STAGE = "tracing.stage_started"
FETCH = "tracing.fetch"


@dataclass(frozen=True)
class TracingPolicy:
    endpoint: str  # OTLP over HTTP, e.g. http://collector:4318 (/v1/traces is added)
    sampling: float = 1.0  # share of new traces recorded
    service_name: str = "hansa-gateway"
    export_delay_ms: int = 1000  # how often batches of finished spans are sent


class Tracing(Plugin):
    name = "tracing"

    def __init__(self, policy: TracingPolicy) -> None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
        from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

        endpoint = policy.endpoint.rstrip("/")
        if not endpoint.endswith("/v1/traces"):
            endpoint += "/v1/traces"
        self.provider = TracerProvider(
            resource=Resource.create({"service.name": policy.service_name}),
            sampler=ParentBased(TraceIdRatioBased(policy.sampling)),
        )
        self.provider.add_span_processor(
            BatchSpanProcessor(
                OTLPSpanExporter(endpoint=endpoint, timeout=5),
                schedule_delay_millis=policy.export_delay_ms,
            )
        )
        self.tracer = self.provider.get_tracer("hansa")
        self.propagator = TraceContextTextMapPropagator()

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        from opentelemetry.trace import SpanKind

        parent = self.propagator.extract(context.headers)
        span = self.tracer.start_span("graphql.request", context=parent, kind=SpanKind.SERVER)
        if span.is_recording():
            span.set_attribute("hansa.request_id", context.request_id)
            if context.method:
                span.set_attribute("http.request.method", context.method)
        context.state[SPAN] = span
        context.state[STAGE] = _now()
        return None

    def _child(self, context: RequestContext, name: str, start: int, end: int) -> None:
        from opentelemetry import trace

        span = context.state.get(SPAN)
        if span is None or not span.is_recording():
            return
        parent = trace.set_span_in_context(span)
        self.tracer.start_span(name, context=parent, start_time=start).end(end_time=end)

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        now = _now()
        self._child(context, "graphql.validate", context.state.get(STAGE, now), now)
        context.state[STAGE] = now
        span = context.state.get(SPAN)
        operation = context.operation
        if span is not None and span.is_recording() and operation is not None:
            span.set_attribute("graphql.operation.type", operation.kind)
            if operation.name:
                span.set_attribute("graphql.operation.name", operation.name)
        return None

    async def on_plan(self, context: RequestContext, plan: Any) -> Any:
        now = _now()
        self._child(context, "graphql.plan", context.state.get(STAGE, now), now)
        return None

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        from opentelemetry import trace
        from opentelemetry.trace import SpanKind

        context = request.context
        if context is None or (span := context.state.get(SPAN)) is None:
            return None
        fetch = self.tracer.start_span(
            "subgraph.fetch", context=trace.set_span_in_context(span), kind=SpanKind.CLIENT
        )
        if fetch.is_recording():
            fetch.set_attribute("hansa.subgraph", request.subgraph)
            variables = request.payload.get("variables")
            representations = variables.get("representations") if variables else None
            if isinstance(representations, list):
                fetch.set_attribute("hansa.entities", len(representations))
        # The fetch's own traceparent: the subgraph's spans become its children.
        self.propagator.inject(request.headers, context=trace.set_span_in_context(fetch))
        _fetch_spans(context)[id(request)] = fetch
        return None

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        from opentelemetry.trace import Status, StatusCode

        if request.context is None:
            return
        fetch = _fetch_spans(request.context).pop(id(request), None)
        if fetch is None:
            return
        if fetch.is_recording():
            if response.failure is not None:
                fetch.set_attribute("hansa.failure", response.failure.kind)
                fetch.set_status(Status(StatusCode.ERROR, str(response.failure)))
            elif response.body is not None and response.body.get("errors"):
                fetch.set_attribute("hansa.graphql_errors", len(response.body["errors"]))
        fetch.end()

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        from opentelemetry.trace import Status, StatusCode

        span = context.state.pop(SPAN, None)
        if span is None:
            return
        if span.is_recording():
            span.set_attribute("http.response.status_code", response.status)
            codes = response.error_codes()
            if codes:
                span.set_attribute("graphql.error.codes", codes)
            if response.status >= 500:
                span.set_status(Status(StatusCode.ERROR))
        span.end()

    async def close(self) -> None:
        self.provider.shutdown()  # flushes what is still queued


def _fetch_spans(context: RequestContext) -> dict[int, Any]:
    spans: dict[int, Any] = context.state.setdefault(FETCH, {})
    return spans


def _now() -> int:
    import time

    return time.time_ns()
