"""A tenant-isolated model for the tenancy tests: notes in PostgreSQL under row-level security,
their tags in SQLite filtered by the request's tenant."""

from __future__ import annotations

import hansa
from hansa.scalars import ID


@hansa.type(database="main", sql_source="tb_note", key="id")
class Note:
    id: ID
    tenant_id: str
    body: str
    tags: list[Tag] = hansa.federated(
        database="tags",
        local_key="id",
        remote_key="note_id",
        type_conversion=str,
        filter={"tenant_id": hansa.context("tenant_id")},
    )


@hansa.type(database="tags", sql_source="note_tags", key="id")
class Tag:
    id: ID
    note_id: ID
    tenant_id: str
    name: str


@hansa.query()
def notes(limit: int = 100) -> list[Note]: ...


@hansa.mutation(operation="CREATE")
def create_note(id: ID, body: str) -> Note: ...
