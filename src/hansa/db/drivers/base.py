"""The driver interface: what ``hansa.db`` needs from a database.

SQL arrives already rendered for the driver's dialect (``hansa.db.sql``): placeholders are
``$1`` on PostgreSQL, ``%s`` on MySQL/MariaDB, ``?`` on SQLite, and every value is a bound
parameter. Rows come back as dicts keyed by column name.

Reads may go to a replica; writes, and reads inside a transaction, go to the primary. A
``Transaction`` can carry a tenant: on PostgreSQL with ``tenant_strategy = "row"`` it runs
``SELECT set_config('app.current_tenant_id', $1, true)`` first (transaction-local, never
session-wide on a pooled connection), with ``"schema"``
``SELECT set_config('search_path', $1, true)``; a read with a tenant runs in a read-only
transaction for the same reason. ``"database_per_tenant"`` puts ``{tenant}`` in the URL: one pool
per tenant, opened on first use. Only PostgreSQL has ``row`` and ``schema``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Literal

Row = dict[str, Any]
Dialect = Literal["postgresql", "mysql", "sqlite"]


class DatabaseError(Exception):
    """A statement failed or the database cannot be reached; ``code`` is stable
    (``DATABASE_UNAVAILABLE``, ``DATABASE_TIMEOUT``, ``DATABASE_ERROR``,
    ``UNIQUE_VIOLATION``, ``FOREIGN_KEY_VIOLATION``; from the settings and tenancy:
    ``DATABASE_CONFIG``, ``TENANCY_UNSUPPORTED``, ``TENANT_REQUIRED``, ``INVALID_TENANT``), the
    message says what happened without the SQL's values."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class DatabaseSettings:
    """``[databases.NAME]`` in ``hansa.toml``."""

    name: str
    type: Dialect
    url: str
    pool_min: int = 1
    pool_max: int = 10
    timeout_secs: float = 10.0  # per statement, and to get a connection from the pool
    replicas: tuple[str, ...] = ()
    tenant_strategy: Literal["none", "row", "schema", "database_per_tenant"] = "none"
    tenant_setting: str = "app.current_tenant_id"  # with "row"
    max_tenant_pools: int = 16  # with "database_per_tenant": pools kept, least recently used out


# Called after every statement the caller runs (``fetch``/``execute``, failed ones too with
# rows=0; not the driver's own BEGIN/COMMIT/set_config): (database, seconds, rows, replica) —
# metrics and the tests' statement counter hang here. An observer that raises is logged.
QueryObserver = Callable[[str, float, int, bool], None]


class Transaction(ABC):
    """Statements on one connection of the primary, committed when the block ends cleanly."""

    @abstractmethod
    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    @abstractmethod
    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; the number of rows it changed."""


class StatementTransaction(Transaction):
    """A transaction whose ``fetch`` and ``execute`` are one ``_run``: rows and count."""

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        rows, _ = await self._run(sql, params, fetch=True)
        return rows

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        _, count = await self._run(sql, params, fetch=False)
        return count

    @abstractmethod
    async def _run(
        self, sql: str, params: Sequence[Any], *, fetch: bool
    ) -> tuple[list[Row], int]: ...


class Driver(ABC):
    dialect: Dialect
    settings: DatabaseSettings
    observers: list[QueryObserver]

    @abstractmethod
    async def fetch(
        self,
        sql: str,
        params: Sequence[Any] = (),
        *,
        primary: bool = False,
        tenant: str | None = None,
    ) -> list[Row]:
        """One read, on a replica unless ``primary`` (or there is none)."""

    @abstractmethod
    def transaction(self, *, tenant: str | None = None) -> AbstractAsyncContextManager[Transaction]:
        """A transaction on the primary (with the tenant set as the strategy says)."""

    @property
    def open_tenants(self) -> list[str]:
        """With ``database_per_tenant``: the tenants whose pools are open, least recently used
        first (for metrics and tests); otherwise empty."""
        return []

    def pool_stats(self) -> tuple[int, int]:
        """Connections open and connections in use, over the primary's, the replicas' and (with
        ``database_per_tenant``) every open tenant's pools, for metrics; (0, 0) for a driver
        that does not tell."""
        return 0, 0

    @abstractmethod
    async def close(self) -> None: ...
