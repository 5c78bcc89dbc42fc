"""Usage reports (``[telemetry] usage_file``): how often each operation ran, per client name and
version, and how often each schema field was selected, aggregated in memory and appended to a
JSON-lines file every ``usage_flush_secs`` (and when the gateway stops). This is what a
breaking-change check reads: a field nobody selected in the reported period can go.

One line per period::

    {"from": "...", "to": "...", "operations": [{"hash", "name", "kind", "client_name",
     "client_version", "count", "document"}], "fields": {"User.name": 12, ...},
     "clients": {"web": {"User.name": 10, "Query.user(id:)": 4, ...}, "": {...}}}

``fields`` counts every client's selections of ``Type.field`` (on each possible object type, as
completion sees them). ``clients`` splits the same counts per client name (``""`` for requests
without ``apollographql-client-name``) and adds ``Type.field(arg:)`` for every argument an
operation passes, so a check can tell an argument nobody sends from a field nobody selects.
``document`` is the operation's document text, which a plan-regression check re-plans (absent
past ``MAX_DOCUMENT_CHARS``, or once a period's documents reach ``MAX_PERIOD_DOCUMENT_CHARS``).
The keys older readers know are unchanged.

Which coordinates an operation uses is worked out once per operation and condition values; per
request only counters move. Writing happens in a worker thread, off the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from graphql import DocumentNode, get_named_type

from hansa.operation.normalized import Selection
from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin
from hansa.supergraph import Supergraph
from hansa.supergraph.api_schema import object_types

log = logging.getLogger("hansa.usage")

MAX_FIELD_SETS = 1000  # operations whose coordinate lists are kept
MAX_DOCUMENT_CHARS = 64 * 1024  # longer documents are reported without their text
MAX_PERIOD_DOCUMENT_CHARS = 16 * 1024 * 1024  # document text kept per period, at most


MAX_UNSENT = 60  # periods held while the registry is down: an hour at the default flush


@dataclass(frozen=True)
class UsageDestination:
    """A registry variant the gateway reports usage to (``POST .../usage``)."""

    url: str
    graph: str
    variant: str
    token: str | None = None

    async def send(self, report: dict[str, Any]) -> None:
        from hansa.registry.client import RegistryClient, variant_path

        client = RegistryClient(self.url, self.token, timeout=10)
        await client.post(f"{variant_path(self.graph, self.variant)}/usage", report)


class UsageReports(Plugin):
    name = "usage"

    def __init__(
        self,
        path: str | None,
        flush_secs: float = 60.0,
        *,
        registry: UsageDestination | None = None,
    ) -> None:
        self.path = None if path is None else Path(path)
        self.flush_secs = flush_secs
        self.registry = registry
        # Reports the registry did not take yet (it was down), oldest first, bounded.
        self._unsent: list[dict[str, Any]] = []
        self.operations: Counter[tuple[str, str | None, str, str | None, str | None]] = Counter()
        self.fields: Counter[str] = Counter()
        self.clients: dict[str, Counter[str]] = {}
        # Document text per operation hash, for the operations of this period.
        self.documents: dict[str, str] = {}
        self._document_chars = 0
        self.since = datetime.now(UTC)
        # Per (operation, condition values): its field coordinates, then every coordinate
        # (fields and arguments) for the per-client counts.
        self._field_sets: dict[
            tuple[str, tuple[bool, ...]], tuple[tuple[str, ...], tuple[str, ...]]
        ] = {}
        self._supergraph: Supergraph | None = None
        self._task: asyncio.Task[None] | None = None
        self._writing: asyncio.Future[None] | None = None  # the last period's write

    def on_supergraph(self, supergraph: Supergraph) -> None:
        self._supergraph = supergraph
        self._field_sets.clear()

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        operation = context.operation
        if operation is None:
            return None
        prepared = operation.prepared
        client_name = context.header("apollographql-client-name")
        self.operations[
            (
                prepared.key,
                prepared.name,
                prepared.kind,
                client_name,
                context.header("apollographql-client-version"),
            )
        ] += 1
        key = (prepared.key, operation.assignment)
        sets = self._field_sets.get(key)
        if sets is None:
            sets = self._selected(operation.selection, prepared.root_type)
            if len(self._field_sets) >= MAX_FIELD_SETS:
                self._field_sets.clear()
            self._field_sets[key] = sets
        if prepared.key not in self.documents:
            text = _document_text(prepared.document)
            if self._document_chars + len(text) > MAX_PERIOD_DOCUMENT_CHARS:
                text = ""  # many distinct documents this period: the rest go without text
            self._document_chars += len(text)
            self.documents[prepared.key] = text
        fields, coordinates = sets
        self.fields.update(fields)
        counts = self.clients.get(client_name or "")
        if counts is None:
            counts = self.clients[client_name or ""] = Counter()
        counts.update(coordinates)
        return None

    def _selected(
        self, selection: Selection, root_type: str
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``Type.field`` for every field the operation selects, on each possible type; then
        the same with ``Type.field(arg:)`` after each field for every argument it passes."""
        supergraph = self._supergraph
        if supergraph is None:
            return (), ()
        api, implements = supergraph.api_schema, supergraph.implements
        fields: list[str] = []
        coordinates: list[str] = []

        def walk(selection: Selection, type_name: str) -> None:
            for concrete in object_types(api, type_name):
                for f in selection.fields_for(concrete, implements):
                    if f.name.startswith("__") or f.type_ref is None:
                        continue
                    coordinate = f"{concrete}.{f.name}"
                    fields.append(coordinate)
                    coordinates.append(coordinate)
                    coordinates.extend(f"{coordinate}({a.name.value}:)" for a in f.arguments)
                    if f.selection is not None:
                        walk(f.selection, get_named_type(f.type_ref).name)

        walk(selection, root_type)
        return tuple(dict.fromkeys(fields)), tuple(dict.fromkeys(coordinates))

    def report(self) -> dict[str, Any] | None:
        """The period's report, and a new period; None when nothing ran."""
        now = datetime.now(UTC)
        operations, fields, since = self.operations, self.fields, self.since
        clients, documents = self.clients, self.documents
        self.operations, self.fields, self.since = Counter(), Counter(), now
        self.clients, self.documents, self._document_chars = {}, {}, 0
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
                    **_document_entry(documents.get(key)),
                }
                for (key, name, kind, client, version), count in operations.most_common()
            ],
            "fields": dict(fields.most_common()),
            "clients": {
                name: dict(counts.most_common()) for name, counts in sorted(clients.items())
            },
        }

    async def flush(self) -> None:
        report = self.report()
        if report is None:
            return
        # Shielded: a period taken out of the counters is written even when the flushing task
        # is cancelled meanwhile (``close`` waits for the write instead of losing the period).
        self._writing = asyncio.ensure_future(self._write(report))
        await asyncio.shield(self._writing)

    async def _write(self, report: dict[str, Any]) -> None:
        if self.path is not None:
            try:
                await asyncio.to_thread(self._append, self.path, orjson.dumps(report) + b"\n")
            except OSError as error:
                log.warning("cannot write usage to %s: %s", self.path, error.strerror or error)
        if self.registry is not None:
            await self._send(report)

    async def _send(self, report: dict[str, Any]) -> None:
        """To the registry, with what an outage held back; kept for the next flush when it
        is still down (at most ``MAX_UNSENT`` periods, oldest dropped first)."""
        from hansa.registry.client import ClientError

        assert self.registry is not None
        self._unsent.append(report)
        del self._unsent[:-MAX_UNSENT]
        while self._unsent:
            try:
                await self.registry.send(self._unsent[0])
            except ClientError as error:
                log.warning("usage not sent to the registry (kept for the next try): %s", error)
                return
            self._unsent.pop(0)

    @staticmethod
    def _append(path: Path, line: bytes) -> None:
        with path.open("ab") as file:
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
        if self._writing is not None:
            await self._writing
        await self.flush()


def _document_text(document: DocumentNode) -> str:
    """The document's text as the client sent it; "" past ``MAX_DOCUMENT_CHARS`` (not kept, not
    reported) or when the document was built without locations."""
    loc = document.loc
    text = loc.source.body if loc is not None else ""
    return text if len(text) <= MAX_DOCUMENT_CHARS else ""


def _document_entry(text: str | None) -> dict[str, str]:
    return {"document": text} if text else {}
