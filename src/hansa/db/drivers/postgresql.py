"""PostgreSQL through ``asyncpg``: one pool for the primary and one per replica (per tenant too
with ``database_per_tenant``).

Timeouts: ``timeout_secs`` bounds connecting, getting a connection from the pool and each
statement (asyncpg's ``command_timeout``, which also sends the server a cancel request).

Tenancy: with ``row`` each transaction, and each read given a tenant, first runs
``SELECT set_config(<tenant_setting>, <tenant>, true)``; with ``schema``
``SELECT set_config('search_path', '"<tenant>"', true)``. ``true`` makes the setting end with
the transaction, whatever happens in it, so the next user of the pooled connection never
inherits it (asyncpg also runs ``RESET ALL`` when a connection goes back to the pool). A read
with a tenant therefore runs in a read-only transaction.

Error messages are the server's primary message (never its ``DETAIL``, which quotes values);
for data exceptions (SQLSTATE class 22, e.g. ``invalid input syntax for type integer: "x"``)
quoted text is removed too.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from typing import Any

import asyncpg

from hansa.db.drivers.base import (
    DatabaseError,
    DatabaseSettings,
    QueryObserver,
    Row,
    Transaction,
)
from hansa.db.drivers.common import SCHEMA_NAME, PooledDriver, Targets, check_tenant

# What asyncpg raises when a statement fails or the server cannot be talked to.
_FAILURES = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError, TimeoutError)
_QUOTED = re.compile(r'"[^"]*"')


def database_error(error: BaseException) -> DatabaseError:
    """The stable code and a value-free message for what asyncpg raised."""
    if isinstance(error, TimeoutError | asyncpg.QueryCanceledError):
        return DatabaseError("DATABASE_TIMEOUT", "the statement or connection timed out")
    if isinstance(
        error,
        OSError
        | asyncpg.PostgresConnectionError
        | asyncpg.ConnectionDoesNotExistError
        | asyncpg.CannotConnectNowError
        | asyncpg.TooManyConnectionsError
        | asyncpg.AdminShutdownError
        | asyncpg.CrashShutdownError,
    ):
        return DatabaseError("DATABASE_UNAVAILABLE", f"lost the database: {_describe(error)}")
    if isinstance(error, asyncpg.UniqueViolationError):
        return DatabaseError("UNIQUE_VIOLATION", _describe(error))
    if isinstance(error, asyncpg.ForeignKeyViolationError):
        return DatabaseError("FOREIGN_KEY_VIOLATION", _describe(error))
    if isinstance(error, asyncpg.InterfaceError) and "closed" in str(error):
        return DatabaseError("DATABASE_UNAVAILABLE", f"lost the database: {_describe(error)}")
    return DatabaseError("DATABASE_ERROR", _describe(error))


def _describe(error: BaseException) -> str:
    if isinstance(error, asyncpg.DataError) and not getattr(error, "message", None):
        # asyncpg could not encode a parameter: "invalid input for query argument $1: 'x' ..."
        return f"{str(error).split(':', 1)[0]} (its type does not fit the placeholder)"
    if isinstance(error, asyncpg.PostgresError):
        sqlstate = getattr(error, "sqlstate", None) or "?"
        message = str(getattr(error, "message", None) or type(error).__name__)
        if sqlstate.startswith("22"):
            message = _QUOTED.sub('"…"', message)
        return f"{message} (SQLSTATE {sqlstate})"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _changed(status: str) -> int:
    """``INSERT 0 3`` / ``UPDATE 2`` / ``DELETE 0`` → the count; other commands 0."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else 0


class PostgresTransaction(Transaction):
    def __init__(self, driver: PostgresDriver, connection: asyncpg.Connection, replica: bool):
        self._driver = driver
        self._connection = connection
        self._replica = replica

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        started, rows = time.perf_counter(), 0
        try:
            records = await self._connection.fetch(sql, *params)
            rows = len(records)
            return [dict(record) for record in records]
        except _FAILURES as error:
            raise database_error(error) from error
        finally:
            self._driver.observe(time.perf_counter() - started, rows, self._replica)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        started, rows = time.perf_counter(), 0
        try:
            rows = _changed(await self._connection.execute(sql, *params))
            return rows
        except _FAILURES as error:
            raise database_error(error) from error
        finally:
            self._driver.observe(time.perf_counter() - started, rows, self._replica)


class PostgresDriver(PooledDriver[asyncpg.Pool]):
    dialect = "postgresql"

    def __init__(self, settings: DatabaseSettings) -> None:
        self.settings = settings
        self.observers: list[QueryObserver] = []
        self._targets: Targets[asyncpg.Pool] = Targets(settings, self._open_pool)

    async def _open_pool(self, url: str) -> asyncpg.Pool:
        settings = self.settings
        try:
            async with asyncio.timeout(settings.timeout_secs + 1):
                return await asyncpg.create_pool(
                    url,
                    min_size=min(settings.pool_min, settings.pool_max),
                    max_size=settings.pool_max,
                    timeout=settings.timeout_secs,
                    command_timeout=settings.timeout_secs,
                )
        except _FAILURES as error:
            failure = database_error(error)
            if failure.code != "DATABASE_TIMEOUT":
                failure = DatabaseError("DATABASE_UNAVAILABLE", str(failure))
            raise DatabaseError(
                failure.code, f"cannot connect to database {settings.name}: {failure}"
            ) from error

    def pool_stats(self) -> tuple[int, int]:
        size = idle = 0
        for pool in self._targets.pools():
            size += pool.get_size()
            idle += pool.get_idle_size()
        return size, size - idle

    async def fetch(
        self,
        sql: str,
        params: Sequence[Any] = (),
        *,
        primary: bool = False,
        tenant: str | None = None,
    ) -> list[Row]:
        if tenant is not None and self.settings.tenant_strategy in ("row", "schema"):
            async with self._begin(tenant, primary=primary, readonly=True) as transaction:
                return await transaction.fetch(sql, params)
        async with self._targets.use(tenant) as endpoints:
            pool, replica = endpoints.pick(primary)
            async with self._acquire(pool) as connection:
                return await PostgresTransaction(self, connection, replica).fetch(sql, params)

    def transaction(self, *, tenant: str | None = None) -> AbstractAsyncContextManager[Transaction]:
        return self._begin(tenant, primary=True, readonly=False)

    @asynccontextmanager
    async def _begin(
        self, tenant: str | None, *, primary: bool, readonly: bool
    ) -> AsyncIterator[Transaction]:
        async with self._targets.use(tenant) as endpoints:
            pool, replica = endpoints.pick(primary)
            async with self._acquire(pool) as connection:
                transaction = connection.transaction(readonly=readonly)
                try:
                    await transaction.start()
                    if tenant is not None:
                        await self._set_tenant(connection, tenant)
                except _FAILURES as error:
                    await _quietly(transaction.rollback)
                    raise database_error(error) from error
                except BaseException:
                    await _quietly(transaction.rollback)
                    raise
                try:
                    yield PostgresTransaction(self, connection, replica)
                except BaseException:
                    await _quietly(transaction.rollback)
                    raise
                try:
                    await transaction.commit()
                except _FAILURES as error:
                    raise database_error(error) from error

    async def _set_tenant(self, connection: asyncpg.Connection, tenant: str) -> None:
        strategy = self.settings.tenant_strategy
        if strategy == "row":
            await connection.fetchval(
                "SELECT set_config($1, $2, true)", self.settings.tenant_setting, tenant
            )
        elif strategy == "schema":
            schema = check_tenant(tenant, SCHEMA_NAME)
            await connection.fetchval("SELECT set_config('search_path', $1, true)", f'"{schema}"')

    @asynccontextmanager
    async def _acquire(self, pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
        try:
            connection = await pool.acquire(timeout=self.settings.timeout_secs)
        except _FAILURES as error:
            raise database_error(error) from error
        try:
            yield connection
        finally:
            await _quietly(lambda: pool.release(connection))


async def _quietly(step: Callable[[], Awaitable[Any]]) -> None:
    """Roll back or release on the way out of a failure: a connection that is gone already
    must not hide the error that brought us here."""
    with suppress(*_FAILURES):
        await step()  # asyncpg checks the connection before the coroutine: inside the try
