"""SQL text for each dialect, values always bound: the few statement shapes database subgraphs
issue (select by keys or filters, insert, update, delete), rendered with the dialect's quoting
and placeholders (``$n`` PostgreSQL, ``%s`` MySQL/MariaDB, ``?`` SQLite).

Identifiers come from the Python model (checked when it is built, ``identifier()``), never from
a request; request values only ever become parameters. A key list is ``= ANY($n)`` with one
array parameter on PostgreSQL (one statement text whatever the count, so its plan is cached),
``IN (?, ?, ...)`` elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from hansa.db.drivers.base import Dialect

Op = Literal["eq", "ne", "in", "gt", "gte", "lt", "lte", "is_null"]
OPERATORS: dict[str, str] = {"eq": "=", "ne": "<>", "gt": ">", "gte": ">=", "lt": "<", "lte": "<="}

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def identifier(name: str, what: str = "identifier") -> str:
    """``name`` if it can be a table, view or column name (optionally ``schema.name``)."""
    if not all(_IDENTIFIER.match(part) for part in name.split(".")) or name.count(".") > 1:
        raise ValueError(f"{what} {name!r} is not a plain SQL identifier")
    return name


@dataclass(frozen=True)
class Condition:
    column: str
    op: Op
    value: Any = None


@dataclass(frozen=True)
class AnyOf:
    """``(a AND b) OR (c)``: what a keyset cursor over several sort columns needs."""

    branches: tuple[tuple[Condition, ...], ...]


@dataclass(frozen=True)
class Order:
    column: str
    descending: bool = False


@dataclass
class Statement:
    sql: str
    params: list[Any] = field(default_factory=list)


class _Render:
    """Placeholders numbered as parameters are added."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.params: list[Any] = []

    def bind(self, value: Any) -> str:
        self.params.append(value)
        if self.dialect == "postgresql":
            return f"${len(self.params)}"
        return "%s" if self.dialect == "mysql" else "?"

    def quote(self, name: str) -> str:
        mark = "`" if self.dialect == "mysql" else '"'
        return ".".join(f"{mark}{part}{mark}" for part in name.split("."))

    def condition(self, c: Condition) -> str:
        column = self.quote(c.column)
        if c.op == "is_null":
            return f"{column} IS NULL" if c.value else f"{column} IS NOT NULL"
        if c.op == "in":
            values = list(c.value)
            if not values:
                return "1 = 0"
            if self.dialect == "postgresql":
                return f"{column} = ANY({self.bind(values)})"
            return f"{column} IN ({', '.join(self.bind(v) for v in values)})"
        if c.value is None and c.op in ("eq", "ne"):
            return f"{column} IS NULL" if c.op == "eq" else f"{column} IS NOT NULL"
        return f"{column} {OPERATORS[c.op]} {self.bind(c.value)}"

    def where(self, conditions: Sequence[Condition | AnyOf]) -> str:
        if not conditions:
            return ""
        return " WHERE " + " AND ".join(self.part(c) for c in conditions)

    def part(self, c: Condition | AnyOf) -> str:
        if isinstance(c, AnyOf):
            return (
                "("
                + " OR ".join(
                    "(" + " AND ".join(self.condition(x) for x in branch) + ")"
                    for branch in c.branches
                )
                + ")"
            )
        return self.condition(c)


def select(
    dialect: Dialect,
    source: str,
    columns: Sequence[str],
    where: Sequence[Condition | AnyOf] = (),
    order: Sequence[Order] = (),
    limit: int | None = None,
    offset: int | None = None,
    *,
    lock: bool = False,
) -> Statement:
    r = _Render(dialect)
    text = f"SELECT {', '.join(r.quote(c) for c in columns)} FROM {r.quote(source)}"
    text += r.where(where)
    if order:
        text += " ORDER BY " + ", ".join(
            f"{r.quote(o.column)}{' DESC' if o.descending else ''}" for o in order
        )
    if limit is not None:
        text += f" LIMIT {r.bind(int(limit))}"
    if offset:
        if limit is None and dialect != "postgresql":
            text += " LIMIT " + ("18446744073709551615" if dialect == "mysql" else "-1")
        text += f" OFFSET {r.bind(int(offset))}"
    if lock and dialect != "sqlite":  # SQLite's writer lock already serializes
        text += " FOR UPDATE"
    return Statement(text, r.params)


def insert(
    dialect: Dialect, table: str, values: dict[str, Any], returning: Sequence[str]
) -> Statement:
    r = _Render(dialect)
    names = ", ".join(r.quote(c) for c in values)
    marks = ", ".join(r.bind(v) for v in values.values())
    text = f"INSERT INTO {r.quote(table)} ({names}) VALUES ({marks})"
    if returning:
        text += " RETURNING " + ", ".join(r.quote(c) for c in returning)
    return Statement(text, r.params)


def update(
    dialect: Dialect,
    table: str,
    values: dict[str, Any],
    where: Sequence[Condition],
    *,
    increment: str | None = None,
) -> Statement:
    """``UPDATE table SET ... WHERE ...``; ``increment`` names a version column bumped by one."""
    r = _Render(dialect)
    sets = [f"{r.quote(c)} = {r.bind(v)}" for c, v in values.items()]
    if increment is not None:
        sets.append(f"{r.quote(increment)} = {r.quote(increment)} + 1")
    text = f"UPDATE {r.quote(table)} SET {', '.join(sets)}{r.where(where)}"
    return Statement(text, r.params)


def delete(dialect: Dialect, table: str, where: Sequence[Condition]) -> Statement:
    r = _Render(dialect)
    return Statement(f"DELETE FROM {r.quote(table)}{r.where(where)}", r.params)
