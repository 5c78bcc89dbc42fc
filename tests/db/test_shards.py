"""Sharding by key hash over two SQLite files: rows written through the subgraph land on the
shard their key hashes to (checked in the files themselves), a lookup by the shard key reads
one shard, and a list reads both and merges them in order."""

from __future__ import annotations

import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hansa.db.app import DatabaseSubgraph
from hansa.db.drivers.base import DatabaseSettings
from hansa.db.shards import Sharding
from hansa.http.serve import serving
from tests.support.http import post_graphql

USERS = 60


@dataclass
class Sharded:
    url: str
    files: list[Path]
    statements: Counter[str]


@pytest.fixture(scope="module")
def sharded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sharded]:
    folder = tmp_path_factory.mktemp("shards")
    files = [folder / "shard0.db", folder / "shard1.db"]
    for file in files:
        with closing(sqlite3.connect(file)) as db, db:
            db.execute("CREATE TABLE tb_user (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
            db.execute(
                "CREATE TABLE tb_order (id TEXT PRIMARY KEY, user_id INTEGER NOT NULL, total INTEGER NOT NULL)"
            )
    statements: Counter[str] = Counter()
    urls = tuple(f"sqlite:///{f}" for f in files)
    subgraph = DatabaseSubgraph.from_module(
        "tests.db.shard_app",
        [DatabaseSettings("shop", "sqlite", urls[0])],
        name="shop",
        sharding={"shop": Sharding("user_id", urls)},
        observers=[lambda database, _s, _r, _replica: statements.update([database])],
    )
    with serving(subgraph.asgi_app()) as (url,):
        yield Sharded(f"{url}/graphql", files, statements)


def ask(sharded: Sharded, query: str, variables: dict[str, Any] | None = None) -> tuple[Any, int]:
    sharded.statements.clear()
    answer = post_graphql(sharded.url, query, variables).json()
    return answer, sharded.statements["shop"]


def rows(file: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(file)) as db:
        return db.execute(sql).fetchall()


def test_writes_land_on_the_shard_their_key_hashes_to(sharded: Sharded) -> None:
    for i in range(1, USERS + 1):
        created, _ = ask(
            sharded,
            "mutation($i: Int!, $n: String!) { create_user(id: $i, name: $n) { id } }",
            {"i": i, "n": f"user {i:02d}"},
        )
        assert created == {"data": {"create_user": {"id": i}}}, created
        for j in range(2):
            ask(
                sharded,
                "mutation($o: ID!, $u: Int!, $t: Int!) { create_order(id: $o, user_id: $u, total: $t) { id } }",
                {"o": f"{i}-{j}", "u": i, "t": i * 10 + j},
            )
    for index, file in enumerate(sharded.files):
        users = {r[0] for r in rows(file, "SELECT id FROM tb_user")}
        assert users == {i for i in range(1, USERS + 1) if zlib.crc32(str(i).encode()) % 2 == index}
        orders = {r[0] for r in rows(file, "SELECT user_id FROM tb_order")}
        assert orders == users  # a user's orders live on the user's shard
    assert all(rows(f, "SELECT COUNT(*) FROM tb_user")[0][0] > 10 for f in sharded.files)


def test_a_lookup_by_the_shard_key_reads_one_shard(sharded: Sharded) -> None:
    answer, statements = ask(sharded, "{ user(id: 7) { name orders { total } } }")
    assert answer == {
        "data": {"user": {"name": "user 07", "orders": [{"total": 70}, {"total": 71}]}}
    }
    assert statements == 2  # the user on its shard, then its orders on the same shard


def test_a_list_reads_every_shard_and_merges_in_order(sharded: Sharded) -> None:
    answer, statements = ask(
        sharded,
        "{ users(limit: 5, offset: 3, orderBy: [{field: name, direction: DESC}]) { name } }",
    )
    expected = sorted((f"user {i:02d}" for i in range(1, USERS + 1)), reverse=True)[3:8]
    assert [u["name"] for u in answer["data"]["users"]] == expected
    assert statements == 2  # both shards
    # Every user with orders: users from both shards, orders routed by user_id, one per shard.
    everyone, statements = ask(sharded, "{ users(limit: 100) { id orders { id } } }")
    assert len(everyone["data"]["users"]) == USERS
    assert all(len(u["orders"]) == 2 for u in everyone["data"]["users"])
    assert statements == 4


def test_updates_find_their_shard(sharded: Sharded) -> None:
    renamed, statements = ask(sharded, 'mutation { rename_user(id: 8, name: "eight") { id name } }')
    assert renamed == {"data": {"rename_user": {"id": 8, "name": "eight"}}}
    assert statements == 2  # UPDATE and the read back, on one shard
    missing, _ = ask(sharded, 'mutation { rename_user(id: 999, name: "x") { id } }')
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    unsharded, _ = ask(sharded, 'mutation { create_order(id: "x", user_id: 1, total: 1) { id } }')
    assert "errors" not in unsharded
