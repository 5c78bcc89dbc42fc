"""Usage reports (``[telemetry] usage_file``): how often each operation ran, per client name and
version, and how often each schema field was selected, aggregated in memory and appended to a
JSON-lines file every ``usage_flush_secs`` (and when the gateway stops). This is what a
breaking-change check reads: a field nobody selected in the reported period can go.

One line per period::

    {"from": "...", "to": "...", "operations": [{"hash", "name", "kind", "client_name",
     "client_version", "count"}], "fields": {"User.name": 12, ...}}

Which fields an operation selects is worked out once per operation and condition values; per
request only counters move. Writing happens in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from graphql import get_named_type

from hansa.operation.normalized import Selection
from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin
from hansa.supergraph import Supergraph
from hansa.supergraph.api_schema import object_types

log = logging.getLogger("hansa.usage")

MAX_FIELD_SETS = 1000  # operations whose field lists are kept


class UsageReports(Plugin):
    name = "usage"

    def __init__(self, path: str, flush_secs: float = 60.0) -> None:
        self.path = Path(path)
        self.flush_secs = flush_secs
        self.operations: Counter[tuple[str, str | None, str, str | None, str | None]] = Counter()
        self.fields: Counter[str] = Counter()
        self.since = datetime.now(UTC)
        self._field_sets: dict[tuple[str, tuple[bool, ...]], tuple[str, ...]] = {}
        self._supergraph: Supergraph | None = None
        self._task: asyncio.Task[None] | None = None

    def on_supergraph(self, supergraph: Supergraph) -> None:
        self._supergraph = supergraph
        self._field_sets.clear()

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        operation = context.operation
        if operation is None:
            return None
        prepared = operation.prepared
        self.operations[
            (
                prepared.key,
                prepared.name,
                prepared.kind,
                context.header("apollographql-client-name"),
                context.header("apollographql-client-version"),
            )
        ] += 1
        key = (prepared.key, operation.assignment)
        fields = self._field_sets.get(key)
        if fields is None:
            fields = self._selected(operation.selection, prepared.root_type)
            if len(self._field_sets) >= MAX_FIELD_SETS:
                self._field_sets.clear()
            self._field_sets[key] = fields
        self.fields.update(fields)
        return None

    def _selected(self, selection: Selection, root_type: str) -> tuple[str, ...]:
        """``Type.field`` for every field the operation selects, on each possible type."""
        supergraph = self._supergraph
        if supergraph is None:
            return ()
        api, implements = supergraph.api_schema, supergraph.implements
        found: list[str] = []

        def walk(selection: Selection, type_name: str) -> None:
            for concrete in object_types(api, type_name):
                for f in selection.fields_for(concrete, implements):
                    if f.name.startswith("__") or f.type_ref is None:
                        continue
                    found.append(f"{concrete}.{f.name}")
                    if f.selection is not None:
                        walk(f.selection, get_named_type(f.type_ref).name)

        walk(selection, root_type)
        return tuple(dict.fromkeys(found))

    def report(self) -> dict[str, Any] | None:
        """The period's report, and a new period; None when nothing ran."""
        now = datetime.now(UTC)
        operations, fields, since = self.operations, self.fields, self.since
        self.operations, self.fields, self.since = Counter(), Counter(), now
        if not operations:
            return None
        return {
            "from": since.isoformat(timespec="seconds"),
            "to": now.isoformat(timespec="seconds"),
            "operations": [
                {
                    "hash": key,
                    "name": name,
                    "kind": kind,
                    "client_name": client,
                    "client_version": version,
                    "count": count,
                }
                for (key, name, kind, client, version), count in operations.most_common()
            ],
            "fields": dict(fields.most_common()),
        }

    async def flush(self) -> None:
        report = self.report()
        if report is None:
            return
        line = orjson.dumps(report) + b"\n"
        try:
            await asyncio.to_thread(self._append, line)
        except OSError as error:
            log.warning("cannot write usage to %s: %s", self.path, error.strerror or error)

    def _append(self, line: bytes) -> None:
        with self.path.open("ab") as file:
            file.write(line)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._flushing())

    async def _flushing(self) -> None:
        while True:
            await asyncio.sleep(self.flush_secs)
            await self.flush()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()
