"""The database drivers against real PostgreSQL, MariaDB and SQLite: rows and types, transactions,
error codes, timeouts, replicas, tenancy (row-level security through a non-superuser role, a
schema per tenant, a database per tenant) and the statement observers."""

from __future__ import annotations

import asyncio
import datetime
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from hansa.db.drivers import DatabaseError, DatabaseSettings, Driver, open_driver
from hansa.db.drivers.base import Dialect
from tests.support.services import mariadb_database, postgres_database

DIALECTS: list[Dialect] = ["postgresql", "mysql", "sqlite"]


@pytest.fixture(params=DIALECTS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DatabaseSettings]:
    dialect: Dialect = request.param
    if dialect == "sqlite":
        yield DatabaseSettings(name="shop", type="sqlite", url=f"sqlite:///{tmp_path}/shop.db")
        return
    with postgres_database() if dialect == "postgresql" else mariadb_database() as url:
        yield DatabaseSettings(name="shop", type=dialect, url=url)


@asynccontextmanager
async def opened(settings: DatabaseSettings, **changes: Any) -> AsyncIterator[Driver]:
    driver = await open_driver(replace(settings, **changes))
    try:
        yield driver
    finally:
        await driver.close()


def sql(dialect: Dialect, text: str) -> str:
    """``text`` written with ``$1..$n``, in the dialect's placeholders."""
    if dialect == "postgresql":
        return text
    import re

    return re.sub(r"\$\d+", "%s" if dialect == "mysql" else "?", text)


ITEMS = {
    "postgresql": "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE,"
    " price NUMERIC(10, 2), made TIMESTAMP, active BOOLEAN, note TEXT)",
    "mysql": "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE,"
    " price DECIMAL(10, 2), made DATETIME, active BOOLEAN, note TEXT)",
    "sqlite": "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE,"
    " price DECIMAL(10, 2), made TIMESTAMP, active BOOLEAN, note TEXT)",
}
INSERT = "INSERT INTO items (id, name, price, made, active, note) VALUES ($1, $2, $3, $4, $5, $6)"
MADE = datetime.datetime(2026, 12, 4, 20, 15, 30)


async def create_items(driver: Driver) -> None:
    async with driver.transaction() as tx:
        await tx.execute(ITEMS[driver.dialect])


async def test_rows_and_types_round_trip(database: DatabaseSettings) -> None:
    async with opened(database) as driver:
        await create_items(driver)
        async with driver.transaction() as tx:
            insert = sql(driver.dialect, INSERT)
            assert await tx.execute(insert, (1, "tea", Decimal("12.50"), MADE, True, None)) == 1
            assert await tx.execute(insert, (2, "cup", Decimal("3.05"), MADE, False, "blue")) == 1
        rows = await driver.fetch("SELECT * FROM items ORDER BY id")
    assert rows == [
        {
            "id": 1,
            "name": "tea",
            "price": Decimal("12.50"),
            "made": MADE,
            "active": True,
            "note": None,
        },
        {
            "id": 2,
            "name": "cup",
            "price": Decimal("3.05"),
            "made": MADE,
            "active": False,
            "note": "blue",
        },
    ]
    first = rows[0]
    assert type(first["id"]) is int
    assert isinstance(first["price"], Decimal)
    assert isinstance(first["made"], datetime.datetime)
    # why: MySQL's BOOLEAN is TINYINT(1), so it comes back as 1/0 (equal to True/False).
    assert type(first["active"]) is (int if driver.dialect == "mysql" else bool)


async def test_execute_counts_the_rows_matched(database: DatabaseSettings) -> None:
    async with opened(database) as driver:
        await create_items(driver)
        async with driver.transaction() as tx:
            for n in range(3):
                await tx.execute(sql(driver.dialect, INSERT), (n, f"n{n}", 1, MADE, True, None))
            # why: an UPDATE to the same value still counts on MySQL (CLIENT_FOUND_ROWS), as on
            # PostgreSQL and SQLite, so "0 rows" always means "not found".
            assert await tx.execute("UPDATE items SET active = TRUE") == 3
            assert (
                await tx.execute(sql(driver.dialect, "DELETE FROM items WHERE id = $1"), (0,)) == 1
            )


async def test_a_transaction_commits_when_its_block_ends(database: DatabaseSettings) -> None:
    async with opened(database) as driver:
        await create_items(driver)
        async with driver.transaction() as tx:
            await tx.execute(sql(driver.dialect, INSERT), (1, "tea", 1, MADE, True, None))
            inside = await tx.fetch("SELECT name FROM items")
        assert inside == [{"name": "tea"}]
        assert await driver.fetch("SELECT name FROM items") == [{"name": "tea"}]


async def test_a_transaction_rolls_back_on_an_exception(database: DatabaseSettings) -> None:
    async with opened(database) as driver:
        await create_items(driver)
        with pytest.raises(RuntimeError):
            async with driver.transaction() as tx:
                await tx.execute(sql(driver.dialect, INSERT), (1, "tea", 1, MADE, True, None))
                raise RuntimeError("changed my mind")
        assert await driver.fetch("SELECT name FROM items") == []
        with pytest.raises(DatabaseError):
            async with driver.transaction() as tx:
                await tx.execute(sql(driver.dialect, INSERT), (1, "tea", 1, MADE, True, None))
                await tx.execute(sql(driver.dialect, INSERT), (2, "tea", 1, MADE, True, None))
        assert await driver.fetch("SELECT name FROM items") == []


async def test_a_unique_violation_has_its_code_and_no_values(database: DatabaseSettings) -> None:
    async with opened(database) as driver:
        await create_items(driver)
        async with driver.transaction() as tx:
            await tx.execute(sql(driver.dialect, INSERT), (1, "secret-value", 1, MADE, True, None))
        with pytest.raises(DatabaseError) as raised:
            async with driver.transaction() as tx:
                await tx.execute(
                    sql(driver.dialect, INSERT), (2, "secret-value", 1, MADE, True, None)
                )
    assert raised.value.code == "UNIQUE_VIOLATION"
    assert "secret-value" not in str(raised.value)


async def test_a_foreign_key_violation_has_its_code(database: DatabaseSettings) -> None:
    async with opened(database) as driver:
        async with driver.transaction() as tx:
            await tx.execute("CREATE TABLE parents (id INTEGER PRIMARY KEY)")
            await tx.execute(
                "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL,"
                " FOREIGN KEY (parent_id) REFERENCES parents (id))"
            )
        with pytest.raises(DatabaseError) as raised:
            async with driver.transaction() as tx:
                await tx.execute(
                    sql(driver.dialect, "INSERT INTO children (id, parent_id) VALUES ($1, $2)"),
                    (1, 424242),
                )
    assert raised.value.code == "FOREIGN_KEY_VIOLATION"
    assert "424242" not in str(raised.value)


async def test_a_bad_statement_is_a_database_error(database: DatabaseSettings) -> None:
    async with opened(database) as driver:
        with pytest.raises(DatabaseError) as raised:
            await driver.fetch(sql(driver.dialect, "SELECT * FROM nowhere WHERE x = $1"), ("hush",))
        assert raised.value.code == "DATABASE_ERROR"
        assert "hush" not in str(raised.value)
        assert await driver.fetch("SELECT 1 AS one") == [{"one": 1}]  # the driver carries on


@pytest.mark.parametrize("dialect", DIALECTS)
async def test_an_unreachable_database_is_unavailable(dialect: Dialect, tmp_path: Path) -> None:
    url = {
        "postgresql": "postgresql://postgres@127.0.0.1:1/test",
        "mysql": "mysql://root@127.0.0.1:1/test",
        "sqlite": f"sqlite:///{tmp_path}/no/such/dir/shop.db",
    }[dialect]
    with pytest.raises(DatabaseError) as raised:
        await open_driver(DatabaseSettings(name="shop", type=dialect, url=url, timeout_secs=2))
    assert raised.value.code == "DATABASE_UNAVAILABLE"
    assert "shop" in str(raised.value)


SLOW = {
    "postgresql": "SELECT pg_sleep(5) AS slept",
    "mysql": "SELECT SLEEP(5) AS slept",
    # why: SQLite has no sleep; a long recursive count keeps it busy until interrupted.
    "sqlite": "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 300000000)"
    " SELECT count(*) AS slept FROM c",
}


async def test_a_slow_statement_times_out(database: DatabaseSettings) -> None:
    async with opened(database, timeout_secs=0.5, pool_max=1) as driver:
        started = asyncio.get_running_loop().time()
        with pytest.raises(DatabaseError) as raised:
            await driver.fetch(SLOW[driver.dialect], primary=True)
        assert raised.value.code == "DATABASE_TIMEOUT"
        assert asyncio.get_running_loop().time() - started < 3
        # The pool's one connection was cancelled or replaced, not left busy.
        assert await driver.fetch("SELECT 2 AS two", primary=True) == [{"two": 2}]


async def test_waiting_too_long_for_a_connection_times_out(database: DatabaseSettings) -> None:
    async with opened(database, timeout_secs=0.5, pool_min=1, pool_max=1) as driver:
        async with driver.transaction() as tx:
            await tx.fetch("SELECT 1 AS one")
            with pytest.raises(DatabaseError) as raised:
                await driver.fetch("SELECT 1 AS one", primary=True)
        assert raised.value.code == "DATABASE_TIMEOUT"


async def test_observers_count_every_statement(database: DatabaseSettings) -> None:
    calls: list[tuple[str, int, bool]] = []
    async with opened(database) as driver:
        driver.observers.append(
            lambda name, seconds, rows, replica: calls.append((name, rows, replica))
        )
        await create_items(driver)
        async with driver.transaction() as tx:
            await tx.execute(sql(driver.dialect, INSERT), (1, "tea", 1, MADE, True, None))
            await tx.execute(sql(driver.dialect, INSERT), (2, "cup", 1, MADE, True, None))
            await tx.fetch("SELECT id FROM items")
        await driver.fetch("SELECT id FROM items WHERE id = 1")
        with pytest.raises(DatabaseError):
            await driver.fetch("SELECT * FROM nowhere")
    # why: one call per statement the caller ran (DDL, 2 inserts, 2 selects, 1 failed select);
    # the driver's own BEGIN/COMMIT are not counted.
    assert [(name, rows) for name, rows, _ in calls] == [
        ("shop", 0),
        ("shop", 1),
        ("shop", 1),
        ("shop", 2),
        ("shop", 1),
        ("shop", 0),
    ]
    assert not any(replica for _, _, replica in calls)


async def test_an_observer_that_raises_does_not_fail_the_statement(
    database: DatabaseSettings,
) -> None:
    def broken(name: str, seconds: float, rows: int, replica: bool) -> None:
        raise ValueError("metrics are down")

    async with opened(database) as driver:
        driver.observers.append(broken)
        assert await driver.fetch("SELECT 1 AS one") == [{"one": 1}]


@pytest.mark.parametrize("dialect", ["mysql", "sqlite"])
@pytest.mark.parametrize("strategy", ["row", "schema"])
async def test_row_and_schema_tenancy_need_postgresql(dialect: Dialect, strategy: Any) -> None:
    url = "mysql://root@127.0.0.1:3306/test" if dialect == "mysql" else "sqlite://:memory:"
    with pytest.raises(DatabaseError) as raised:
        await open_driver(
            DatabaseSettings(name="shop", type=dialect, url=url, tenant_strategy=strategy)
        )
    assert raised.value.code == "TENANCY_UNSUPPORTED"


async def test_a_url_of_another_database_is_a_config_error() -> None:
    with pytest.raises(DatabaseError) as raised:
        await open_driver(DatabaseSettings(name="shop", type="mysql", url="postgresql://x/y"))
    assert raised.value.code == "DATABASE_CONFIG"


# PostgreSQL only -------------------------------------------------------------------------


@pytest.fixture
def postgres() -> Iterator[DatabaseSettings]:
    with postgres_database() as url:
        yield DatabaseSettings(name="shop", type="postgresql", url=url)


async def test_postgres_binds_a_list_for_any(postgres: DatabaseSettings) -> None:
    async with opened(postgres) as driver:
        await create_items(driver)
        async with driver.transaction() as tx:
            for n in range(5):
                await tx.execute(INSERT, (n, f"n{n}", n, MADE, True, None))
        rows = await driver.fetch(
            "SELECT id FROM items WHERE id = ANY($1) ORDER BY id", ([1, 3, 9],)
        )
    assert rows == [{"id": 1}, {"id": 3}]


async def test_a_lost_connection_is_unavailable(postgres: DatabaseSettings) -> None:
    async with opened(postgres, pool_max=1) as driver:
        with pytest.raises(DatabaseError) as raised:
            async with driver.transaction() as tx:
                await tx.fetch("SELECT pg_terminate_backend(pg_backend_pid())")
        assert raised.value.code == "DATABASE_UNAVAILABLE"
        # The pool replaces the dead connection.
        assert await driver.fetch("SELECT 1 AS one") == [{"one": 1}]


@pytest.fixture
def others() -> Iterator[tuple[str, str]]:
    """Two more databases on the same server (replicas, tenants)."""
    with postgres_database() as first, postgres_database() as second:
        yield first, second


async def _where(driver: Driver, **options: Any) -> str:
    rows = await driver.fetch("SELECT source FROM origin", **options)
    return str(rows[0]["source"])


async def test_reads_go_to_a_replica_and_writes_to_the_primary(
    postgres: DatabaseSettings, others: tuple[str, str]
) -> None:
    replica_url = others[0]
    for url, source in ((postgres.url, "primary"), (replica_url, "replica")):
        connection = await asyncpg.connect(url)
        await connection.execute("CREATE TABLE origin (source TEXT)")
        await connection.execute("INSERT INTO origin VALUES ($1)", source)
        await connection.close()
    seen: list[bool] = []
    async with opened(postgres, replicas=(replica_url,)) as driver:
        driver.observers.append(lambda name, seconds, rows, replica: seen.append(replica))
        assert await _where(driver) == "replica"
        assert await _where(driver, primary=True) == "primary"
        async with driver.transaction() as tx:
            assert (await tx.fetch("SELECT source FROM origin"))[0]["source"] == "primary"
    assert seen == [True, False, False]


async def test_reads_round_robin_over_the_replicas(
    postgres: DatabaseSettings, others: tuple[str, str]
) -> None:
    first, second = others
    for url, source in ((postgres.url, "primary"), (first, "first"), (second, "second")):
        connection = await asyncpg.connect(url)
        await connection.execute("CREATE TABLE origin (source TEXT)")
        await connection.execute("INSERT INTO origin VALUES ($1)", source)
        await connection.close()
    async with opened(postgres, replicas=(first, second)) as driver:
        assert [await _where(driver) for _ in range(4)] == ["first", "second"] * 2


@pytest.fixture
def rls(postgres: DatabaseSettings) -> Iterator[DatabaseSettings]:
    """``docs`` under forced row-level security, reached as a role that is not a superuser and
    does not own the table; roles are per cluster, so it is dropped after the database."""
    role = f"hansa_app_{uuid.uuid4().hex[:8]}"

    async def run(url: str, *statements: str) -> None:
        connection = await asyncpg.connect(url)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(
        run(
            postgres.url,
            f"CREATE ROLE {role} LOGIN NOSUPERUSER NOBYPASSRLS",
            "CREATE TABLE docs (id SERIAL PRIMARY KEY, tenant_id TEXT NOT NULL, body TEXT)",
            "ALTER TABLE docs ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE docs FORCE ROW LEVEL SECURITY",
            "CREATE POLICY tenant_docs ON docs"
            " USING (tenant_id = current_setting('app.current_tenant_id', true))",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON docs TO {role}",
            f"GRANT USAGE ON SEQUENCE docs_id_seq TO {role}",
        )
    )
    try:
        yield replace(
            postgres,
            url=postgres.url.replace("postgres@", f"{role}@"),
            tenant_strategy="row",
            pool_min=1,
            pool_max=1,  # why: both tenants share one pooled connection
        )
    finally:
        server = postgres.url.rsplit("/", 1)[0]
        name = postgres.url.rsplit("/", 1)[1]
        asyncio.run(
            run(
                f"{server}/postgres",
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                f"DROP ROLE IF EXISTS {role}",
            )
        )


async def _bodies(driver: Driver, tenant: str | None) -> list[str]:
    rows = await driver.fetch("SELECT body FROM docs ORDER BY body", tenant=tenant)
    return [row["body"] for row in rows]


async def test_row_level_security_keeps_tenants_apart(rls: DatabaseSettings) -> None:
    async with opened(rls) as driver:
        for tenant, body in (("a", "a1"), ("a", "a2"), ("b", "b1")):
            async with driver.transaction(tenant=tenant) as tx:
                await tx.execute(
                    "INSERT INTO docs (tenant_id, body) VALUES ($1, $2)", (tenant, body)
                )
        assert await _bodies(driver, "a") == ["a1", "a2"]
        assert await _bodies(driver, "b") == ["b1"]
        assert await _bodies(driver, None) == []
        async with driver.transaction(tenant="b") as tx:
            assert [r["body"] for r in await tx.fetch("SELECT body FROM docs")] == ["b1"]
            # why: the policy's check refuses another tenant's row, not only hides it.
            with pytest.raises(DatabaseError):
                await tx.execute("INSERT INTO docs (tenant_id, body) VALUES ('a', 'sneaky')")


async def test_row_tenancy_does_not_leak_after_an_error(rls: DatabaseSettings) -> None:
    async with opened(rls) as driver:
        for tenant, body in (("a", "a1"), ("b", "b1")):
            async with driver.transaction(tenant=tenant) as tx:
                await tx.execute(
                    "INSERT INTO docs (tenant_id, body) VALUES ($1, $2)", (tenant, body)
                )
        with pytest.raises(DatabaseError):
            async with driver.transaction(tenant="a") as tx:
                assert len(await tx.fetch("SELECT body FROM docs")) == 1
                await tx.fetch("SELECT 1 / 0")
        assert await _bodies(driver, None) == []
        assert await _bodies(driver, "b") == ["b1"]
        with pytest.raises(RuntimeError):
            async with driver.transaction(tenant="a") as tx:
                await tx.fetch("SELECT body FROM docs")
                raise RuntimeError("the resolver failed")
        assert await _bodies(driver, None) == []
        with pytest.raises(DatabaseError):
            await driver.fetch("SELECT body, 1 / 0 FROM docs", tenant="a")
        assert await _bodies(driver, "b") == ["b1"]
        setting = await driver.fetch("SELECT current_setting('app.current_tenant_id', true) AS t")
        assert setting[0]["t"] in (None, "")


async def test_schema_tenancy_sets_the_search_path(postgres: DatabaseSettings) -> None:
    connection = await asyncpg.connect(postgres.url)
    for schema in ("shop_a", "shop_b"):
        await connection.execute(f"CREATE SCHEMA {schema}")
        await connection.execute(f"CREATE TABLE {schema}.items (name TEXT)")
        await connection.execute(f"INSERT INTO {schema}.items VALUES ('{schema}')")
    await connection.close()
    async with opened(postgres, tenant_strategy="schema", pool_max=1) as driver:
        assert await driver.fetch("SELECT name FROM items", tenant="shop_a") == [{"name": "shop_a"}]
        async with driver.transaction(tenant="shop_b") as tx:
            assert await tx.fetch("SELECT name FROM items") == [{"name": "shop_b"}]
        with pytest.raises(DatabaseError) as raised:
            await driver.fetch("SELECT name FROM items")  # public has no items
        assert raised.value.code == "DATABASE_ERROR"
        with pytest.raises(DatabaseError) as bad:
            await driver.fetch("SELECT 1", tenant='x"; DROP TABLE items; --')
        assert bad.value.code == "INVALID_TENANT"


# A database per tenant ---------------------------------------------------------------------


async def test_a_database_per_tenant_on_sqlite_files(tmp_path: Path) -> None:
    settings = DatabaseSettings(
        name="shop",
        type="sqlite",
        url=f"sqlite:///{tmp_path}/{{tenant}}.db",
        tenant_strategy="database_per_tenant",
        max_tenant_pools=2,
    )
    async with opened(settings) as driver:
        for tenant in ("a", "b"):
            async with driver.transaction(tenant=tenant) as tx:
                await tx.execute("CREATE TABLE items (name TEXT)")
                await tx.execute("INSERT INTO items VALUES (?)", (f"{tenant}-item",))
        assert sorted(p.name for p in tmp_path.glob("*.db")) == ["a.db", "b.db"]
        assert await driver.fetch("SELECT name FROM items", tenant="a") == [{"name": "a-item"}]
        assert await driver.fetch("SELECT name FROM items", tenant="b") == [{"name": "b-item"}]
        assert driver.open_tenants == ["a", "b"]
        async with driver.transaction(tenant="c") as tx:
            await tx.execute("CREATE TABLE items (name TEXT)")
        # why: at most two tenants' pools are kept; "a" was used least recently.
        assert driver.open_tenants == ["b", "c"]
        assert await driver.fetch("SELECT name FROM items", tenant="a") == [{"name": "a-item"}]
        assert driver.open_tenants == ["c", "a"]
        bad: list[tuple[str | None, str]] = [("../x", "INVALID_TENANT"), (None, "TENANT_REQUIRED")]
        for who, code in bad:
            with pytest.raises(DatabaseError) as raised:
                await driver.fetch("SELECT 1", tenant=who)
            assert raised.value.code == code
    assert not list(tmp_path.glob("..*"))


async def test_a_pool_evicted_while_in_use_closes_when_released(tmp_path: Path) -> None:
    settings = DatabaseSettings(
        name="shop",
        type="sqlite",
        url=f"sqlite:///{tmp_path}/{{tenant}}.db",
        tenant_strategy="database_per_tenant",
        max_tenant_pools=1,
    )
    async with opened(settings) as driver:
        async with driver.transaction(tenant="a") as tx:
            await tx.execute("CREATE TABLE items (name TEXT)")
            await driver.fetch("SELECT 1 AS one", tenant="b")  # evicts "a", still in use
            await tx.execute("INSERT INTO items VALUES ('kept')")
        assert await driver.fetch("SELECT name FROM items", tenant="a") == [{"name": "kept"}]


async def test_a_database_per_tenant_on_postgres(
    postgres: DatabaseSettings, others: tuple[str, str]
) -> None:
    a, b = others
    base = a.rsplit("/", 1)[0]
    names = {"t1": a.rsplit("/", 1)[1], "t2": b.rsplit("/", 1)[1]}
    # why: the tenant is the whole database name here, so {tenant} is all of it.
    settings = replace(postgres, url=f"{base}/{{tenant}}", tenant_strategy="database_per_tenant")
    async with opened(settings) as driver:
        for tenant, name in names.items():
            async with driver.transaction(tenant=name) as tx:
                await tx.execute("CREATE TABLE who (tenant TEXT)")
                await tx.execute("INSERT INTO who VALUES ($1)", (tenant,))
        for tenant, name in names.items():
            assert await driver.fetch("SELECT tenant FROM who", tenant=name) == [{"tenant": tenant}]


async def test_sqlite_memory_is_one_database_for_the_driver(tmp_path: Path) -> None:
    settings = DatabaseSettings(name="shop", type="sqlite", url="sqlite://:memory:")
    async with opened(settings) as driver:
        async with driver.transaction() as tx:
            await tx.execute("CREATE TABLE items (name TEXT)")
            await tx.execute("INSERT INTO items VALUES (?)", ("tea",))
        assert await driver.fetch("SELECT name FROM items") == [{"name": "tea"}]
        assert await driver.fetch("SELECT name FROM items", primary=True) == [{"name": "tea"}]


async def test_sqlite_reads_do_not_wait_for_a_writer(tmp_path: Path) -> None:
    settings = DatabaseSettings(name="shop", type="sqlite", url=f"sqlite:///{tmp_path}/s.db")
    async with opened(settings, timeout_secs=1) as driver:
        await create_items(driver)
        async with driver.transaction() as tx:
            await tx.execute(sql("sqlite", INSERT), (1, "pending", 1, MADE, True, None))
            # why: WAL; the reader sees the last committed state while the writer holds its lock.
            assert await driver.fetch("SELECT name FROM items") == []
            with pytest.raises(DatabaseError) as raised:
                await driver.fetch("INSERT INTO items (id, name) VALUES (9, 'x') RETURNING id")
            assert raised.value.code == "DATABASE_ERROR"  # readers are query_only
        assert await driver.fetch("SELECT name FROM items") == [{"name": "pending"}]


# MariaDB: the same replicas and per-tenant pools ----------------------------------------------


@pytest.fixture
def mariadbs() -> Iterator[tuple[str, str]]:
    with mariadb_database() as first, mariadb_database() as second:
        yield first, second


async def test_mariadb_reads_go_to_a_replica(mariadbs: tuple[str, str]) -> None:
    primary_url, replica_url = mariadbs
    for url, source in ((primary_url, "primary"), (replica_url, "replica")):
        one = DatabaseSettings(name="shop", type="mysql", url=url)
        async with opened(one) as driver, driver.transaction() as tx:
            await tx.execute("CREATE TABLE origin (source TEXT)")
            await tx.execute("INSERT INTO origin VALUES (%s)", (source,))
    settings = DatabaseSettings(name="shop", type="mysql", url=primary_url, replicas=(replica_url,))
    async with opened(settings) as driver:
        assert await _where(driver) == "replica"
        assert await _where(driver, primary=True) == "primary"
        async with driver.transaction() as tx:
            assert (await tx.fetch("SELECT source FROM origin"))[0]["source"] == "primary"


async def test_a_database_per_tenant_on_mariadb(mariadbs: tuple[str, str]) -> None:
    server = mariadbs[0].rsplit("/", 1)[0]
    names = [url.rsplit("/", 1)[1] for url in mariadbs]
    settings = DatabaseSettings(
        name="shop",
        type="mysql",
        url=f"{server}/{{tenant}}",
        tenant_strategy="database_per_tenant",
        max_tenant_pools=1,
    )
    async with opened(settings) as driver:
        for name in names:
            async with driver.transaction(tenant=name) as tx:
                await tx.execute("CREATE TABLE who (tenant TEXT)")
                await tx.execute("INSERT INTO who VALUES (%s)", (name,))
        for name in names:
            assert await driver.fetch("SELECT tenant FROM who", tenant=name) == [{"tenant": name}]
            assert driver.open_tenants == [name]
