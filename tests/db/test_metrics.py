"""``GET /metrics`` of a database subgraph served over HTTP: after known queries, the
statement, row and duration figures are what the drivers' observers saw, and the pool gauges
are the driver's pool."""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from hansa.db.app import DatabaseSubgraph
from hansa.db.drivers.base import DatabaseSettings, Driver, Row, Transaction
from hansa.db.metrics import DbMetrics
from hansa.http.serve import serving
from tests.support.http import post_graphql, request

NOTES = 7
POOL_MAX = 3


@dataclass
class Served:
    url: str
    statements: Counter[str]
    subgraph: DatabaseSubgraph


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    path = tmp_path / "notes.db"
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT NOT NULL, words INTEGER)"
        )
        db.executemany(
            "INSERT INTO notes VALUES (?, ?, ?)", [(i, f"note {i}", i * 10) for i in range(NOTES)]
        )
    statements: Counter[str] = Counter()
    settings = [DatabaseSettings("notes", "sqlite", f"sqlite:///{path}", pool_max=POOL_MAX)]
    subgraph = DatabaseSubgraph.from_module(
        "tests.db.metrics_app",
        settings,
        name="notes",
        observers=[lambda database, _s, _r, _replica: statements.update([database])],
    )
    with serving(subgraph.asgi_app()) as (url,):
        yield Served(url, statements, subgraph)


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of ``GET /metrics``, by name and sorted labels."""
    answer = request(f"{url}/metrics", method="GET")
    assert answer.status == 200
    assert answer.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(answer.body.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def test_metrics_count_the_statements_the_observers_saw(served: Served) -> None:
    for limit in (NOTES, 3):
        answer = post_graphql(
            f"{served.url}/graphql", f"{{ notes(limit: {limit}) {{ id title words }} }}"
        ).json()
        assert "errors" not in answer, answer
        assert len(answer["data"]["notes"]) == min(limit, NOTES)
    statements = served.statements["notes"]
    assert statements == 2  # one per list query (SQLite: no statement to learn column types)

    samples = scrape(served.url)
    notes = (("database", "notes"),)
    assert samples[("hansa_db_queries_total", (("database", "notes"), ("replica", "false")))] == (
        statements
    )
    assert ("hansa_db_queries_total", (("database", "notes"), ("replica", "true"))) not in samples
    assert samples[("hansa_db_query_duration_seconds_count", notes)] == statements
    assert samples[("hansa_db_query_duration_seconds_sum", notes)] > 0
    assert samples[("hansa_db_query_duration_seconds_bucket", (*notes, ("le", "+Inf")))] == (
        statements
    )
    assert samples[("hansa_db_rows_read_total", notes)] == NOTES + 3
    # Between requests no connection is in use; the writer and at least one reader are open.
    assert samples[("hansa_db_pool_in_use", notes)] == 0
    assert 2 <= samples[("hansa_db_pool_size", notes)] <= POOL_MAX + 1

    before = statements
    post_graphql(f"{served.url}/graphql", "{ notes(limit: 1) { id } }")
    assert served.statements["notes"] == before + 1
    after = scrape(served.url)
    assert after[("hansa_db_queries_total", (("database", "notes"), ("replica", "false")))] == (
        before + 1
    )
    assert (
        after[("hansa_db_rows_read_total", notes)]
        == samples[("hansa_db_rows_read_total", notes)] + 1
    )


def test_rows_read_are_the_rows_answered(served: Served) -> None:
    # SQLite learns no column types: no statement before the first request, no series yet.
    start = scrape(served.url).get(("hansa_db_rows_read_total", (("database", "notes"),)), 0.0)
    post_graphql(f"{served.url}/graphql", "{ notes(limit: 5) { id } }")
    post_graphql(f"{served.url}/graphql", "{ notes(limit: 2) { id } }")
    end = scrape(served.url)[("hansa_db_rows_read_total", (("database", "notes"),))]
    assert end - start == 7


def test_the_pool_gauges_follow_the_drivers(served: Served) -> None:
    """Read at scrape time from the open drivers: none before the subgraph starts, the pool
    while it runs."""
    assert served.subgraph.metrics is not None
    idle = DatabaseSubgraph.from_module(
        "tests.db.metrics_app", list(served.subgraph.database_settings.values())
    )
    assert idle.metrics is not None
    assert b"hansa_db_pool_size{" not in idle.metrics.exposition()
    text = served.subgraph.metrics.exposition().decode()
    assert 'hansa_db_pool_size{database="notes"}' in text
    assert 'hansa_db_pool_in_use{database="notes"} 0.0' in text


def test_metrics_can_be_turned_off(tmp_path: Path) -> None:
    settings = [DatabaseSettings("notes", "sqlite", "sqlite://:memory:")]
    subgraph = DatabaseSubgraph.from_module("tests.db.metrics_app", settings)
    quiet = DatabaseSubgraph(subgraph.model, settings, metrics=False)
    assert quiet.metrics is None and quiet.observers == []
    with serving(quiet.asgi_app()) as (url,):
        assert request(f"{url}/metrics", method="GET").status == 404


class _Pooled(Driver):
    """A driver that only reports its pool."""

    dialect = "sqlite"

    def __init__(self, size: int, in_use: int) -> None:
        self.stats = (size, in_use)
        self.observers = []

    def pool_stats(self) -> tuple[int, int]:
        return self.stats

    async def fetch(
        self,
        sql: str,
        params: Sequence[Any] = (),
        *,
        primary: bool = False,
        tenant: str | None = None,
    ) -> list[Row]:
        raise NotImplementedError

    def transaction(self, *, tenant: str | None = None) -> AbstractAsyncContextManager[Transaction]:
        raise NotImplementedError

    async def close(self) -> None:
        return None


def test_a_sharded_databases_pools_are_added_up() -> None:
    metrics = DbMetrics()
    metrics.bind({"one": _Pooled(4, 1), "sharded": [_Pooled(3, 2), _Pooled(5, 0)]})
    metrics.observe("one", 0.002, 10, True)
    text = metrics.exposition().decode()
    assert 'hansa_db_pool_size{database="one"} 4.0' in text
    assert 'hansa_db_pool_in_use{database="one"} 1.0' in text
    assert 'hansa_db_pool_size{database="sharded"} 8.0' in text
    assert 'hansa_db_pool_in_use{database="sharded"} 2.0' in text
    assert 'hansa_db_queries_total{database="one",replica="true"} 1.0' in text
    assert 'hansa_db_rows_read_total{database="one"} 10.0' in text
    assert 'hansa_db_query_duration_seconds_bucket{database="one",le="0.0025"} 1.0' in text
