"""Resolvers built from the model: root queries and mutations, federated fields through the
request's loaders, and ``_entities`` by key. Rows become objects keyed by field name (with
``__typename``), so graphql-core's default resolver serves columns.

Which columns a statement reads is worked out from the selection: the columns selected, the
key, and the columns the selected federated fields look up by.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
)

from hansa.db.context import TenantContext
from hansa.db.drivers.base import DatabaseError
from hansa.db.model import Model, Relation, RootField, TypeModel
from hansa.db.runtime import UNMATCHABLE, Databases, LoaderKey, RequestState, match_key
from hansa.db.schema import connection_name, list_query
from hansa.db.shards import shard_of
from hansa.db.sql import AnyOf, Condition, Op, Order, delete, insert, select, update
from hansa.subgraph.entities import Info

STATE = "hansa.db"  # where a request's state lives in the subgraph's context


def coded(message: str, code: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


def state_of(info: Info, databases: Databases) -> RequestState:
    """The request's state, made on first use (tenant from the tenant header)."""
    context = info.context
    state = context.get(STATE) if isinstance(context, dict) else None
    if state is None:
        headers = context.get("headers", {}) if isinstance(context, dict) else {}
        tenant = headers.get(databases.settings.tenant_header.lower()) or None
        session = headers.get(databases.settings.session_header.lower()) or None
        state = RequestState(databases, headers, tenant, session=session)
        if isinstance(context, dict):
            context[STATE] = state
    if state.tenant is None and databases.settings.tenant_required:
        raise coded(
            f"This request has no tenant (the {databases.settings.tenant_header} header).",
            "TENANT_REQUIRED",
        )
    return state


def _children(info: Info, type_name: str, nodes: Iterable[FieldNode]) -> dict[str, list[FieldNode]]:
    """The fields selected below ``nodes`` for objects of ``type_name``, by field name (an
    alias's fields join its name's), through fragments."""
    found: dict[str, list[FieldNode]] = {}

    def walk(selection_set: SelectionSetNode | None) -> None:
        for node in selection_set.selections if selection_set else ():
            if isinstance(node, FieldNode):
                found.setdefault(node.name.value, []).append(node)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                if condition is None or condition.name.value == type_name:
                    walk(node.selection_set)
            elif isinstance(node, FragmentSpreadNode):
                fragment = info.fragments.get(node.name.value)
                if fragment is not None and fragment.type_condition.name.value == type_name:
                    walk(fragment.selection_set)

    for field_node in nodes:
        walk(field_node.selection_set)
    return found


def selected(info: Info, type_name: str, nodes: Iterable[FieldNode] | None = None) -> set[str]:
    """Field names selected below ``nodes`` (the resolving field's) for objects of
    ``type_name``; ``@skip``/``@include`` are ignored (a column too many is read, never one
    too few)."""
    return set(_children(info, type_name, info.field_nodes if nodes is None else nodes))


def columns_for(model: TypeModel, names: Iterable[str]) -> set[str]:
    """The columns to read for these selected fields: theirs, the key's, and those the
    selected relations look up by."""
    columns = {model.column_of(k) for k in model.key}
    for name in names:
        if name in model.columns:
            columns.add(model.column_of(name))
        elif name in model.relations:
            columns.add(model.relations[name].local_column(model))
    return columns


def to_object(model: TypeModel, row: Mapping[str, Any]) -> dict[str, Any]:
    found = {"__typename": model.name}
    for name, column in model.columns.items():
        if column.column in row:
            found[name] = row[column.column]
    return found


class Resolvers:
    """Every resolver of one model, over the process's databases."""

    def __init__(self, model: Model, databases: Databases) -> None:
        self.model = model
        self.databases = databases
        # Types some field reads under distributed locks: their mutations lock the row.
        self.locked = {
            r.target
            for t in model.types.values()
            for r in t.relations.values()
            if r.spec.locking == "distributed"
        }

    def map(self) -> dict[str, dict[str, Any]]:
        """The Apollo-style resolver map ``hansa.subgraph.Subgraph`` takes."""
        resolvers: dict[str, dict[str, Any]] = {}
        for type_model in self.model.types.values():
            fields: dict[str, Any] = {
                name: self._relation(type_model, relation)
                for name, relation in type_model.relations.items()
            }
            if type_model.key:
                fields["__resolve_references"] = self._references(type_model)
            resolvers[type_model.name] = fields
        for root in self.model.roots.values():
            parent = "Query" if root.kind == "query" else "Mutation"
            maker = self._query if root.kind == "query" else self._mutation
            resolvers.setdefault(parent, {})[root.name] = maker(root)
            if list_query(root):
                resolvers["Query"][connection_name(root)] = self._connection(root)
        return resolvers

    # -- federated fields and entities --------------------------------------------------------

    def _relation(self, owner: TypeModel, relation: Relation) -> Callable[..., Any]:
        """A federated field: its value when the level above prefetched it (``prefetch``,
        the usual path: plain values, no awaitable per object), else read through the loader."""
        name = relation.name
        target = self.model.types[relation.target]

        @_guarded
        async def load(parent: Mapping[str, Any], info: Info) -> Any:
            state = state_of(info, self.databases)
            columns = columns_for(target, selected(info, target.name))
            value = await self._load(state, relation, parent, columns)
            children = value if relation.many else [value] if value is not None else []
            await self.prefetch(state, info, target, children, info.field_nodes)
            return value

        def resolve(parent: Mapping[str, Any], info: Info) -> Any:
            if name in parent:
                return parent[name]
            return load(parent, info)

        return resolve

    async def _load(
        self,
        state: RequestState,
        relation: Relation,
        parent: Mapping[str, Any],
        columns: set[str],
    ) -> Any:
        """One parent's value of ``relation`` through the request's loader (batched with
        every other parent of the level)."""
        target = self.model.types[relation.target]
        spec = relation.spec
        local = spec.lookup or spec.local_key
        value = parent.get(local or "")
        if value is None:
            return [] if relation.many else None
        match = target.column_of(target.key[0] if spec.lookup else spec.remote_key)  # type: ignore[arg-type]
        conditions = tuple(
            Condition(target.column_of(name), "eq", state.resolve(wanted))
            for name, wanted in (spec.filter or {}).items()
        )
        locked = target.table if spec.locking == "distributed" else None
        strong = spec.consistency == "strong"
        key = LoaderKey(target.database, target.sql_source, match, conditions, strong, locked)
        loader = state.loader(key, spec.batch_size)
        if spec.timestamp_field is not None:
            columns = columns | {target.column_of(spec.timestamp_field)}
        convert = spec.type_conversion
        rows = await loader.load(convert(value) if convert else value, columns)
        objects = [to_object(target, row) for row in rows]
        if relation.many:
            return objects
        if len(objects) > 1 and spec.conflict_resolution is not None:
            return _resolve_conflict(spec, parent, objects)
        return objects[0] if objects else None

    async def prefetch(
        self,
        state: RequestState,
        info: Info,
        model: TypeModel,
        objects: list[dict[str, Any]],
        nodes: Iterable[FieldNode],
    ) -> None:
        """Read every federated field selected below ``nodes`` for all ``objects`` of one
        level at once — one statement per source per level, as the loader batches — and
        store the values in the objects, then the level below; graphql-core then completes
        the whole answer from plain values."""
        if not objects:
            return
        children = _children(info, model.name, nodes)
        relations = [
            (model.relations[n], fields) for n, fields in children.items() if n in model.relations
        ]
        if not relations:
            return

        async def one(relation: Relation, fields: list[FieldNode]) -> None:
            target = self.model.types[relation.target]
            columns = columns_for(target, selected(info, target.name, fields))
            values = await asyncio.gather(
                *(self._load(state, relation, obj, columns) for obj in objects)
            )
            below: list[dict[str, Any]] = []
            for obj, value in zip(objects, values, strict=True):
                obj[relation.name] = value
                if relation.many:
                    below.extend(value)
                elif value is not None:
                    below.append(value)
            await self.prefetch(state, info, target, below, fields)

        await asyncio.gather(*(one(relation, fields) for relation, fields in relations))

    def _references(self, model: TypeModel) -> Callable[..., list[Awaitable[Any]]]:
        """``_entities`` for ``model``: every representation of the request through one loader
        per key column (one statement however many ``_entities`` fields asked)."""

        def resolve(representations: list[dict[str, Any]], info: Info) -> list[Awaitable[Any]]:
            state = state_of(info, self.databases)
            columns = columns_for(model, selected(info, model.name))
            if len(model.key) == 1:
                key_field = model.key[0]
                key = LoaderKey(
                    model.database, model.sql_source, model.column_of(key_field), (), False
                )
                loader = state.loader(key, 1000)

                async def one(representation: dict[str, Any]) -> Any:
                    value = representation.get(key_field)
                    if value is None:
                        return None
                    rows = await loader.load(value, columns)
                    return to_object(model, rows[0]) if rows else None

                @_guarded
                async def every() -> list[Any]:
                    found = await asyncio.gather(*(one(r) for r in representations))
                    present = [f for f in found if f is not None]
                    await self.prefetch(state, info, model, present, info.field_nodes)
                    return list(found)

                batch = asyncio.ensure_future(every())
                return [_slot(batch, i) for i in range(len(representations))]

            @_guarded
            async def composite(representation: dict[str, Any]) -> Any:
                conditions = [
                    Condition(model.column_of(k), "eq", representation.get(k)) for k in model.key
                ]
                rows = await state.read(
                    model.database, model.sql_source, sorted(columns), conditions, limit=1
                )
                return to_object(model, rows[0]) if rows else None

            return [composite(r) for r in representations]

        return resolve

    # -- root queries ------------------------------------------------------------------------

    def _query(self, root: RootField) -> Callable[..., Awaitable[Any]]:
        target = self.model.types[root.returns.name]
        source = root.sql_source or target.sql_source
        settings = self.databases.settings
        max_limit = root.max_limit or settings.max_limit

        async def resolve(_root: Any, info: Info, **args: Any) -> Any:
            state = state_of(info, self.databases)
            answered = await _call(root, state, args)
            if answered is not None:
                return _objects(target, answered, root.returns.many)
            try:
                conditions = [
                    Condition(
                        target.column_of(name), "eq", self._typed(target, source, name, value)
                    )
                    for name, value in args.items()
                    if name in target.columns and name in root.arguments
                ]
            except GraphQLError:  # a value no row can have: no row
                return [] if root.returns.many else None
            columns = sorted(columns_for(target, selected(info, target.name)))
            if not root.returns.many:
                rows = await state.read(target.database, source, columns, conditions, limit=1)
                found = [to_object(target, row) for row in rows]
                await self.prefetch(state, info, target, found, info.field_nodes)
                return found[0] if found else None
            try:
                conditions += self._where(target, source, args.get("where"))
            except GraphQLError:
                return []
            order = [
                Order(target.column_of(o["field"]), o.get("direction") == "DESC")
                for o in args.get("orderBy") or ()
            ] or [Order(target.column_of(k)) for k in target.key]
            limit = args.get("limit", settings.default_limit)
            if limit is None or limit < 0 or limit > max_limit:
                raise coded(f"limit must be between 0 and {max_limit}.", "BAD_USER_INPUT")
            offset = args.get("offset") or 0
            if offset < 0:
                raise coded("offset must not be negative.", "BAD_USER_INPUT")
            rows = await state.read(
                target.database,
                source,
                columns,
                conditions,
                order=order,
                limit=limit,
                offset=offset,
            )
            objects = [to_object(target, row) for row in rows]
            await self.prefetch(state, info, target, objects, info.field_nodes)
            return objects

        return _guarded(resolve)

    def _connection(self, root: RootField) -> Callable[..., Awaitable[Any]]:
        """``xsConnection(first, after, where, orderBy)``: keyset pagination. The order is
        the requested one with the key after it (so every row has one place), and ``after``
        holds the last row's values of those columns: the next page is the rows after it,
        ``(a > x) OR (a = x AND b > y) ...`` — an index range, however deep the page."""
        target = self.model.types[root.returns.name]
        source = root.sql_source or target.sql_source
        settings = self.databases.settings
        max_limit = root.max_limit or settings.max_limit

        async def resolve(_root: Any, info: Info, **args: Any) -> Any:
            state = state_of(info, self.databases)
            try:
                conditions: list[Condition | AnyOf] = [
                    Condition(target.column_of(n), "eq", self._typed(target, source, n, v))
                    for n, v in args.items()
                    if n in target.columns and n in root.arguments
                ]
                conditions += self._where(target, source, args.get("where"))
            except GraphQLError:
                return {"edges": [], "pageInfo": {"hasNextPage": False, "endCursor": None}}
            order = [
                Order(target.column_of(o["field"]), o.get("direction") == "DESC")
                for o in args.get("orderBy") or ()
            ]
            ordered = {o.column for o in order}
            order += [
                Order(target.column_of(k)) for k in target.key if target.column_of(k) not in ordered
            ]
            first = args.get("first", settings.default_limit)
            if first is None or first < 0 or first > max_limit:
                raise coded(f"first must be between 0 and {max_limit}.", "BAD_USER_INPUT")
            after = args.get("after")
            if after is not None:
                values = _decode_cursor(after, len(order))
                typed = [
                    self.databases.convert(target.database, source, o.column, v)
                    for o, v in zip(order, values, strict=True)
                ]
                conditions.append(_after(order, typed))
            node_names = selected(info, target.name, _sub_fields(info, ("edges", "node")))
            columns = sorted(columns_for(target, node_names) | {o.column for o in order})
            rows = await state.read(
                target.database, source, columns, conditions, order=order, limit=first + 1
            )
            page = rows[:first]
            nodes = [to_object(target, row) for row in page]
            await self.prefetch(state, info, target, nodes, _sub_fields(info, ("edges", "node")))
            edges = [
                {"cursor": _encode_cursor([row[o.column] for o in order]), "node": node}
                for row, node in zip(page, nodes, strict=True)
            ]
            return {
                "edges": edges,
                "pageInfo": {
                    "hasNextPage": len(rows) > first,
                    "endCursor": edges[-1]["cursor"] if edges else None,
                },
            }

        return _guarded(resolve)

    # -- mutations ---------------------------------------------------------------------------

    def _mutation(self, root: RootField) -> Callable[..., Awaitable[Any]]:
        target = self.model.types[root.returns.name]
        operation = root.operation

        async def resolve(_root: Any, info: Info, **args: Any) -> Any:
            state = state_of(info, self.databases)
            columns = sorted(columns_for(target, selected(info, target.name)))
            async with state.writing():
                answered = await _call(root, state, args)
                if answered is not None:
                    return _objects(target, answered, root.returns.many)
                if operation == "CREATE":
                    return await self._create(state, target, args, columns)
                if operation == "UPDATE":
                    return await self._update(state, target, args, columns)
                if operation == "DELETE":
                    return await self._delete(state, target, args, columns)
            raise coded(
                f"{root.name} has no operation= and returned nothing.", "INTERNAL_SERVER_ERROR"
            )

        return _guarded(resolve)

    def _shards(self, target: TypeModel, known: Mapping[str, Any]) -> list[int | None]:
        """The shards a row with these column values can be on: one when the shard key is
        among them, else every shard (``[None]`` for a database that is not sharded)."""
        count = self.databases.shard_count(target.database)
        if not count:
            return [None]
        column = self.databases.shard_column(target.database, target.table)
        if column in known:
            return [shard_of(known[column], count)]
        return list(range(count))

    async def _create(
        self, state: RequestState, target: TypeModel, args: dict[str, Any], columns: list[str]
    ) -> Any:
        values = self._values(target, args)
        shards = self._shards(target, values)
        if len(shards) > 1:
            column = self.databases.shard_column(target.database, target.table)
            raise coded(f"{target.name} is sharded by {column}: give it.", "BAD_USER_INPUT")
        driver = self.databases.driver(target.database)
        statement = insert(driver.dialect, target.table, values, columns)
        transaction = await state.transaction(target.database, shards[0])
        rows = await transaction.fetch(statement.sql, statement.params)
        state.wrote_to(target.database)
        return to_object(target, rows[0]) if rows else None

    async def _update(
        self, state: RequestState, target: TypeModel, args: dict[str, Any], columns: list[str]
    ) -> Any:
        key = self._by_key(target, args)
        version_field = next(
            (n for n, c in target.columns.items() if c.column == target.version), None
        )
        expected = args.get(version_field) if version_field else None
        where = [*key]
        if expected is not None:
            where.append(Condition(target.version or "", "eq", expected))
        skip = set(target.key) | ({version_field} if version_field else set())
        values = self._values(target, args, skip)
        dialect = self.databases.driver(target.database).dialect
        state.wrote_to(target.database)
        read = select(
            dialect, target.table, columns + ([target.version] if target.version else []), key
        )
        for shard in self._shards(target, {c.column: c.value for c in key}):
            transaction = await state.transaction(target.database, shard)
            if target.name in self.locked:
                await state.lock(transaction, target.table, key[0].value)
            changed = 1
            if values or target.version:
                statement = update(dialect, target.table, values, where, increment=target.version)
                changed = await transaction.execute(statement.sql, statement.params)
            rows = await transaction.fetch(read.sql, read.params)
            if not rows:
                continue  # not on this shard
            if changed == 0 and expected is not None:
                current = rows[0].get(target.version or "")
                raise coded(
                    f"{target.name} was changed by someone else: version {expected} is not the"
                    f" current one ({current}).",
                    "CONFLICT",
                    currentVersion=current,
                )
            return to_object(target, rows[0])
        raise coded(f"No {target.name} with that key.", "NOT_FOUND")

    async def _delete(
        self, state: RequestState, target: TypeModel, args: dict[str, Any], columns: list[str]
    ) -> Any:
        where = self._by_key(target, args)
        dialect = self.databases.driver(target.database).dialect
        state.wrote_to(target.database)
        read = select(dialect, target.table, columns, where, lock=True)
        for shard in self._shards(target, {c.column: c.value for c in where}):
            transaction = await state.transaction(target.database, shard)
            if target.name in self.locked:
                await state.lock(transaction, target.table, where[0].value)
            rows = await transaction.fetch(read.sql, read.params)
            if not rows:
                continue
            statement = delete(dialect, target.table, where)
            await transaction.execute(statement.sql, statement.params)
            return to_object(target, rows[0])
        raise coded(f"No {target.name} with that key.", "NOT_FOUND")

    def _by_key(self, target: TypeModel, args: dict[str, Any]) -> list[Condition]:
        missing = [k for k in target.key if args.get(k) is None]
        if missing or not target.key:
            raise coded(f"{target.name} needs its key ({', '.join(target.key)}).", "BAD_USER_INPUT")
        return [
            Condition(target.column_of(k), "eq", self._typed(target, target.table, k, args[k]))
            for k in target.key
        ]

    def _where(
        self, target: TypeModel, source: str, where: Mapping[str, Any] | None
    ) -> list[Condition]:
        """A list query's ``where`` argument as conditions, values typed."""
        conditions = []
        for name, filters in (where or {}).items():
            column = target.column_of(name)
            for op, value in filters.items():
                if op == "isNull":
                    if value is not None:
                        conditions.append(Condition(column, "is_null", bool(value)))
                elif op == "in" and value is not None:
                    typed = [self._typed(target, source, name, v) for v in value]
                    conditions.append(Condition(column, "in", typed))
                elif op in _OPS and (value is not None or op in ("eq", "ne")):
                    typed_value = (
                        None if value is None else self._typed(target, source, name, value)
                    )
                    conditions.append(Condition(column, op, typed_value))
        return conditions

    def _typed(self, target: TypeModel, source: str, field_name: str, value: Any) -> Any:
        """A request value as the column's type (PostgreSQL's parameters are typed); a value
        the column cannot hold is the client's mistake."""
        column = target.column_of(field_name)
        converted = self.databases.convert(target.database, source, column, value)
        if converted is UNMATCHABLE:
            raise coded(f"{value!r} is not a valid {target.name}.{field_name}.", "BAD_USER_INPUT")
        return converted

    def _values(
        self, target: TypeModel, args: dict[str, Any], skip: frozenset[str] | set[str] = frozenset()
    ) -> dict[str, Any]:
        """The column arguments of a mutation, typed."""
        return {
            target.column_of(n): self._typed(target, target.table, n, v)
            for n, v in args.items()
            if n in target.columns and n not in skip
        }


_OPS: tuple[Op, ...] = ("eq", "ne", "in", "gt", "gte", "lt", "lte")


async def _slot(batch: Awaitable[list[Any]], index: int) -> Any:
    """One representation's entity, from the batch every representation of its type shares."""
    return (await batch)[index]


def _sub_fields(info: Info, path: tuple[str, ...]) -> list[FieldNode]:
    """The field nodes at ``path`` below the resolving field (``edges`` → ``node``)."""
    nodes = list(info.field_nodes)
    for name in path:
        found: list[FieldNode] = []
        for node in nodes:
            for selection in node.selection_set.selections if node.selection_set else ():
                if isinstance(selection, FieldNode) and selection.name.value == name:
                    found.append(selection)
        nodes = found
    return nodes


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def _encode_cursor(values: list[Any]) -> str:
    raw = orjson.dumps([_plain(v) for v in values])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, count: int) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, binascii.Error):
        values = None
    if not isinstance(values, list) or len(values) != count:
        raise coded("after is not a cursor of this list (with this orderBy).", "BAD_USER_INPUT")
    return values


def _after(order: list[Order], values: list[Any]) -> AnyOf:
    """Rows after ``values`` in ``order``: for each column, the earlier ones equal and this one
    beyond."""
    branches = []
    for index, o in enumerate(order):
        equal = tuple(
            Condition(p.column, "eq", v) for p, v in zip(order[:index], values, strict=False)
        )
        beyond = Condition(o.column, "lt" if o.descending else "gt", values[index])
        branches.append((*equal, beyond))
    return AnyOf(tuple(branches))


def _resolve_conflict(
    spec: Any, parent: Mapping[str, Any], candidates: list[dict[str, Any]]
) -> Any:
    """One row of several that answer one key, as the field's ``conflict_resolution`` says."""
    if spec.conflict_resolution == "last_write_wins":
        stamped = [c for c in candidates if c.get(spec.timestamp_field) is not None]
        return max(stamped, key=lambda c: c[spec.timestamp_field]) if stamped else candidates[0]
    return spec.conflict_resolution(parent, candidates)


def _objects(target: TypeModel, answered: Any, many: bool) -> Any:
    """What a function body returned (rows or objects), as objects of ``target``."""

    def one(value: Any) -> Any:
        if not isinstance(value, Mapping):
            return value
        # Columns by column name, then what the body named by field (its relations too).
        named = {k: v for k, v in value.items() if k in target.columns or k in target.relations}
        return {**to_object(target, value), **named}

    if many:
        return [one(v) for v in answered]
    return one(answered)


async def _call(root: RootField, state: RequestState, args: dict[str, Any]) -> Any:
    """The decorated function's own answer; ``None`` (an empty body, ``...``) lets the
    generated statement answer."""
    kwargs = {name: args[name] for name in root.arguments if name in args}
    if root.takes_context is not None:
        kwargs[root.takes_context] = TenantContext(state)
    answer = root.fn(**kwargs)
    if inspect.isawaitable(answer):
        answer = await answer
    return None if answer is Ellipsis else answer


def _guarded(resolve: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """A database failure becomes a coded GraphQL error (never a traceback)."""

    async def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return await resolve(*args, **kwargs)
        except DatabaseError as error:
            raise coded(str(error), error.code) from None

    return guarded


__all__ = ["Resolvers", "match_key"]
