"""What every driver shares: a database's primary and replicas (``Endpoints``), one set of
them per tenant with ``database_per_tenant`` (``Targets``, least recently used closed), tenant
names checked before they reach a URL or a ``search_path``, and observers called after each
statement.

A pool evicted from ``Targets`` while a statement still uses it is closed when that statement
releases it, never under it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from hansa.db.drivers.base import DatabaseError, DatabaseSettings, Driver, QueryObserver

log = logging.getLogger(__name__)

# A tenant name goes into a URL or a file name: nothing that could leave its place there.
TENANT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# A schema name for ``search_path``: a plain identifier, quoted when set so case is kept.
SCHEMA_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


class Closable(Protocol):
    async def close(self) -> None: ...


P = TypeVar("P", bound=Closable)


def check_tenant(tenant: str, pattern: re.Pattern[str] = TENANT_NAME) -> str:
    if not pattern.fullmatch(tenant):
        # The name is not echoed: it came from a request and may be anything.
        raise DatabaseError("INVALID_TENANT", f"tenant name does not match {pattern.pattern}")
    return tenant


def refuse_tenancy_without_postgres(settings: DatabaseSettings) -> None:
    if settings.tenant_strategy in ("row", "schema"):
        raise DatabaseError(
            "TENANCY_UNSUPPORTED",
            f"database {settings.name}: tenant_strategy {settings.tenant_strategy!r} needs"
            " PostgreSQL (row-level security, schemas); use database_per_tenant",
        )


def notify(
    observers: Sequence[QueryObserver], database: str, seconds: float, rows: int, replica: bool
) -> None:
    """Call each observer; one that raises is logged and never fails the statement."""
    for observer in observers:
        try:
            observer(database, seconds, rows, replica)
        except Exception:
            log.exception("query observer %r failed", observer)


@dataclass
class Endpoints(Generic[P]):
    """One database: its primary and its replicas, reads round-robin over the replicas."""

    primary: P
    replicas: list[P] = field(default_factory=list)
    _next: int = 0

    def pick(self, primary: bool) -> tuple[P, bool]:
        """The pool for a read, and whether it is a replica."""
        if primary or not self.replicas:
            return self.primary, False
        pool = self.replicas[self._next % len(self.replicas)]
        self._next += 1
        return pool, True

    async def close(self) -> None:
        for pool in (self.primary, *self.replicas):
            await pool.close()


async def open_endpoints(
    primary: str, replicas: Sequence[str], open_pool: Callable[[str], Awaitable[P]]
) -> Endpoints[P]:
    """Open the primary's pool and each replica's; those opened are closed if one fails."""
    opened: list[P] = []
    try:
        for url in (primary, *replicas):
            opened.append(await open_pool(url))
    except BaseException:
        for pool in opened:
            await pool.close()
        raise
    return Endpoints(opened[0], opened[1:])


@dataclass
class _Entry(Generic[P]):
    endpoints: Endpoints[P]
    users: int = 0
    evicted: bool = False


class Targets(Generic[P]):
    """The endpoints a statement runs on: the database's, or with ``database_per_tenant`` the
    tenant's, opened on first use with ``{tenant}`` in each URL replaced, at most
    ``max_tenant_pools`` kept."""

    def __init__(
        self, settings: DatabaseSettings, open_pool: Callable[[str], Awaitable[P]]
    ) -> None:
        self._settings = settings
        self._open_pool = open_pool
        self.per_tenant = settings.tenant_strategy == "database_per_tenant"
        if self.per_tenant and "{tenant}" not in settings.url:
            raise DatabaseError(
                "DATABASE_CONFIG",
                f"database {settings.name}: database_per_tenant needs {{tenant}} in its url",
            )
        self._single: Endpoints[P] | None = None
        self._tenants: OrderedDict[str, _Entry[P]] = OrderedDict()
        self._opening = asyncio.Lock()

    async def open(self) -> None:
        """Open the database's pools now (per-tenant pools open on first use)."""
        if not self.per_tenant:
            self._single = await open_endpoints(
                self._settings.url, self._settings.replicas, self._open_pool
            )

    @asynccontextmanager
    async def use(self, tenant: str | None) -> AsyncIterator[Endpoints[P]]:
        if not self.per_tenant:
            if self._single is None:
                raise DatabaseError("DATABASE_UNAVAILABLE", f"{self._settings.name} is closed")
            yield self._single
            return
        if tenant is None:
            raise DatabaseError(
                "TENANT_REQUIRED", f"database {self._settings.name} has a database per tenant"
            )
        entry = await self._entry(check_tenant(tenant))  # counted as a user already
        try:
            yield entry.endpoints
        finally:
            entry.users -= 1
            if entry.evicted and entry.users == 0:
                await entry.endpoints.close()

    async def _entry(self, tenant: str) -> _Entry[P]:
        """The tenant's entry, its user count already raised: nothing may evict and close it
        between here and the caller's first statement."""
        entry = self._tenants.get(tenant)
        if entry is not None:
            entry.users += 1
            self._tenants.move_to_end(tenant)
            return entry
        async with self._opening:  # two first uses of one tenant open one set of pools
            entry = self._tenants.get(tenant)
            if entry is None:
                endpoints = await open_endpoints(
                    self._settings.url.replace("{tenant}", tenant),
                    [url.replace("{tenant}", tenant) for url in self._settings.replicas],
                    self._open_pool,
                )
                entry = self._tenants[tenant] = _Entry(endpoints)
            entry.users += 1
            self._tenants.move_to_end(tenant)
            while len(self._tenants) > max(1, self._settings.max_tenant_pools):
                _, oldest = self._tenants.popitem(last=False)
                oldest.evicted = True
                if oldest.users == 0:
                    await oldest.endpoints.close()
            return entry

    @property
    def open_tenants(self) -> list[str]:
        """Tenants with open pools, least recently used first."""
        return list(self._tenants)

    def pools(self) -> list[P]:
        """Every open pool: the database's primary and replicas, or each open tenant's (for
        metrics, read without waiting)."""
        every = [] if self._single is None else [self._single]
        every += [entry.endpoints for entry in self._tenants.values()]
        return [pool for endpoints in every for pool in (endpoints.primary, *endpoints.replicas)]

    async def close(self) -> None:
        if self._single is not None:
            single, self._single = self._single, None
            await single.close()
        entries = list(self._tenants.values())
        self._tenants.clear()
        for entry in entries:  # one in use closes when its last statement releases it
            entry.evicted = True
            if entry.users == 0:
                await entry.endpoints.close()


class PooledDriver(Driver, Generic[P]):
    """What every driver does the same over its ``Targets``: opening, observers, tenants'
    pools, closing. Subclasses set ``_targets`` in ``__init__``."""

    _targets: Targets[P]

    @classmethod
    async def open(cls: type[D], settings: DatabaseSettings) -> D:
        driver = cls(settings)  # type: ignore[call-arg]
        await driver._targets.open()
        return driver

    def observe(self, seconds: float, rows: int, replica: bool = False) -> None:
        notify(self.observers, self.settings.name, seconds, rows, replica)

    @property
    def open_tenants(self) -> list[str]:
        return self._targets.open_tenants

    async def close(self) -> None:
        await self._targets.close()


D = TypeVar("D", bound="PooledDriver[Any]")
