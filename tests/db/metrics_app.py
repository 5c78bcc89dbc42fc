"""A one-table model on SQLite for ``tests/db/test_metrics.py``: notes, and a list query."""

from __future__ import annotations

import hansa
from hansa.scalars import ID


@hansa.type(database="notes", sql_source="notes", key="id")
class Note:
    id: ID
    title: str
    words: int


@hansa.query()
def notes(limit: int = 50) -> list[Note]: ...  # type: ignore[empty-body]  # the source answers
