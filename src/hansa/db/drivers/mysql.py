"""MariaDB and MySQL through ``asyncmy``: one pool for the primary and one per replica (per
tenant too with ``database_per_tenant``).

Why asyncmy: measured against aiomysql (asyncmy 0.2.18, aiomysql 0.3.2, MariaDB 10.11 on
localhost, one pool, 2,000 iterations after a warm-up, best of three rounds), on a 10,000-row
table of (int, varchar, decimal, datetime, bool):

    SELECT ... WHERE id IN (100 ids)   asyncmy  0.73 ms/query   aiomysql 2.58 ms/query
    SELECT ... WHERE id = %s           asyncmy  0.25 ms/query   aiomysql 0.39 ms/query

asyncmy keeps aiomysql's API with a Cython protocol core, ships type stubs, and is released
regularly; aiomysql is pure Python over PyMySQL.

SQL uses ``%s`` placeholders and is always formatted with its parameters, so a literal ``%``
is written ``%%`` even in a statement without parameters. Rows are dicts; ``DECIMAL`` comes back
as ``decimal.Decimal``, ``DATETIME``/``TIMESTAMP`` as ``datetime``, ``BOOL`` (``TINYINT(1)``)
as ``int``. ``execute`` counts the rows a statement matched (``CLIENT_FOUND_ROWS``), as
PostgreSQL and SQLite do, not only those whose values changed.

Timeouts: the server is told ``timeout_secs`` (``max_statement_time`` on MariaDB,
``max_execution_time`` for SELECTs on MySQL), so it stops the work and answers with an error
on a connection that stays usable. ``asyncio.timeout`` bounds getting a connection, and each
statement too, a little later (``_GRACE``) so the server's answer comes first where it has
one; a connection whose statement the client gave up on is closed, never reused (its reply is
half read).

Messages never carry values: MySQL quotes them into its messages (``Duplicate entry 'x'``),
so quoted text is removed from every message.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from urllib.parse import unquote, urlparse

import asyncmy
from asyncmy.connection import Connection
from asyncmy.constants import CLIENT
from asyncmy.cursors import DictCursor

from hansa.db.drivers.base import (
    DatabaseError,
    DatabaseSettings,
    QueryObserver,
    Row,
    StatementTransaction,
    Transaction,
)
from hansa.db.drivers.common import PooledDriver, Targets, refuse_tenancy_without_postgres

_FAILURES = (asyncmy.errors.MySQLError, OSError)
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")
_REDACTED = "'…'"
_KEY = re.compile(r"for key '([^']*)'")
# Client errors (can't connect, server gone, lost during query, ...) and the server's own
# refusals to serve (too many connections, shutting down, connection killed).
_UNAVAILABLE = {1040, 1053, 1077, 1078, 1079, 1080, 1152, 1927}
_TIMEOUT = {1205, 1969, 3024}  # lock wait timeout, MariaDB/MySQL statement time exceeded
_UNIQUE = {1062, 1586}
_FOREIGN_KEY = {1216, 1217, 1451, 1452}
_GRACE = 0.5  # seconds the client waits past the server's own statement limit


def database_error(error: BaseException) -> DatabaseError:
    """The stable code and a value-free message for what asyncmy raised."""
    if isinstance(error, TimeoutError):
        return DatabaseError("DATABASE_TIMEOUT", "the statement or connection timed out")
    if isinstance(error, OSError):
        return DatabaseError("DATABASE_UNAVAILABLE", error.strerror or type(error).__name__)
    errno = error.args[0] if error.args and isinstance(error.args[0], int) else 0
    text = str(error.args[1]) if len(error.args) > 1 else type(error).__name__
    if errno == 1064:  # "... near '<the SQL, values inlined>' at line 1"
        text = text.split(" near ", 1)[0]
    message = f"{_QUOTED.sub(_REDACTED, text)} (MySQL error {errno})"
    if errno in _UNIQUE:
        key = _KEY.search(text)
        message = f"duplicate entry for key {key.group(1) if key else '?'} (MySQL error {errno})"
        return DatabaseError("UNIQUE_VIOLATION", message)
    if errno in _FOREIGN_KEY:
        return DatabaseError("FOREIGN_KEY_VIOLATION", message)
    if errno in _TIMEOUT:
        return DatabaseError("DATABASE_TIMEOUT", message)
    if 2000 <= errno < 3000 or errno in _UNAVAILABLE:
        return DatabaseError("DATABASE_UNAVAILABLE", message)
    return DatabaseError("DATABASE_ERROR", message)


def connect_options(url: str) -> dict[str, Any]:
    """``mysql://user:password@host:port/database`` (or ``mariadb://``) as asyncmy's keywords."""
    parts = urlparse(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 3306,
        "user": unquote(parts.username) if parts.username else "root",
        "password": unquote(parts.password) if parts.password else "",
        "db": unquote(parts.path.lstrip("/")) or None,
    }


class _Cursor(DictCursor):
    """Rows as dicts, without asyncmy's ``SHOW WARNINGS`` after a statement that warned: one
    more round trip, and it logs MySQL's warning texts, which quote values
    (``Truncated incorrect DOUBLE value: 'x'``)."""

    async def _show_warnings(self, conn: Connection) -> None:
        return None


class _Pool:
    """An asyncmy pool with the ``close()`` the other drivers' pools have."""

    def __init__(self, pool: asyncmy.Pool) -> None:
        self.pool = pool

    async def close(self) -> None:
        self.pool.close()
        await self.pool.wait_closed()


class MySQLTransaction(StatementTransaction):
    def __init__(self, driver: MySQLDriver, connection: Connection, replica: bool) -> None:
        self._driver = driver
        self._connection = connection
        self._replica = replica

    async def _run(self, sql: str, params: Sequence[Any], *, fetch: bool) -> tuple[list[Row], int]:
        started, count = time.perf_counter(), 0
        rows: list[Row] = []
        try:
            async with asyncio.timeout(self._driver.settings.timeout_secs + _GRACE):
                async with self._connection.cursor(_Cursor) as cursor:
                    changed = await cursor.execute(sql, tuple(params))
                    if fetch:
                        rows = list(await cursor.fetchall())
                    count = len(rows) if fetch else changed
            return rows, count
        except TimeoutError as error:
            self._connection.close()  # its reply is half read: never back into the pool
            raise database_error(error) from error
        except _FAILURES as error:
            raise database_error(error) from error
        finally:
            self._driver.observe(time.perf_counter() - started, count, self._replica)


class MySQLDriver(PooledDriver[_Pool]):
    dialect = "mysql"

    def __init__(self, settings: DatabaseSettings) -> None:
        refuse_tenancy_without_postgres(settings)
        self.settings = settings
        self.observers: list[QueryObserver] = []
        self._targets: Targets[_Pool] = Targets(settings, self._open_pool)
        self._server_limit: str | None = None  # the SET for the server's statement limit

    async def _open_pool(self, url: str) -> _Pool:
        settings = self.settings
        options = connect_options(url)
        try:
            async with asyncio.timeout(settings.timeout_secs + 1):
                if self._server_limit is None:
                    self._server_limit = await self._statement_limit(options)
                pool = await asyncmy.create_pool(
                    minsize=min(settings.pool_min, settings.pool_max),
                    maxsize=settings.pool_max,
                    autocommit=True,
                    charset="utf8mb4",
                    connect_timeout=max(1, round(settings.timeout_secs)),
                    client_flag=CLIENT.FOUND_ROWS,
                    init_command=self._server_limit,
                    **options,
                )
        except (*_FAILURES, TimeoutError) as error:
            failure = database_error(error)
            code = (
                "DATABASE_TIMEOUT" if failure.code == "DATABASE_TIMEOUT" else "DATABASE_UNAVAILABLE"
            )
            raise DatabaseError(
                code, f"cannot connect to database {settings.name}: {failure}"
            ) from error
        return _Pool(pool)

    async def _statement_limit(self, options: dict[str, Any]) -> str:
        """MariaDB and MySQL name the server's statement time limit differently: ask which."""
        connection = await asyncmy.connect(
            connect_timeout=max(1, round(self.settings.timeout_secs)), **options
        )
        try:
            server = connection.get_server_info()
        finally:
            await connection.ensure_closed()
        if "mariadb" in server.lower():
            return f"SET SESSION max_statement_time = {float(self.settings.timeout_secs)!r}"
        return f"SET SESSION max_execution_time = {round(self.settings.timeout_secs * 1000)}"

    def pool_stats(self) -> tuple[int, int]:
        # asyncmy's size counts connections being opened too: those are in use here.
        size = free = 0
        for pool in self._targets.pools():
            size += pool.pool.size
            free += pool.pool.freesize
        return size, size - free

    async def fetch(
        self,
        sql: str,
        params: Sequence[Any] = (),
        *,
        primary: bool = False,
        tenant: str | None = None,
    ) -> list[Row]:
        async with self._targets.use(tenant) as endpoints:
            pool, replica = endpoints.pick(primary)
            async with self._acquire(pool) as connection:
                return await MySQLTransaction(self, connection, replica).fetch(sql, params)

    def transaction(self, *, tenant: str | None = None) -> AbstractAsyncContextManager[Transaction]:
        return self._begin(tenant)

    @asynccontextmanager
    async def _begin(self, tenant: str | None) -> AsyncIterator[Transaction]:
        async with (
            self._targets.use(tenant) as endpoints,
            self._acquire(endpoints.primary) as connection,
        ):
            try:
                async with asyncio.timeout(self.settings.timeout_secs + _GRACE):
                    await connection.begin()
            except TimeoutError as error:
                connection.close()
                raise database_error(error) from error
            except _FAILURES as error:
                raise database_error(error) from error
            try:
                yield MySQLTransaction(self, connection, False)
            except BaseException:
                await self._rollback(connection)
                raise
            try:
                async with asyncio.timeout(self.settings.timeout_secs + _GRACE):
                    await connection.commit()
            except TimeoutError as error:
                connection.close()
                raise database_error(error) from error
            except _FAILURES as error:
                await self._rollback(connection)
                raise database_error(error) from error

    async def _rollback(self, connection: Connection) -> None:
        """On the way out of a failure; a connection that cannot roll back is closed (the pool
        drops closed connections, and one still in a transaction)."""
        if not connection.connected:
            return
        try:
            async with asyncio.timeout(self.settings.timeout_secs + _GRACE):
                await connection.rollback()
        except (*_FAILURES, TimeoutError):
            connection.close()

    @asynccontextmanager
    async def _acquire(self, pool: _Pool) -> AsyncIterator[Connection]:
        try:
            async with asyncio.timeout(self.settings.timeout_secs):
                connection = await pool.pool.acquire()
        except (*_FAILURES, TimeoutError) as error:
            raise database_error(error) from error
        try:
            yield connection
        finally:
            pool.pool.release(connection)
