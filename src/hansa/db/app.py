"""A database subgraph: the model of a module's decorated classes, its SDL, its resolvers, and
the drivers they read through — an Apollo Federation subgraph served over HTTP
(``hansa db serve``) or called in-process by the gateway.

Drivers open when the subgraph starts (the ASGI lifespan, or ``start()``), because opening a
pool needs the event loop that will use it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import importlib
import logging
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from hansa.db.drivers import open_driver
from hansa.db.drivers.base import DatabaseError, DatabaseSettings, Dialect, QueryObserver
from hansa.db.metrics import METRICS_CONTENT_TYPE, DbMetrics
from hansa.db.model import Model, ModelError, build_model
from hansa.db.resolve import Resolvers
from hansa.db.runtime import Databases, DbSettings
from hansa.db.schema import print_sdl
from hansa.db.shards import Sharding
from hansa.http.asgi import lifespan
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
        metrics: bool = True,
        sharding: Mapping[str, Sharding] | None = None,
    ) -> None:
        self.model = model
        self.sharding = dict(sharding or {})
        self.name = name
        self.database_settings = {d.name: d for d in databases}
        self.databases = Databases({}, settings)
        self.observers = list(observers)
        # Statements, rows and pools per database (``GET /metrics`` when served over HTTP).
        self.metrics: DbMetrics | None = None
        if metrics:
            self.metrics = DbMetrics()
            self.observers.append(self.metrics.observe)
            self.metrics.bind(  # a sharded database: every shard's pool
                lambda: {
                    name: self.databases.shards.get(name) or driver
                    for name, driver in self.databases.drivers.items()
                }
            )
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
        sharding: Mapping[str, Sharding] | None = None,
    ) -> DatabaseSubgraph:
        short, model = import_model(target)
        return cls(
            model, databases, settings, name=name or short, observers=observers, sharding=sharding
        )

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
            settings = self.database_settings[name]
            sharding = self.sharding.get(name)
            urls = sharding.urls if sharding is not None else (settings.url,)
            drivers = []
            for url in urls:
                driver = await open_driver(dataclasses.replace(settings, url=url))
                driver.observers.extend(self.observers)
                drivers.append(driver)
            self.databases.drivers[name] = drivers[0]
            if sharding is not None:
                self.databases.shards[name] = drivers
                self.databases.shard_columns[name] = sharding.column
        for type_model in self.model.types.values():
            if type_model.shard_key is not None:
                for source in (type_model.sql_source, type_model.table):
                    key = (type_model.database, source)
                    self.databases.source_shard_columns[key] = type_model.shard_key
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

    async def _start_logged(self) -> None:
        try:
            await self.start()
        except Exception as error:  # a database that cannot be opened
            log.error("database subgraph %s cannot start: %s", self.name, error)
            raise

    def asgi_app(self) -> Any:
        """The subgraph over HTTP, with the drivers opened and closed by the ASGI lifespan."""
        inner = self.subgraph.asgi_app()
        metrics = self.metrics

        async def app(scope: Any, receive: Any, send: Any) -> None:
            if (
                metrics is not None
                and scope["type"] == "http"
                and scope["path"] == "/metrics"
                and scope["method"] in ("GET", "HEAD")
            ):
                body = metrics.exposition()
                headers = [
                    (b"content-type", METRICS_CONTENT_TYPE.encode()),
                    (b"content-length", str(len(body)).encode()),
                ]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send(
                    {
                        "type": "http.response.body",
                        "body": b"" if scope["method"] == "HEAD" else body,
                    }
                )
                return
            if scope["type"] == "lifespan":
                await lifespan(receive, send, self._start_logged, self.close)
                return
            await inner(scope, receive, send)

        return app


def settings_from(
    config: HansaConfig,
) -> tuple[list[DatabaseSettings], DbSettings, dict[str, Sharding]]:
    """``[databases.*]`` and ``[db]`` of ``hansa.toml``, as the subgraph takes them."""
    databases = []
    sharding: dict[str, Sharding] = {}
    for name, section in config.databases.items():
        if section.shards:
            if section.shard_key is None:
                raise ModelError(f"databases.{name}: shards need a shard_key")
            sharding[name] = Sharding(section.shard_key, tuple(section.shards))
        databases.append(
            DatabaseSettings(
                name,
                cast(Dialect, section.type),  # checked against the key's choices on load
                section.url or (section.shards[0] if section.shards else ""),
                section.pool_min,
                section.pool_max,
                section.timeout_secs,
                tuple(section.replicas),
                cast(TenantStrategy, section.tenant_strategy),
                section.tenant_setting,
                section.max_tenant_pools,
            )
        )
    db = config.db
    return (
        databases,
        DbSettings(
            db.tenant_header,
            db.tenant_required,
            db.default_limit,
            db.max_limit,
            db.session_header,
            db.read_your_writes_secs,
        ),
        sharding,
    )
