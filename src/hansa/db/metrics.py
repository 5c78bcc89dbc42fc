"""Prometheus metrics of a database subgraph (``GET /metrics`` beside its ``/graphql``):
statements, their time and the rows they read, per database, and its connection pools.

Statements are counted by a ``QueryObserver`` (``observe``, called by the drivers after every
statement the subgraph runs, failed ones too; never the drivers' own ``BEGIN``/``COMMIT``/
``set_config``). Pool figures are read from the drivers when Prometheus scrapes, so they cost
nothing per request. Label values are the ``[databases.NAME]`` names: bounded by the
configuration.

A subgraph the gateway hosts in its own process keeps its figures too (``DatabaseSubgraph.
metrics``), but only a subgraph served over HTTP answers ``/metrics`` with them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from hansa.db.drivers.base import Driver
from hansa.plugins.metrics import LATENCY_BUCKETS

# A database's driver, or its shards' drivers.
Drivers = Driver | Sequence[Driver]

# Prometheus' text format, the version every scraper reads (what ``generate_latest`` writes).
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class DbMetrics:
    """One subgraph's database metrics, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.duration = Histogram(
            "hansa_db_query_duration_seconds",
            "Time of each SQL statement, by database.",
            ["database"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.queries = Counter(
            "hansa_db_queries",
            "SQL statements run, by database and whether a replica ran them.",
            ["database", "replica"],
            registry=registry,
        )
        self.rows = Counter(
            "hansa_db_rows_read",
            "Rows the statements returned (or changed, for writes), by database.",
            ["database"],
            registry=registry,
        )
        # Labelled children, looked up once: ``labels()`` takes a lock and builds a key.
        self._durations: dict[str, Any] = {}
        self._queries: dict[tuple[str, bool], Any] = {}
        self._rows: dict[str, Any] = {}
        self._drivers: Callable[[], Mapping[str, Drivers]] | None = None
        registry.register(_Pools(self))

    def observe(self, database: str, seconds: float, rows: int, replica: bool) -> None:
        """A ``QueryObserver``: one statement, its time and its rows."""
        duration = self._durations.get(database)
        if duration is None:
            duration = self._durations[database] = self.duration.labels(database)
            self._rows[database] = self.rows.labels(database)
        queries = self._queries.get((database, replica))
        if queries is None:
            queries = self._queries[(database, replica)] = self.queries.labels(
                database, "true" if replica else "false"
            )
        duration.observe(seconds)
        queries.inc()
        if rows:
            self._rows[database].inc(rows)

    def bind(self, drivers: Mapping[str, Drivers] | Callable[[], Mapping[str, Drivers]]) -> None:
        """Where the pool gauges come from at scrape time: the open drivers by database (a
        mapping the subgraph fills when it starts, or a function that returns it); a sharded
        database's drivers, one per shard, are added up."""
        self._drivers = drivers if callable(drivers) else (lambda: drivers)

    def exposition(self) -> bytes:
        """Everything, in Prometheus' text format (``METRICS_CONTENT_TYPE``)."""
        return generate_latest(self.registry)


class _Pools(Collector):
    """The drivers' pools, read when Prometheus scrapes."""

    def __init__(self, metrics: DbMetrics) -> None:
        self.metrics = metrics

    def collect(self) -> Iterator[Metric]:
        size = GaugeMetricFamily(
            "hansa_db_pool_size",
            "Connections open, by database (primary, replicas and tenants' pools together).",
            labels=["database"],
        )
        in_use = GaugeMetricFamily(
            "hansa_db_pool_in_use",
            "Connections handed out to a statement or transaction, by database.",
            labels=["database"],
        )
        provider = self.metrics._drivers
        drivers = provider() if provider is not None else {}
        for name, driver in sorted(drivers.items()):
            opened = used = 0
            for each in [driver] if isinstance(driver, Driver) else driver:
                pool = each.pool_stats()
                opened, used = opened + pool[0], used + pool[1]
            size.add_metric([name], opened)
            in_use.add_metric([name], used)
        yield from (size, in_use)
