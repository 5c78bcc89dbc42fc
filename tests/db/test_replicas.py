"""Reads from a replica, writes to the primary: a second PostgreSQL database stands in for the
replica and "replicates" only when the test copies rows to it, so its lag is exactly what the
test decides. A session that wrote reads the primary for a while (read-your-writes), and a
field with ``consistency="strong"`` always does."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import pytest

from hansa.db.app import DatabaseSubgraph
from hansa.db.drivers.base import DatabaseSettings
from hansa.db.runtime import DbSettings
from hansa.http.serve import serving
from tests.support.http import post_graphql
from tests.support.services import postgres_database

SCHEMA = """
CREATE TABLE tb_owner (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE tb_item (id integer PRIMARY KEY, name text NOT NULL, owner_id integer NOT NULL);
INSERT INTO tb_item VALUES (1, 'lamp', 7);
"""


async def run(url: str, sql: str) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@dataclass
class Pair:
    url: str
    primary: str
    replica: str


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    with postgres_database() as primary, postgres_database() as replica:
        asyncio.run(run(primary, SCHEMA + "INSERT INTO tb_owner VALUES (7, 'ada');"))
        asyncio.run(run(replica, SCHEMA))  # the owner has not reached the replica yet
        subgraph = DatabaseSubgraph.from_module(
            "tests.db.replica_app",
            [DatabaseSettings("main", "postgresql", primary, replicas=(replica,))],
            DbSettings(read_your_writes_secs=1.0),
            name="items",
        )
        with serving(subgraph.asgi_app()) as (url,):
            yield Pair(f"{url}/graphql", primary, replica)


def ask(pair: Pair, query: str, session: str | None = None) -> Any:
    headers = {} if session is None else {"x-hansa-session": session}
    return post_graphql(pair.url, query, headers=headers).json()


def test_reads_go_to_the_replica_and_writes_to_the_primary(pair: Pair) -> None:
    created = ask(pair, 'mutation { create_item(id: 2, name: "desk", owner_id: 7) { id name } }')
    assert created == {"data": {"create_item": {"id": 2, "name": "desk"}}}
    # Not replicated yet: a read without a session goes to the replica, which lacks it.
    assert ask(pair, "{ item(id: 2) { name } }") == {"data": {"item": None}}
    asyncio.run(run(pair.replica, "INSERT INTO tb_item VALUES (2, 'desk', 7)"))  # replication
    assert ask(pair, "{ item(id: 2) { name } }") == {"data": {"item": {"name": "desk"}}}


def test_a_session_reads_its_own_writes_until_the_replica_can_have_caught_up(pair: Pair) -> None:
    ask(pair, 'mutation { create_item(id: 3, name: "chair", owner_id: 7) { id } }', session="s1")
    assert ask(pair, "{ item(id: 3) { name } }", session="s1") == {
        "data": {"item": {"name": "chair"}}
    }
    assert ask(pair, "{ item(id: 3) { name } }", session="s2") == {"data": {"item": None}}
    assert ask(pair, "{ item(id: 3) { name } }") == {"data": {"item": None}}
    time.sleep(1.2)  # read_your_writes_secs = 1: the session is back on the replica
    assert ask(pair, "{ item(id: 3) { name } }", session="s1") == {"data": {"item": None}}


def test_a_strong_field_reads_the_primary(pair: Pair) -> None:
    # The item comes from the replica; its owner exists only on the primary so far.
    answer = ask(pair, "{ item(id: 1) { name owner { name } } }")
    assert answer == {"data": {"item": {"name": "lamp", "owner": {"name": "ada"}}}}


def test_a_distributed_lock_makes_a_strong_read_wait_for_a_write_in_another_process(
    pair: Pair,
) -> None:
    """Another process (a connection of its own) holds the exclusive lock a mutation of owner 7
    takes; the locked field waits for it, the plain strong field does not."""
    import threading

    released = threading.Event()

    async def hold() -> None:
        connection = await asyncpg.connect(pair.primary)
        try:
            async with connection.transaction():
                await connection.execute(
                    "SELECT pg_advisory_xact_lock(hashtextextended('tb_owner:7', 0))"
                )
                released.wait(5)
                await asyncio.sleep(0)
                await connection.execute("UPDATE tb_owner SET name = 'ada lovelace' WHERE id = 7")
        finally:
            await connection.close()

    holder = threading.Thread(target=lambda: asyncio.run(hold()))
    holder.start()
    time.sleep(0.3)  # the lock is held
    started = time.monotonic()
    plain = ask(pair, "{ item(id: 1) { owner { name } } }")
    assert plain == {"data": {"item": {"owner": {"name": "ada"}}}}
    assert time.monotonic() - started < 0.5
    threading.Timer(0.8, released.set).start()
    started = time.monotonic()
    locked = ask(pair, "{ item(id: 1) { locked_owner { name } } }")
    waited = time.monotonic() - started
    holder.join(5)
    # It waited for the writer and saw what it committed.
    assert locked == {"data": {"item": {"locked_owner": {"name": "ada lovelace"}}}}
    assert waited >= 0.4
    renamed = ask(pair, 'mutation { rename_owner(id: 7, name: "ada") { name } }')
    assert renamed == {"data": {"rename_owner": {"name": "ada"}}}
