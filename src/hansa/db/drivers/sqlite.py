"""SQLite through ``aiosqlite``: per database file one writer connection behind an asyncio lock
(transactions are ``BEGIN IMMEDIATE``, so writers in other processes wait too) and up to
``pool_max`` reader connections that never wait for it (WAL; readers are ``query_only``).
``fetch(primary=True)`` runs on the writer, so ``INSERT ... RETURNING`` works there.

URLs, as SQLAlchemy reads them: ``sqlite:///relative.db``, ``sqlite:////abs/path.db``;
``sqlite://:memory:`` is one in-memory database for the driver's life, on one connection that
reads and writes take turns on. With ``database_per_tenant`` the URL has ``{tenant}``
(``sqlite:///data/{tenant}.db``): a file per tenant, created on first use.

Types: parameters ``Decimal``, ``datetime``, ``date`` and ``time`` are bound as ISO text; columns
declared ``DECIMAL``, ``BOOLEAN``/``BOOL``, ``TIMESTAMP``/``DATETIME`` and ``DATE`` come back as
``Decimal``, ``bool``, ``datetime`` and ``date`` (converters registered with ``sqlite3`` for
the process, by declared type). A ``DECIMAL`` column has NUMERIC affinity, so SQLite keeps it
as a float when it can: more than 15 significant digits need a ``TEXT`` column.

Timeouts: ``timeout_secs`` bounds waiting for the writer lock or a reader, ``busy_timeout``
(another process's write lock) and each statement, which is interrupted
(``sqlite3_interrupt``) when it runs too long.
"""

from __future__ import annotations

import asyncio
import datetime
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from decimal import Decimal
from typing import Any

import aiosqlite

from hansa.db.drivers.base import (
    DatabaseError,
    DatabaseSettings,
    QueryObserver,
    Row,
    StatementTransaction,
    Transaction,
)
from hansa.db.drivers.common import PooledDriver, Targets, refuse_tenancy_without_postgres

MEMORY = ":memory:"

sqlite3.register_converter("DECIMAL", lambda value: Decimal(value.decode()))
sqlite3.register_converter("BOOLEAN", lambda value: bool(int(value)))
sqlite3.register_converter("BOOL", lambda value: bool(int(value)))
sqlite3.register_converter(
    "TIMESTAMP", lambda value: datetime.datetime.fromisoformat(value.decode())
)
sqlite3.register_converter(
    "DATETIME", lambda value: datetime.datetime.fromisoformat(value.decode())
)
sqlite3.register_converter("DATE", lambda value: datetime.date.fromisoformat(value.decode()))

_UNIQUE = {"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}
_TIMEOUT = {"SQLITE_BUSY", "SQLITE_BUSY_TIMEOUT", "SQLITE_LOCKED", "SQLITE_INTERRUPT"}
_UNAVAILABLE = {"SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_FULL"}


def database_error(error: BaseException) -> DatabaseError:
    """The stable code and a message for what sqlite3 raised (SQLite's messages name
    constraints and columns, never the bound values)."""
    if isinstance(error, TimeoutError):
        return DatabaseError("DATABASE_TIMEOUT", "the statement or connection timed out")
    name = str(getattr(error, "sqlite_errorname", "") or "")
    message = f"{str(error).splitlines()[0] if str(error) else type(error).__name__}"
    if name:
        message = f"{message} ({name})"
    if name in _UNIQUE:
        return DatabaseError("UNIQUE_VIOLATION", message)
    if name == "SQLITE_CONSTRAINT_FOREIGNKEY":
        return DatabaseError("FOREIGN_KEY_VIOLATION", message)
    if name in _TIMEOUT or name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return DatabaseError("DATABASE_TIMEOUT", message)
    if "_".join(name.split("_")[:2]) in _UNAVAILABLE:  # SQLITE_IOERR_READ is an SQLITE_IOERR
        return DatabaseError("DATABASE_UNAVAILABLE", message)
    if isinstance(error, ValueError):  # aiosqlite: "Connection closed"
        return DatabaseError("DATABASE_UNAVAILABLE", message)
    return DatabaseError("DATABASE_ERROR", message)


_FAILURES = (sqlite3.Error, ValueError)


def sqlite_path(url: str) -> str:
    """``sqlite:///x.db`` → ``x.db``, ``sqlite:////var/x.db`` → ``/var/x.db``,
    ``sqlite://:memory:`` (or ``sqlite:///:memory:``) → ``:memory:``."""
    path = url.removeprefix("sqlite://")
    if path in (MEMORY, f"/{MEMORY}"):
        return MEMORY
    if not path.startswith("/") or path == "/":
        raise DatabaseError(
            "DATABASE_CONFIG", "a SQLite url is sqlite:///path or sqlite://:memory:"
        )
    return path[1:]


def _bind(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


async def _pragma(connection: aiosqlite.Connection, statement: str) -> None:
    """Run to its end, so no unfinished statement keeps a lock on the file."""
    async with connection.execute(statement) as cursor:
        await cursor.fetchall()


async def _connect(path: str, settings: DatabaseSettings) -> aiosqlite.Connection:
    connection = await aiosqlite.connect(
        path,
        isolation_level=None,  # autocommit; transactions are explicit BEGIN IMMEDIATE
        timeout=settings.timeout_secs,
        detect_types=sqlite3.PARSE_DECLTYPES,
    )
    try:
        await _pragma(connection, f"PRAGMA busy_timeout = {int(settings.timeout_secs * 1000)}")
        await _pragma(connection, "PRAGMA foreign_keys = ON")
        await _pragma(connection, "PRAGMA synchronous = FULL")
    except BaseException:
        await connection.close()
        raise
    return connection


class SqliteDatabase:
    """One file (or the in-memory database): the writer, its lock, and the readers."""

    def __init__(self, path: str, settings: DatabaseSettings, writer: aiosqlite.Connection):
        self.path = path
        self.settings = settings
        self.writer = writer
        self.write_lock = asyncio.Lock()
        self._idle: list[aiosqlite.Connection] = []
        self._readers: list[aiosqlite.Connection] = []
        self._reader_free = asyncio.Condition()

    @classmethod
    async def open(cls, path: str, settings: DatabaseSettings) -> SqliteDatabase:
        try:
            writer = await _connect(path, settings)
            if path != MEMORY:
                await _pragma(writer, "PRAGMA journal_mode = WAL")
            database = cls(path, settings, writer)
            if path != MEMORY:
                for _ in range(min(settings.pool_min, settings.pool_max)):
                    database._idle.append(await database._new_reader())
        except _FAILURES as error:
            failure = database_error(error)
            raise DatabaseError(
                "DATABASE_UNAVAILABLE", f"cannot open database {settings.name}: {failure}"
            ) from error
        return database

    async def _new_reader(self) -> aiosqlite.Connection:
        reader = await _connect(self.path, self.settings)
        await _pragma(reader, "PRAGMA query_only = ON")
        self._readers.append(reader)
        return reader

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[aiosqlite.Connection]:
        """The writer, alone."""
        try:
            async with asyncio.timeout(self.settings.timeout_secs):
                await self.write_lock.acquire()
        except TimeoutError as error:
            raise database_error(error) from error
        try:
            yield self.writer
        finally:
            self.write_lock.release()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[aiosqlite.Connection]:
        """A reader (the in-memory database has only its writer)."""
        if self.path == MEMORY:
            async with self.writing() as connection:
                yield connection
            return
        try:
            async with asyncio.timeout(self.settings.timeout_secs), self._reader_free:
                while not self._idle and len(self._readers) >= max(1, self.settings.pool_max):
                    await self._reader_free.wait()
                reader = self._idle.pop() if self._idle else await self._new_reader()
        except TimeoutError as error:
            raise database_error(error) from error
        except _FAILURES as error:
            raise database_error(error) from error
        try:
            yield reader
        finally:
            async with self._reader_free:
                self._idle.append(reader)
                self._reader_free.notify()

    def stats(self) -> tuple[int, int]:
        """Connections open (the writer and the readers) and in use (the writer while its lock
        is held, readers handed out)."""
        in_use = len(self._readers) - len(self._idle) + (1 if self.write_lock.locked() else 0)
        return len(self._readers) + 1, in_use

    async def close(self) -> None:
        for connection in (*self._readers, self.writer):
            await connection.close()
        self._readers.clear()
        self._idle.clear()


class SqliteTransaction(StatementTransaction):
    def __init__(self, driver: SqliteDriver, connection: aiosqlite.Connection) -> None:
        self._driver = driver
        self._connection = connection

    async def _run(self, sql: str, params: Sequence[Any], *, fetch: bool) -> tuple[list[Row], int]:
        started, count = time.perf_counter(), 0
        rows: list[Row] = []
        try:
            async with asyncio.timeout(self._driver.settings.timeout_secs):
                async with self._connection.execute(sql, [_bind(p) for p in params]) as cursor:
                    if fetch:
                        names = [column[0] for column in cursor.description or ()]
                        rows = [
                            dict(zip(names, row, strict=True)) for row in await cursor.fetchall()
                        ]
                    count = len(rows) if fetch else max(cursor.rowcount, 0)
            return rows, count
        except TimeoutError as error:
            await self._connection.interrupt()  # the statement still runs in aiosqlite's thread
            raise database_error(error) from error
        except _FAILURES as error:
            raise database_error(error) from error
        finally:
            self._driver.observe(time.perf_counter() - started, count)


class SqliteDriver(PooledDriver[SqliteDatabase]):
    dialect = "sqlite"

    def __init__(self, settings: DatabaseSettings) -> None:
        refuse_tenancy_without_postgres(settings)
        if settings.replicas:
            raise DatabaseError(
                "DATABASE_CONFIG", f"database {settings.name}: SQLite has no replicas"
            )
        self.settings = settings
        self.observers: list[QueryObserver] = []
        self._targets: Targets[SqliteDatabase] = Targets(settings, self._open_database)

    async def _open_database(self, url: str) -> SqliteDatabase:
        return await SqliteDatabase.open(sqlite_path(url), self.settings)

    def pool_stats(self) -> tuple[int, int]:
        size = in_use = 0
        for database in self._targets.pools():
            opened, used = database.stats()
            size += opened
            in_use += used
        return size, in_use

    async def fetch(
        self,
        sql: str,
        params: Sequence[Any] = (),
        *,
        primary: bool = False,
        tenant: str | None = None,
    ) -> list[Row]:
        async with self._targets.use(tenant) as endpoints:
            database = endpoints.primary
            connect = database.writing() if primary else database.reading()
            async with connect as connection:
                return await SqliteTransaction(self, connection).fetch(sql, params)

    def transaction(self, *, tenant: str | None = None) -> AbstractAsyncContextManager[Transaction]:
        return self._begin(tenant)

    @asynccontextmanager
    async def _begin(self, tenant: str | None) -> AsyncIterator[Transaction]:
        async with self._targets.use(tenant) as endpoints, endpoints.primary.writing() as writer:
            await self._control(writer, "BEGIN IMMEDIATE")
            try:
                yield SqliteTransaction(self, writer)
            except BaseException:
                with suppress(DatabaseError):  # the error that brought us here says more
                    await self._control(writer, "ROLLBACK")
                raise
            try:
                await self._control(writer, "COMMIT")
            except DatabaseError:
                with suppress(DatabaseError):
                    await self._control(writer, "ROLLBACK")
                raise

    async def _control(self, connection: aiosqlite.Connection, statement: str) -> None:
        try:
            async with asyncio.timeout(self.settings.timeout_secs + 1):
                await _pragma(connection, statement)
        except (*_FAILURES, TimeoutError) as error:
            raise database_error(error) from error
