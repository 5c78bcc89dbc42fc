"""Per process and per request: the open databases, and each request's loaders, transactions
and tenant.

**One query per hop.** Every read of rows by key goes through a ``Loader`` (one per database,
source, match column and extra filter, per request). ``load()`` registers a key and waits; the
first key of a batch schedules the dispatch for after the current round of resolvers, so every
sibling field of one level — all 1,000 users' ``orders``, every representation of every
``_entities`` call in the request — has registered its key by then, and the dispatch issues one
``WHERE column IN (...)`` (``= ANY($1)`` on PostgreSQL) per ``batch_size`` keys, reading the
union of the columns the selections asked for.

Keys are matched as text (``str``), so an ``ID`` the gateway sends as ``"7"`` finds the row
whose integer key is 7; on PostgreSQL, whose parameters are typed, request values are first
converted to the column's type (learned once per source when the databases open).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from hansa.db.drivers.base import DatabaseError, Driver, Row, Transaction
from hansa.db.model import ContextValue, Model, TypeModel
from hansa.db.shards import merge, route
from hansa.db.sql import AnyOf, Condition, Order, select

# PostgreSQL type names (information_schema.columns.data_type) → a converter for request values.
_PG_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "integer": int,
    "bigint": int,
    "smallint": int,
    "numeric": decimal.Decimal,
    "uuid": lambda v: v if isinstance(v, uuid.UUID) else uuid.UUID(str(v)),
    "boolean": lambda v: v if isinstance(v, bool) else str(v).lower() in ("true", "1"),
    "double precision": float,
    "real": float,
    "date": lambda v: v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)),
    "timestamp with time zone": lambda v: (
        v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(str(v))
    ),
    "timestamp without time zone": lambda v: (
        v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(str(v))
    ),
}


MAX_SESSIONS = 100_000  # sessions remembered for read-your-writes


def match_key(value: Any) -> str:
    """How keys are compared across databases and with what the gateway sent."""
    return str(value)


@dataclass
class DbSettings:
    """``[db]`` in ``hansa.toml``: what every database subgraph of the process shares."""

    tenant_header: str = "x-tenant-id"
    tenant_required: bool = False
    default_limit: int = 50
    max_limit: int = 1000
    # Read-your-writes across requests: after a session (this header) wrote to a database, its
    # reads go to the primary for this long (replicas may lag behind).
    session_header: str = "x-hansa-session"
    read_your_writes_secs: float = 5.0


class Databases:
    """The process's open drivers, by ``[databases.NAME]``, and what was learned of them."""

    def __init__(self, drivers: Mapping[str, Driver], settings: DbSettings | None = None) -> None:
        self.drivers = dict(drivers)
        self.settings = settings or DbSettings()
        # Sharded databases: a driver per shard (``drivers`` holds the first, for its dialect),
        # and the shard key's column.
        self.shards: dict[str, list[Driver]] = {}
        self.shard_columns: dict[str, str] = {}
        # Sources sharded by another column than their database's shard key.
        self.source_shard_columns: dict[tuple[str, str], str] = {}
        # (database, source) → column → converter of request values (PostgreSQL only).
        self.converters: dict[tuple[str, str], dict[str, Callable[[Any], Any]]] = {}
        # (session, database) → until when its reads go to the primary; oldest first.
        self._recent: OrderedDict[tuple[str, str], float] = OrderedDict()

    def note_write(self, session: str, database: str) -> None:
        key = (session, database)
        self._recent.pop(key, None)
        self._recent[key] = time.monotonic() + self.settings.read_your_writes_secs
        while len(self._recent) > MAX_SESSIONS:
            self._recent.popitem(last=False)

    def wrote_recently(self, session: str, database: str) -> bool:
        until = self._recent.get((session, database))
        if until is None:
            return False
        if until < time.monotonic():
            del self._recent[(session, database)]
            return False
        return True

    def shard_column(self, database: str, source: str) -> str:
        return self.source_shard_columns.get((database, source), self.shard_columns[database])

    def driver(self, name: str) -> Driver:
        try:
            return self.drivers[name]
        except KeyError:
            raise DatabaseError(
                "DATABASE_NOT_CONFIGURED", f"no [databases.{name}] is configured"
            ) from None

    async def learn(self, model: Model) -> None:
        """Column types of every PostgreSQL source the model reads, once, at start."""
        for type_model in model.types.values():
            driver = self.drivers.get(type_model.database)
            if driver is None or driver.dialect != "postgresql":
                continue
            for source in {type_model.sql_source, type_model.table}:
                schema, _, table = source.rpartition(".")
                rows = await driver.fetch(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_name = $1 AND table_schema = COALESCE(NULLIF($2, ''), current_schema())",
                    (table, schema),
                    primary=True,
                )
                self.converters[(type_model.database, source)] = {
                    r["column_name"]: _PG_CONVERTERS[r["data_type"]]
                    for r in rows
                    if r["data_type"] in _PG_CONVERTERS
                }

    def convert(self, database: str, source: str, column: str, value: Any) -> Any:
        converter = self.converters.get((database, source), {}).get(column)
        if converter is None or value is None:
            return value
        try:
            return converter(value)
        except (ValueError, TypeError, decimal.InvalidOperation):
            return UNMATCHABLE  # a key that cannot exist in that column

    def shard_count(self, database: str) -> int:
        return len(self.shards.get(database, ()))

    def target(self, database: str, shard: int | None) -> Driver:
        """The driver of ``database`` (of one of its shards when it is sharded)."""
        if shard is None:
            return self.driver(database)
        return self.shards[database][shard]

    async def close(self) -> None:
        closing = {
            id(d): d
            for d in [*self.drivers.values(), *(d for s in self.shards.values() for d in s)]
        }
        for driver in closing.values():
            await driver.close()


class _UnmatchableType:
    """A request value that cannot equal any row's (``"abc"`` for an integer key)."""


UNMATCHABLE = _UnmatchableType()


@dataclass(frozen=True)
class LoaderKey:
    database: str
    source: str
    column: str
    conditions: tuple[Condition, ...]
    primary: bool
    lock: str | None = None  # read under shared advisory locks on the keys of this table


class Loader:
    """Rows of one source by one column's values, one statement per batch."""

    def __init__(self, state: RequestState, key: LoaderKey, batch_size: int) -> None:
        self.state, self.key, self.batch_size = state, key, batch_size
        self._waiting: dict[str, tuple[Any, list[asyncio.Future[list[Row]]]]] = {}
        self._columns: set[str] = set()
        # Rows already read this request, with the columns they were read with.
        self._done: dict[str, tuple[list[Row], frozenset[str]]] = {}
        self._scheduled = False

    async def load(self, value: Any, columns: Iterable[str]) -> list[Row]:
        """The rows whose column equals ``value`` (with at least ``columns``)."""
        wanted = set(columns)
        token = match_key(value)
        done = self._done.get(token)
        if done is not None and wanted <= done[1]:
            return done[0]
        future: asyncio.Future[list[Row]] = asyncio.get_running_loop().create_future()
        entry = self._waiting.setdefault(token, (value, []))
        entry[1].append(future)
        self._columns |= wanted
        if not self._scheduled:
            self._scheduled = True
            # Two rounds: resolvers of one level start in one round and may await once more
            # (a sibling's own lookup) before registering their key.
            loop = asyncio.get_running_loop()
            loop.call_soon(lambda: loop.call_soon(self._dispatch))
        return await future

    def _dispatch(self) -> None:
        self._scheduled = False
        waiting, self._waiting = self._waiting, {}
        columns = sorted(self._columns | {self.key.column})
        self._columns = set()
        task = asyncio.ensure_future(self._fetch(waiting, columns))
        self.state.tasks.add(task)
        task.add_done_callback(self.state.tasks.discard)

    async def _fetch(
        self, waiting: dict[str, tuple[Any, list[asyncio.Future[list[Row]]]]], columns: list[str]
    ) -> None:
        k = self.key
        found: dict[str, list[Row]] = {token: [] for token in waiting}
        try:
            values = [
                converted
                for value, _ in waiting.values()
                if (
                    converted := self.state.databases.convert(k.database, k.source, k.column, value)
                )
                is not UNMATCHABLE
            ]
            for start in range(0, len(values), self.batch_size):
                chunk = values[start : start + self.batch_size]
                where = [Condition(k.column, "in", chunk), *k.conditions]
                if k.lock is not None:
                    rows = await self.state.read_locked(
                        k.database, k.source, columns, where, chunk, k.lock
                    )
                else:
                    rows = await self.state.read(
                        k.database, k.source, columns, where, primary=k.primary
                    )
                for row in rows:
                    found.setdefault(match_key(row[k.column]), []).append(row)
        except BaseException as error:
            for _, futures in waiting.values():
                for future in futures:
                    if not future.done():
                        future.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        read = frozenset(columns)
        for token, (_, futures) in waiting.items():
            self._done[token] = (found[token], read)
            for future in futures:
                if not future.done():
                    future.set_result(found[token])


@dataclass
class RequestState:
    """One request's: tenant, headers, loaders, open transactions, and whether it wrote."""

    databases: Databases
    headers: Mapping[str, str]
    tenant: str | None = None
    loaders: dict[LoaderKey, Loader] = field(default_factory=dict)
    transactions: dict[tuple[str, int | None], Transaction] = field(default_factory=dict)
    stack: AsyncExitStack = field(default_factory=AsyncExitStack)
    wrote: set[str] = field(default_factory=set)  # databases written: read them from the primary
    session: str | None = None
    tasks: set[asyncio.Future[None]] = field(default_factory=set)
    values: dict[str, Any] = field(default_factory=dict)

    def wrote_to(self, database: str) -> None:
        self.wrote.add(database)
        if self.session is not None:
            self.databases.note_write(self.session, database)

    def value(self, name: str) -> Any:
        if name == "tenant_id":
            return self.tenant
        return self.values.get(name, self.headers.get(name))

    def resolve(self, value: Any) -> Any:
        return self.value(value.name) if isinstance(value, ContextValue) else value

    def loader(self, key: LoaderKey, batch_size: int) -> Loader:
        loader = self.loaders.get(key)
        if loader is None:
            loader = self.loaders[key] = Loader(self, key, batch_size)
        return loader

    async def read(
        self,
        database: str,
        source: str,
        columns: Sequence[str],
        where: Sequence[Condition | AnyOf],
        *,
        order: Sequence[Order] = (),
        limit: int | None = None,
        offset: int | None = None,
        primary: bool = False,
    ) -> list[Row]:
        dialect = self.databases.driver(database).dialect
        shards = self.databases.shard_count(database)
        if not shards:
            statement = select(dialect, source, columns, where, order, limit, offset)
            return await self.fetch(database, statement.sql, statement.params, primary=primary)
        routed = route(where, self.databases.shard_column(database, source), shards)
        plan = routed if routed is not None else {i: list(where) for i in range(shards)}
        if len(plan) == 1:
            ((shard, conditions),) = plan.items()
            statement = select(dialect, source, columns, conditions, order, limit, offset)
            return await self.fetch(
                database, statement.sql, statement.params, primary=primary, shard=shard
            )
        # Several shards: each gives its first offset + limit rows; the merge takes the page.
        each = None if limit is None else limit + (offset or 0)
        parts = await asyncio.gather(
            *(
                self.fetch(database, st.sql, st.params, primary=primary, shard=shard)
                for shard, conditions in sorted(plan.items())
                for st in [select(dialect, source, columns, conditions, order, each, None)]
            )
        )
        return merge(parts, order, limit, offset)

    async def read_locked(
        self,
        database: str,
        source: str,
        columns: Sequence[str],
        where: Sequence[Condition],
        keys: Sequence[Any],
        table: str,
    ) -> list[Row]:
        """Read on the primary, in a transaction holding shared advisory locks on ``keys``: a
        mutation of one of those rows (which locks it exclusively) is waited for, in any
        process."""
        driver = self.databases.driver(database)
        if driver.dialect != "postgresql":
            raise DatabaseError("LOCKING_UNSUPPORTED", 'locking="distributed" needs PostgreSQL')
        statement = select(driver.dialect, source, columns, where)
        async with driver.transaction(tenant=self.tenant) as transaction:
            await transaction.fetch(
                "SELECT pg_advisory_xact_lock_shared(hashtextextended($1 || k, 0))"
                " FROM unnest($2::text[]) AS k",
                [f"{table}:", [match_key(key) for key in keys]],
            )
            return await transaction.fetch(statement.sql, statement.params)

    async def lock(self, transaction: Transaction, table: str, key: Any) -> None:
        """Take the exclusive advisory lock on one row's key, until the transaction ends."""
        await transaction.fetch(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [f"{table}:{match_key(key)}"]
        )

    async def fetch(
        self,
        database: str,
        sql: str,
        params: Sequence[Any],
        *,
        primary: bool = False,
        shard: int | None = None,
    ) -> list[Row]:
        """Rows of one statement; on a sharded database without ``shard``, of every shard."""
        if shard is None and self.databases.shard_count(database):
            parts = await asyncio.gather(
                *(
                    self.fetch(database, sql, params, primary=primary, shard=i)
                    for i in range(self.databases.shard_count(database))
                )
            )
            return [row for part in parts for row in part]
        transaction = self.transactions.get((database, shard))
        if transaction is not None:
            return await transaction.fetch(sql, params)
        driver = self.databases.target(database, shard)
        # Read-your-writes: once this request (or its session, lately) wrote to a database,
        # it reads the primary.
        after_write = database in self.wrote or (
            self.session is not None and self.databases.wrote_recently(self.session, database)
        )
        return await driver.fetch(sql, params, primary=primary or after_write, tenant=self.tenant)

    async def execute(
        self, database: str, sql: str, params: Sequence[Any], *, shard: int | None = None
    ) -> int:
        """Run a statement (in the mutation's transaction); on a sharded database without
        ``shard``, on every shard. Rows changed."""
        self.wrote_to(database)
        if shard is None and self.databases.shard_count(database):
            changed = 0
            for i in range(self.databases.shard_count(database)):
                changed += await self.execute(database, sql, params, shard=i)
            return changed
        transaction = self.transactions.get((database, shard))
        if transaction is not None:
            return await transaction.execute(sql, params)
        async with self.databases.target(database, shard).transaction(tenant=self.tenant) as own:
            return await own.execute(sql, params)

    async def transaction(self, database: str, shard: int | None = None) -> Transaction:
        """The transaction on ``database`` (one shard of it) of the mutation being resolved
        (``writing()``), begun on first use."""
        if shard is None and self.databases.shard_count(database):
            raise DatabaseError("SHARD_REQUIRED", f"{database} is sharded: say which shard")
        transaction = self.transactions.get((database, shard))
        if transaction is None:
            driver = self.databases.target(database, shard)
            transaction = await self.stack.enter_async_context(
                driver.transaction(tenant=self.tenant)
            )
            self.transactions[(database, shard)] = transaction
        return transaction

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        """One mutation: every transaction it opens commits when it returns, or rolls back
        when it raises."""
        outer = (self.stack, self.transactions)
        self.stack, self.transactions = AsyncExitStack(), {}
        try:
            async with self.stack:
                yield
        finally:
            self.stack, self.transactions = outer


Resolver = Callable[..., Awaitable[Any]]


def key_conditions(model: TypeModel, representation: Mapping[str, Any]) -> list[Condition] | None:
    """``key = value`` for each key column of ``model`` in ``representation``; ``None`` when one
    is missing."""
    conditions = []
    for part in model.key:
        if part not in representation:
            return None
        conditions.append(Condition(model.column_of(part), "eq", representation[part]))
    return conditions
