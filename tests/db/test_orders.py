"""The seed's orders example across three databases — users and orders in PostgreSQL,
metrics in SQLite, legacy orders in MariaDB — served as a federation subgraph over HTTP.
Expected answers are computed from the rows the test inserted; statement counts come from the
drivers' observers (every statement the subgraph issued)."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from hansa.db.app import DatabaseSubgraph
from hansa.db.drivers.base import DatabaseSettings
from hansa.http.serve import serving
from tests.support.http import post_graphql
from tests.support.services import mariadb_database, postgres_database

USERS = 1000
ORDERS_PER_USER = 2

PRIMARY_SCHEMA = """
CREATE TABLE tb_user (id uuid PRIMARY KEY, name text NOT NULL, email text);
CREATE TABLE tb_order (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES tb_user (id),
    total numeric(12, 2) NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    version integer NOT NULL DEFAULT 1
);
CREATE VIEW v_order AS SELECT * FROM tb_order;
"""


@dataclass
class Data:
    users: list[dict[str, Any]] = field(default_factory=list)
    orders: list[dict[str, Any]] = field(default_factory=list)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    legacy: dict[str, dict[str, Any]] = field(default_factory=dict)


def make_data() -> Data:
    data = Data()
    for i in range(USERS):
        user_id = uuid.UUID(int=i + 1)
        data.users.append(
            {"id": user_id, "name": f"user {i}", "email": None if i % 3 else f"u{i}@x"}
        )
        for j in range(ORDERS_PER_USER):
            order_id = uuid.UUID(int=(i + 1) * 1000 + j)
            data.orders.append(
                {"id": order_id, "user_id": user_id, "total": Decimal(f"{i}.{j:02d}")}
            )
            if j == 0:  # only some orders have metrics, and some a legacy row
                data.metrics[str(order_id)] = {"views": i, "conversion_rate": i / 1000}
            if i % 2 == 0:
                data.legacy[str(order_id)] = {"legacy_status": f"s{i % 5}"}
    return data


async def _fill_primary(url: str, data: Data) -> None:
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(PRIMARY_SCHEMA)
        await connection.copy_records_to_table(
            "tb_user",
            records=[(u["id"], u["name"], u["email"]) for u in data.users],
            columns=["id", "name", "email"],
        )
        await connection.copy_records_to_table(
            "tb_order",
            records=[(o["id"], o["user_id"], o["total"]) for o in data.orders],
            columns=["id", "user_id", "total"],
        )
    finally:
        await connection.close()


def _fill_warehouse(path: Path, data: Data) -> None:
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.execute(
            "CREATE TABLE order_metrics (order_id TEXT PRIMARY KEY, views INTEGER NOT NULL, conversion_rate REAL NOT NULL)"
        )
        db.executemany(
            "INSERT INTO order_metrics VALUES (?, ?, ?)",
            [(k, m["views"], m["conversion_rate"]) for k, m in data.metrics.items()],
        )


async def _fill_legacy(url: str, data: Data) -> None:
    from hansa.db.drivers import open_driver

    driver = await open_driver(DatabaseSettings("legacy", "mysql", url))
    try:
        async with driver.transaction() as tx:
            await tx.execute(
                "CREATE TABLE legacy_orders (order_id VARCHAR(64) PRIMARY KEY,"
                " legacy_status VARCHAR(16) NOT NULL, imported_at DATETIME NULL)"
            )
            for key, row in data.legacy.items():
                await tx.execute(
                    "INSERT INTO legacy_orders (order_id, legacy_status) VALUES (%s, %s)",
                    (key, row["legacy_status"]),
                )
    finally:
        await driver.close()


@dataclass
class Served:
    url: str
    data: Data
    statements: Counter[str]
    settings: list[DatabaseSettings]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = make_data()
    folder = tmp_path_factory.mktemp("orders")
    with postgres_database() as primary, mariadb_database() as legacy:
        asyncio.run(_fill_primary(primary, data))
        _fill_warehouse(folder / "warehouse.db", data)
        asyncio.run(_fill_legacy(legacy, data))
        statements: Counter[str] = Counter()
        settings = [
            DatabaseSettings("primary", "postgresql", primary),
            DatabaseSettings("warehouse", "sqlite", f"sqlite:///{folder}/warehouse.db"),
            DatabaseSettings("legacy", "mysql", legacy),
        ]
        subgraph = DatabaseSubgraph.from_module(
            "examples.orders.app",
            settings,
            name="orders",
            observers=[lambda database, _s, _r, _replica: statements.update([database])],
        )
        with serving(subgraph.asgi_app()) as (url,):
            yield Served(f"{url}/graphql", data, statements, settings)


def query(
    served: Served, text: str, variables: dict[str, Any] | None = None
) -> tuple[Any, Counter[str]]:
    served.statements.clear()
    answer = post_graphql(served.url, text, variables).json()
    return answer, Counter(served.statements)


def test_a_thousand_users_with_their_orders_cost_one_query_per_hop(served: Served) -> None:
    answer, statements = query(
        served,
        "{ users(limit: 1000) { id name orders { id total metrics { views } legacy { legacy_status } } } }",
    )
    assert "errors" not in answer, answer
    orders = len(served.data.orders)
    # users: 1, their orders: 1 (1,000 keys, batch 1000), metrics: ceil(2,000 / 1000) = 2
    # (SQLite), legacy: ceil(2,000 / 100) = 20 (batch_size=100, MariaDB).
    assert statements == {"primary": 2, "warehouse": orders // 1000, "legacy": orders // 100}
    users = answer["data"]["users"]
    assert len(users) == USERS
    by_user: dict[str, list[dict[str, Any]]] = {}
    for order in served.data.orders:
        by_user.setdefault(str(order["user_id"]), []).append(order)
    for user in users:
        expected = sorted(by_user[user["id"]], key=lambda o: str(o["id"]))
        got = sorted(user["orders"], key=lambda o: o["id"])
        assert [o["id"] for o in got] == [str(o["id"]) for o in expected]
        for order, row in zip(got, expected, strict=True):
            assert order["total"] == str(row["total"])
            metrics = served.data.metrics.get(str(row["id"]))
            assert order["metrics"] == (None if metrics is None else {"views": metrics["views"]})
            legacy = served.data.legacy.get(str(row["id"]))
            assert order["legacy"] == (
                None if legacy is None else {"legacy_status": legacy["legacy_status"]}
            )


def test_nested_hops_stay_one_query_each(served: Served) -> None:
    # orders → user → orders → user: four hops on primary, one statement each.
    answer, statements = query(
        served, "{ orders(limit: 500) { id user { id orders { id user { name } } } } }"
    )
    assert "errors" not in answer, answer
    assert statements == {"primary": 4}
    for order in answer["data"]["orders"]:
        assert any(o["id"] == order["id"] for o in order["user"]["orders"])


def test_entities_of_one_request_are_one_query(served: Served) -> None:
    representations = [
        {"__typename": "Order", "id": str(o["id"])} for o in served.data.orders[:300]
    ]
    representations += [{"__typename": "User", "id": str(u["id"])} for u in served.data.users[:50]]
    representations.append({"__typename": "Order", "id": str(uuid.UUID(int=999_999_999))})
    answer, statements = query(
        served,
        "query($r: [_Any!]!, $s: [_Any!]!) { a: _entities(representations: $r) { ... on Order { id total } ... on User { name } }"
        " b: _entities(representations: $s) { ... on Order { id created_at } } }",
        {"r": representations, "s": representations[:10]},
    )
    assert "errors" not in answer, answer
    # One statement for orders (both aliases), one for users.
    assert statements == {"primary": 2}
    entities = answer["data"]["a"]
    assert entities[-1] is None  # no such order
    assert entities[0] == {
        "id": str(served.data.orders[0]["id"]),
        "total": str(served.data.orders[0]["total"]),
    }
    assert entities[300] == {"name": "user 0"}
    assert set(answer["data"]["b"][0]) == {"id", "created_at"}


def test_filters_ordering_and_pagination(served: Served) -> None:
    answer, statements = query(
        served,
        '{ orders(limit: 3, offset: 1, where: {total: {gte: "10", lt: "20"}}, orderBy: [{field: total, direction: DESC}]) { total } }',
    )
    assert "errors" not in answer, answer
    totals = sorted((o["total"] for o in served.data.orders if 10 <= o["total"] < 20), reverse=True)
    assert [o["total"] for o in answer["data"]["orders"]] == [str(t) for t in totals[1:4]]
    assert statements == {"primary": 1}
    too_many, _ = query(served, "{ orders(limit: 5000) { id } }")
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    one, _ = query(
        served,
        "query($id: ID!) { user(id: $id) { name } }",
        {"id": str(served.data.users[7]["id"])},
    )
    assert one == {"data": {"user": {"name": "user 7"}}}
    nobody, _ = query(served, 'query { user(id: "not-a-uuid") { name } }')
    assert nobody["data"] == {"user": None} or nobody["errors"][0]["extensions"]["code"]


def test_mutations_and_optimistic_locking(served: Served) -> None:
    user = str(served.data.users[0]["id"])
    created, statements = query(
        served,
        'mutation($u: ID!) { create_order(user_id: $u, total: "12.50") { id total version user { name } } }',
        {"u": user},
    )
    assert "errors" not in created, created
    # INSERT ... RETURNING, then the user by key (read from the primary: the request wrote).
    assert statements == {"primary": 2}
    order = created["data"]["create_order"]
    assert (
        order["total"] == "12.50" and order["version"] == 1 and order["user"] == {"name": "user 0"}
    )
    updated, _ = query(
        served,
        'mutation($id: ID!) { update_order(id: $id, total: "13.00", version: 1) { total version } }',
        {"id": order["id"]},
    )
    assert updated == {"data": {"update_order": {"total": "13.00", "version": 2}}}
    stale, _ = query(
        served,
        'mutation($id: ID!) { update_order(id: $id, total: "14.00", version: 1) { total version } }',
        {"id": order["id"]},
    )
    error = stale["errors"][0]
    assert error["extensions"]["code"] == "CONFLICT" and error["extensions"]["currentVersion"] == 2
    deleted, _ = query(
        served, "mutation($id: ID!) { delete_order(id: $id) { id total } }", {"id": order["id"]}
    )
    assert deleted == {"data": {"delete_order": {"id": order["id"], "total": "13.00"}}}
    gone, _ = query(
        served, "mutation($id: ID!) { delete_order(id: $id) { id } }", {"id": order["id"]}
    )
    assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"


QUERY = (
    "{ users(limit: 20) { id name orders { total metrics { views } legacy { legacy_status } } } }"
)


def test_the_subgraph_composes_with_apollos_composition_and_runs_in_the_gateway(
    served: Served,
) -> None:
    """Composed by @apollo/composition with the demo's products subgraph; the gateway answers
    the same whether it calls the database subgraph over HTTP or in its own process."""
    from hansa.composition import SubgraphInput, compose
    from hansa.demo import products
    from hansa.gateway import create_app
    from hansa.gateway.config import GatewayConfig
    from tests.support import reference

    sdl = post_graphql(served.url, "{ _service { sdl } }").json()["data"]["_service"]["sdl"]
    subgraphs = [
        ("orders", served.url, sdl),
        ("products", "http://127.0.0.1:1/graphql", products.sdl),
    ]
    ours = compose([SubgraphInput(*s) for s in subgraphs])
    assert ours.errors == [], ours.errors
    if reference.available():
        apollo = reference.compose([reference.SubgraphSource(*s) for s in subgraphs])
        assert apollo["errors"] == [], apollo["errors"]
    assert ours.supergraph_sdl is not None
    with serving(products.asgi_app()) as (products_url,):
        urls = {"orders": served.url, "products": f"{products_url}/graphql"}
        over_http = create_app(ours.supergraph_sdl, GatewayConfig(subgraph_urls=urls))
        hosted = DatabaseSubgraph.from_module("examples.orders.app", served.settings, name="orders")
        in_process = create_app(
            ours.supergraph_sdl,
            GatewayConfig(
                subgraph_urls={"products": urls["products"]}, in_process={"orders": hosted}
            ),
        )
        with serving(over_http, in_process) as (http_gateway, local_gateway):
            first = post_graphql(f"{http_gateway}/graphql", QUERY).json()
            second = post_graphql(f"{local_gateway}/graphql", QUERY).json()
            both = post_graphql(
                f"{local_gateway}/graphql",
                '{ product(upc: "1") { name } users(limit: 1) { name } }',
            ).json()
    assert "errors" not in first, first
    assert first == second
    assert both["data"]["users"] == [{"name": "user 0"}] and both["data"]["product"]["name"]


def test_concurrent_updaters_lose_no_update(served: Served) -> None:
    """20 clients add 1 to one order's total with read, then update at the version read,
    retrying on CONFLICT: every increment lands, and the version counts them."""
    from concurrent.futures import ThreadPoolExecutor

    order = served.data.orders[-1]
    read = 'query($id: ID!) { _entities(representations: [{__typename: "Order", id: $id}]) { ... on Order { total version } } }'

    def increment(_: int) -> int:
        conflicts = 0
        while True:
            current = post_graphql(served.url, read, {"id": str(order["id"])}).json()["data"][
                "_entities"
            ][0]
            total = Decimal(current["total"]) + 1
            answer = post_graphql(
                served.url,
                "mutation($id: ID!, $t: Decimal!, $v: Int!) { update_order(id: $id, total: $t, version: $v) { version } }",
                {"id": str(order["id"]), "t": str(total), "v": current["version"]},
            ).json()
            if "errors" not in answer:
                return conflicts
            assert answer["errors"][0]["extensions"]["code"] == "CONFLICT", answer
            conflicts += 1

    before = post_graphql(served.url, read, {"id": str(order["id"])}).json()["data"]["_entities"][0]
    with ThreadPoolExecutor(20) as pool:
        conflicts = sum(pool.map(increment, range(20)))
    after = post_graphql(served.url, read, {"id": str(order["id"])}).json()["data"]["_entities"][0]
    assert Decimal(after["total"]) == Decimal(before["total"]) + 20
    assert after["version"] == before["version"] + 20
    assert conflicts > 0  # they did collide, and were told


def test_keyset_pages_cover_the_list_once_each(served: Served) -> None:
    query_text = (
        'query($after: String) { ordersConnection(first: 7, after: $after, where: {total: {lt: "50"}},'
        " orderBy: [{field: total, direction: DESC}]) { edges { cursor node { id total } }"
        " pageInfo { hasNextPage endCursor } } }"
    )
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        answer, statements = query(served, query_text, {"after": after})
        assert "errors" not in answer, answer
        assert statements == {"primary": 1}  # one range read per page, however deep
        page = answer["data"]["ordersConnection"]
        seen += [edge["node"]["total"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    expected = sorted((o["total"] for o in served.data.orders if o["total"] < 50), reverse=True)
    assert seen == [str(t) for t in expected]
    assert pages == -(-len(expected) // 7)
    bad, _ = query(served, '{ ordersConnection(after: "nonsense") { edges { cursor } } }')
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
