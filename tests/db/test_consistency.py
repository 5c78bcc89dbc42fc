"""Conflict resolution when two rows answer one key of a single field: last write wins by a
timestamp, or a Python resolver decides."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from hansa.db.app import DatabaseSubgraph
from hansa.db.drivers.base import DatabaseSettings
from hansa.http.serve import serving
from tests.support.http import post_graphql


def test_last_write_wins_and_a_resolver_choose_between_copies(tmp_path: Path) -> None:
    with closing(sqlite3.connect(tmp_path / "shop.db")) as db, db:
        db.execute("CREATE TABLE product (sku TEXT PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO product VALUES ('a', 'anvil'), ('b', 'bell')")
    with closing(sqlite3.connect(tmp_path / "stock.db")) as db, db:
        db.execute(
            "CREATE TABLE stock (id INTEGER PRIMARY KEY, sku TEXT, origin TEXT, quantity INTEGER,"
            " updated_at TIMESTAMP)"
        )
        db.executemany(
            "INSERT INTO stock VALUES (?, ?, ?, ?, ?)",
            [
                (1, "a", "warehouse", 5, "2026-12-01 10:00:00"),
                (2, "a", "store", 3, "2026-12-02 09:00:00"),  # newer
                (3, "b", "store", 8, "2026-12-01 08:00:00"),
            ],
        )
    subgraph = DatabaseSubgraph.from_module(
        "tests.db.consistency_app",
        [
            DatabaseSettings("shop", "sqlite", f"sqlite:///{tmp_path}/shop.db"),
            DatabaseSettings("stock", "sqlite", f"sqlite:///{tmp_path}/stock.db"),
        ],
        name="shop",
    )
    with serving(subgraph.asgi_app()) as (url,):
        answer = post_graphql(
            f"{url}/graphql",
            "{ products { sku newest { origin quantity } chosen { origin } } }",
        ).json()
    assert answer == {
        "data": {
            "products": [
                {
                    "sku": "a",
                    "newest": {"origin": "store", "quantity": 3},
                    "chosen": {"origin": "warehouse"},
                },
                {
                    "sku": "b",
                    "newest": {"origin": "store", "quantity": 8},
                    "chosen": {"origin": "store"},
                },
            ]
        }
    }
