"""A database subgraph: the model of a module's decorated classes, its SDL, its resolvers, and
the drivers they read through — an Apollo Federation subgraph served over HTTP
(``hansa db serve``) or called in-process by the gateway.

Drivers open when the subgraph starts (the ASGI lifespan, or ``start()``), because opening a
pool needs the event loop that will use it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import importlib
import logging
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from hansa.db.drivers import open_driver
from hansa.db.drivers.base import DatabaseError, DatabaseSettings, Dialect, QueryObserver
from hansa.db.model import Model, build_model
from hansa.db.resolve import Resolvers
from hansa.db.runtime import Databases, DbSettings
from hansa.db.schema import print_sdl
from hansa.subgraph import Subgraph

if TYPE_CHECKING:
    from hansa.config import HansaConfig

log = logging.getLogger("hansa.db")

TenantStrategy = Literal["none", "row", "schema", "database_per_tenant"]


def _datetime(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _parse_datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime values are ISO-8601 strings")
    return dt.datetime.fromisoformat(value)


def _parse_date(value: Any) -> dt.date:
    if not isinstance(value, str):
        raise ValueError("Date values are YYYY-MM-DD strings")
    return dt.date.fromisoformat(value)


def _parse_decimal(value: Any) -> decimal.Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("Decimal values are strings (or numbers)")
    try:
        return decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal number") from None


SCALARS: dict[str, dict[str, Any]] = {
    "DateTime": {"coerce_output_value": _datetime, "coerce_input_value": _parse_datetime},
    "Date": {"coerce_output_value": _datetime, "coerce_input_value": _parse_date},
    "Decimal": {"coerce_output_value": str, "coerce_input_value": _parse_decimal},
    "JSON": {"coerce_output_value": lambda v: v, "coerce_input_value": lambda v: v},
}


def import_model(target: str) -> tuple[str, Model]:
    """Import ``package.module`` (or ``package:module``) and build its model; the module's
    short name is the subgraph's default name."""
    module_name = target.replace(":", ".")
    if "." not in sys.path:
        sys.path.insert(0, ".")
    importlib.import_module(module_name)
    return module_name.rpartition(".")[2], build_model({module_name})


class DatabaseSubgraph:
    def __init__(
        self,
        model: Model,
        databases: Sequence[DatabaseSettings],
        settings: DbSettings | None = None,
        *,
        name: str = "db",
        observers: Sequence[QueryObserver] = (),
    ) -> None:
        self.model = model
        self.name = name
        self.database_settings = {d.name: d for d in databases}
        self.databases = Databases({}, settings)
        self.observers = list(observers)
        self.sdl = print_sdl(model, self.databases.settings.default_limit)
        resolvers = Resolvers(model, self.databases).map()
        for scalar in model.scalars:
            resolvers[scalar] = SCALARS[scalar]
        self.subgraph = Subgraph(name, self.sdl, resolvers)
        self._started = False

    @classmethod
    def from_module(
        cls,
        target: str,
        databases: Sequence[DatabaseSettings],
        settings: DbSettings | None = None,
        *,
        name: str | None = None,
        observers: Sequence[QueryObserver] = (),
    ) -> DatabaseSubgraph:
        short, model = import_model(target)
        return cls(model, databases, settings, name=name or short, observers=observers)

    async def start(self) -> None:
        """Open the drivers the model uses and learn their column types."""
        if self._started:
            return
        missing = sorted(self.model.databases() - set(self.database_settings))
        if missing:
            raise DatabaseError(
                "DATABASE_NOT_CONFIGURED",
                "the model uses database(s) " + ", ".join(missing) + " with no [databases.NAME]",
            )
        for name in sorted(self.model.databases()):
            driver = await open_driver(self.database_settings[name])
            driver.observers.extend(self.observers)
            self.databases.drivers[name] = driver
        await self.databases.learn(self.model)
        self._started = True

    async def close(self) -> None:
        await self.databases.close()
        self.databases.drivers.clear()
        self._started = False

    async def respond(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        headers: Mapping[str, str],
    ) -> dict[str, Any]:
        """One request in-process (the gateway hosting this subgraph): the response an HTTP
        client would have decoded."""
        result = (
            await self.subgraph.run(query, variables, operation_name, {"headers": dict(headers)})
        ).result
        return dict(result.formatted)

    def asgi_app(self) -> Any:
        """The subgraph over HTTP, with the drivers opened and closed by the ASGI lifespan."""
        inner = self.subgraph.asgi_app()

        async def app(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "lifespan":
                while True:
                    message = await receive()
                    if message["type"] == "lifespan.startup":
                        try:
                            await self.start()
                        except Exception as error:  # a database that cannot be opened
                            log.error("database subgraph %s cannot start: %s", self.name, error)
                            await send({"type": "lifespan.startup.failed", "message": str(error)})
                            return
                        await send({"type": "lifespan.startup.complete"})
                    elif message["type"] == "lifespan.shutdown":
                        await self.close()
                        await send({"type": "lifespan.shutdown.complete"})
                        return
            await inner(scope, receive, send)

        return app


def settings_from(config: HansaConfig) -> tuple[list[DatabaseSettings], DbSettings]:
    """``[databases.*]`` and ``[db]`` of ``hansa.toml``, as the subgraph takes them."""
    databases = [
        DatabaseSettings(
            name,
            cast(Dialect, section.type),  # checked against the key's choices on load
            section.url,
            section.pool_min,
            section.pool_max,
            section.timeout_secs,
            tuple(section.replicas),
            cast(TenantStrategy, section.tenant_strategy),
            section.tenant_setting,
            section.max_tenant_pools,
        )
        for name, section in config.databases.items()
    ]
    db = config.db
    return databases, DbSettings(
        db.tenant_header, db.tenant_required, db.default_limit, db.max_limit
    )
