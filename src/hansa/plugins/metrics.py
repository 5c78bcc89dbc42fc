"""Prometheus metrics (``GET /metrics``): requests, operations, every error code, each
subgraph fetch, the caches, circuit breakers, retries and rate limits, and the process.

Counters that the pipeline sees happen are updated in the hooks; figures other parts keep
(cache hits, breaker states, retries) are read when Prometheus scrapes, from the gateway that is
serving then (a reload swaps it), so nothing is counted twice and nothing costs per request.
Label values stay bounded: operation names beyond ``MAX_OPERATION_NAMES`` distinct ones are
``other``, codes beyond ``MAX_CODES`` too; subgraph names come from the supergraph.

With ``--workers N`` each worker process answers ``/metrics`` for itself; scrape each worker
(or run one worker per container), as with any pre-fork server.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from hansa.pipeline.context import (
    GatewayResponse,
    RequestContext,
    SubgraphRequest,
    SubgraphResponse,
)
from hansa.pipeline.plugin import Plugin
from hansa.supergraph import Supergraph

if TYPE_CHECKING:
    from hansa.gateway.gateway import Gateway

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
MAX_OPERATION_NAMES = 200
MAX_CODES = 200
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
ENTITY_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
BREAKER_STATES = {"closed": 0, "half_open": 1, "half-open": 1, "open": 2}


class _Bounded:
    """A label's values, at most ``limit`` distinct; the rest are ``other``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.seen: set[str] = set()

    def __call__(self, value: str) -> str:
        if value in self.seen:
            return value
        if len(self.seen) >= self.limit:
            return "other"
        self.seen.add(value)
        return value


class Metrics(Plugin):
    name = "metrics"

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.requests = Counter(
            "hansa_http_requests",
            "GraphQL requests answered, by HTTP status.",
            ["status"],
            registry=registry,
        )
        self.compositions = Counter(
            "hansa_composition_requests",
            "GraphQL requests by the registry composition that served them (canary rollouts).",
            ["composition"],
            registry=registry,
        )
        self.duration = Histogram(
            "hansa_operation_duration_seconds",
            "Time from receiving a request to its answer, by operation name and kind.",
            ["operation", "kind"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.errors = Counter(
            "hansa_graphql_errors",
            "Errors in responses, by extensions.code (the gateway's and subgraphs').",
            ["code"],
            registry=registry,
        )
        self.fetch_latency = Histogram(
            "hansa_federation_latency_seconds",
            "Time of each subgraph fetch, by subgraph.",
            ["subgraph"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.fetch_errors = Counter(
            "hansa_federation_errors",
            "Failed subgraph fetches (timeout, http, malformed, circuit_open) and fetches"
            " answered with GraphQL errors (graphql), by subgraph.",
            ["subgraph", "reason"],
            registry=registry,
        )
        self.in_flight = Gauge(
            "hansa_federation_in_flight",
            "Subgraph fetches in flight.",
            ["subgraph"],
            registry=registry,
        )
        self.entities = Histogram(
            "hansa_federation_entities_per_fetch",
            "Representations sent per entity fetch, by subgraph.",
            ["subgraph"],
            buckets=ENTITY_BUCKETS,
            registry=registry,
        )
        self.cost = Histogram(
            "hansa_operation_cost",
            "Estimated cost of operations (demand control).",
            buckets=(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000),
            registry=registry,
        )
        self.loop_lag = Gauge(
            "hansa_event_loop_lag_seconds",
            "How late the event loop ran a timer, last measured (every 0.5 s).",
            registry=registry,
        )
        self.supergraph = Gauge(
            "hansa_supergraph_info",
            "The supergraph being served (1), with its version (a digest of its SDL).",
            ["version"],
            registry=registry,
        )
        self.reloaded = Gauge(
            "hansa_supergraph_loaded_timestamp_seconds",
            "When the supergraph being served was loaded.",
            registry=registry,
        )
        ProcessCollector(registry=registry)  # RSS, CPU, open files (Linux)
        self._operations = _Bounded(MAX_OPERATION_NAMES)
        self._codes = _Bounded(MAX_CODES)
        # Labelled children, looked up once: ``labels()`` takes a lock and builds a key.
        self._children: dict[tuple[Any, ...], Any] = {}
        self._gateway: Callable[[], Gateway] | None = None
        self._lag_task: asyncio.Task[None] | None = None
        registry.register(_Figures(self))

    def _child(self, metric: Any, *labels: str) -> Any:
        key = (id(metric), *labels)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = metric.labels(*labels)
        return child

    def bind(self, gateway: Callable[[], Gateway]) -> None:
        """Where scrape-time figures come from: the gateway serving at that moment."""
        self._gateway = gateway

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    # -- hooks ------------------------------------------------------------------------------

    def on_supergraph(self, supergraph: Supergraph) -> None:
        import hashlib

        version = hashlib.blake2b(supergraph.sdl.encode(), digest_size=8).hexdigest()
        self.supergraph.clear()
        self.supergraph.labels(version).set(1)
        self.reloaded.set(time.time())

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        self._child(self.in_flight, request.subgraph).inc()
        count = request.entity_count()
        if count is not None:
            self._child(self.entities, request.subgraph).observe(count)
        return None

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        subgraph = request.subgraph
        self._child(self.in_flight, subgraph).dec()
        self._child(self.fetch_latency, subgraph).observe(response.seconds)
        if response.failure is not None:
            self._child(self.fetch_errors, subgraph, response.failure.kind).inc()
        elif response.body is not None and response.body.get("errors"):
            self._child(self.fetch_errors, subgraph, "graphql").inc()

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        self._child(self.requests, str(response.status)).inc()
        if context.composition is not None:
            self._child(self.compositions, context.composition).inc()
        operation = context.operation
        name = operation.name if operation is not None else None
        kind = operation.kind if operation is not None else "none"
        label = self._operations(name) if name else "anonymous"
        self._child(self.duration, label, kind).observe(time.perf_counter() - context.started)
        errors = response.body.get("errors")
        if errors:
            for error in errors:
                extensions = error.get("extensions") if isinstance(error, dict) else None
                code = extensions.get("code") if isinstance(extensions, dict) else None
                self._child(self.errors, self._codes(str(code)) if code else "none").inc()
        cost = context.state.get("cost.estimated")
        if cost is not None and isinstance(cost, int | float):
            self.cost.observe(cost)

    def observe_refusal(self, status: int, code: str) -> None:
        """A request the HTTP layer refused before the pipeline saw it."""
        self._child(self.requests, str(status)).inc()
        self._child(self.errors, self._codes(code)).inc()

    async def start(self) -> None:
        if self._lag_task is None:
            self._lag_task = asyncio.create_task(self._measure_lag())

    async def _measure_lag(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.5)
            self.loop_lag.set(max(0.0, time.monotonic() - before - 0.5))

    async def close(self) -> None:
        if self._lag_task is not None:
            self._lag_task.cancel()


class _Figures(Collector):
    """What other parts of the gateway count, read at scrape time."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        provider = self.metrics._gateway
        if provider is None:
            return
        gateway = provider()
        hits = CounterMetricFamily("hansa_cache_hits", "Cache hits, by cache.", labels=["cache"])
        misses = CounterMetricFamily(
            "hansa_cache_misses", "Cache misses, by cache.", labels=["cache"]
        )
        size = GaugeMetricFamily(
            "hansa_cache_entries", "Entries held, by cache (this process).", labels=["cache"]
        )
        planner = gateway.planner
        hits.add_metric(["plan"], planner.hits)
        misses.add_metric(["plan"], planner.misses)
        size.add_metric(["plan"], len(planner))
        breakers = GaugeMetricFamily(
            "hansa_circuit_breaker_state",
            "Each subgraph's circuit breaker: 0 closed, 1 half-open, 2 open.",
            labels=["subgraph"],
        )
        retries = CounterMetricFamily("hansa_federation_retries", "Subgraph fetches retried.")
        refused = CounterMetricFamily(
            "hansa_rate_limit_refused", "Requests refused by the rate limit."
        )
        failures = CounterMetricFamily(
            "hansa_cache_store_failures",
            "Operations on the shared cache store (Redis) that failed and were answered as misses.",
        )
        stores: list[Any] = []
        for plugin in gateway.pipeline.plugins:
            counters = getattr(plugin, "counters", None)
            if plugin.name in ("entity_cache", "response_cache") and counters is not None:
                cache = plugin.name.removesuffix("_cache")
                hits.add_metric([cache], counters.hits)
                misses.add_metric([cache], counters.misses)
                store = getattr(plugin, "store", None)
                if store is not None and not any(store is s for s in stores):
                    stores.append(store)  # the caches share one store
                    if hasattr(store, "__len__"):
                        size.add_metric(["store"], len(store))
                    failures.add_metric([], getattr(store, "failures", 0))
            elif plugin.name == "circuit_breakers":
                for name, detail in (plugin.health() or {}).items():
                    state = detail.get("state") if isinstance(detail, dict) else None
                    breakers.add_metric([name], BREAKER_STATES.get(str(state), 0))
            elif plugin.name == "retries":
                retries.add_metric([], getattr(plugin, "retried", 0))
            elif plugin.name == "rate_limit":
                refused.add_metric([], getattr(plugin, "refused", 0))
        yield from (hits, misses, size, failures, breakers, retries, refused)
