"""Sharding by key hash (``[databases.NAME] shards = [...]``, ``shard_key = "user_id"``): which
shard a row lives on, which shards a statement must go to, and how the rows of a statement
fanned out to every shard become one answer.

A key's shard is ``crc32(str(value)) % shards`` — stable across processes, releases and
languages, so rows written by one deployment are found by the next. Statements whose
conditions fix the shard column (``=`` or ``IN``) go only to the shards those values live on,
each with only its own values; any other statement goes to every shard, and ordering, offset
and limit are applied again to the merged rows.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any

from hansa.db.drivers.base import Row
from hansa.db.sql import AnyOf, Condition, Order


@dataclass(frozen=True)
class Sharding:
    column: str  # the shard key's column
    urls: tuple[str, ...]


def shard_of(value: Any, shards: int) -> int:
    return zlib.crc32(str(value).encode()) % shards


def route(
    conditions: Sequence[Condition | AnyOf], column: str, shards: int
) -> dict[int, list[Condition | AnyOf]] | None:
    """Per shard, the conditions to send it; ``None`` when the statement must go to all."""
    for index, condition in enumerate(conditions):
        if not isinstance(condition, Condition):
            continue
        if condition.column != column or condition.op not in ("eq", "in"):
            continue
        values = [condition.value] if condition.op == "eq" else list(condition.value)
        by_shard: dict[int, list[Any]] = {}
        for value in values:
            by_shard.setdefault(shard_of(value, shards), []).append(value)
        rest = [c for i, c in enumerate(conditions) if i != index]
        return {
            shard: [
                Condition(
                    column,
                    "eq" if condition.op == "eq" else "in",
                    mine[0] if condition.op == "eq" else mine,
                ),
                *rest,
            ]
            for shard, mine in by_shard.items()
        }
    return None


def merge(
    parts: Iterable[list[Row]], order: Sequence[Order], limit: int | None, offset: int | None
) -> list[Row]:
    """The rows of every shard as one statement would have given them."""
    rows = [row for part in parts for row in part]
    if order:

        def compare(a: Row, b: Row) -> int:
            for o in order:
                x, y = a.get(o.column), b.get(o.column)
                if x == y:
                    continue
                # NULLs last ascending, first descending (PostgreSQL's default).
                if x is None:
                    result = 1
                elif y is None:
                    result = -1
                else:
                    result = -1 if x < y else 1
                return -result if o.descending else result
            return 0

        rows.sort(key=cmp_to_key(compare))
    start = offset or 0
    return rows[start:] if limit is None else rows[start : start + limit]
