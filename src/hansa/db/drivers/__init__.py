"""One small interface over each database's async driver (``base.Driver``), so the rest of
``hansa.db`` builds SQL once per dialect and never imports a driver. Add a database by adding a
module here and a line in ``open_driver``."""

from __future__ import annotations

from hansa.db.drivers.base import (
    DatabaseError,
    DatabaseSettings,
    Dialect,
    Driver,
    QueryObserver,
    Row,
    Transaction,
)

__all__ = [
    "DatabaseError",
    "DatabaseSettings",
    "Dialect",
    "Driver",
    "QueryObserver",
    "Row",
    "Transaction",
    "open_driver",
]

_SCHEMES: dict[str, tuple[str, ...]] = {
    "postgresql": ("postgresql://", "postgres://"),
    "mysql": ("mysql://", "mariadb://"),
    "sqlite": ("sqlite://",),
}


async def open_driver(settings: DatabaseSettings) -> Driver:
    """The driver for ``settings.type``, its pools open (per-tenant pools open on first use).
    Raises ``DatabaseError``: ``DATABASE_CONFIG`` for a URL that is not the type's,
    ``TENANCY_UNSUPPORTED`` for ``row``/``schema`` outside PostgreSQL, ``DATABASE_UNAVAILABLE``
    or ``DATABASE_TIMEOUT`` when the database cannot be reached."""
    schemes = _SCHEMES.get(settings.type)
    if schemes is None:
        raise DatabaseError("DATABASE_CONFIG", f"database {settings.name}: unknown type")
    for url in (settings.url, *settings.replicas):
        if not url.startswith(schemes):
            raise DatabaseError(
                "DATABASE_CONFIG",
                f"database {settings.name}: a {settings.type} url starts with {' or '.join(schemes)}",
            )
    if settings.type == "postgresql":
        from hansa.db.drivers.postgresql import PostgresDriver

        return await PostgresDriver.open(settings)
    if settings.type == "mysql":
        from hansa.db.drivers.mysql import MySQLDriver

        return await MySQLDriver.open(settings)
    from hansa.db.drivers.sqlite import SqliteDriver

    return await SqliteDriver.open(settings)
