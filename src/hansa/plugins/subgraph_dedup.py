"""In-flight deduplication of identical subgraph queries: while a query (same subgraph, same
payload, same headers) is on its way, an identical one waits for its answer instead of being
sent again. Mutations are always sent.

Each waiter gets its own copy of the answer (the executor merges responses into its own tree,
so a shared dict would be changed under another request). The first request's fetch runs
shielded: one client going away does not fail the others waiting on it, and the fetch is
cancelled only when nobody waits for it any more.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from hansa.pipeline.context import SubgraphRequest
from hansa.pipeline.plugin import Plugin
from hansa.transport.client import SubgraphClient

Key = tuple[str, bytes, tuple[tuple[str, str], ...]]


class SubgraphDedup(Plugin):
    name = "subgraph_dedup"

    def __init__(self) -> None:
        self.shared = 0  # fetches answered by another one in flight

    def wrap_subgraph_client(self, client: SubgraphClient) -> SubgraphClient:
        return _Deduplicating(client, self)


class _Deduplicating:
    def __init__(self, inner: SubgraphClient, plugin: SubgraphDedup) -> None:
        self.inner = inner
        self.plugin = plugin
        self.in_flight: dict[Key, asyncio.Future[tuple[dict[str, Any], bytes | None]]] = {}
        self.waiting: dict[Key, int] = {}

    async def fetch(self, request: SubgraphRequest) -> dict[str, Any]:
        if request.kind != "query":
            return await self.inner.fetch(request)
        try:
            key: Key = (request.subgraph, request.body(), tuple(sorted(request.headers.items())))
        except orjson.JSONEncodeError:
            return await self.inner.fetch(request)  # the transport words this failure
        shared = self.in_flight.get(key)
        if shared is not None:
            self.plugin.shared += 1
            self.waiting[key] = self.waiting.get(key, 0) + 1
            try:
                _, encoded = await asyncio.shield(shared)
            except asyncio.CancelledError:
                self.waiting[key] = self.waiting.get(key, 1) - 1
                raise
            assert encoded is not None
            return orjson.loads(encoded)  # type: ignore[no-any-return]
        shared = self.in_flight[key] = asyncio.ensure_future(self._lead(key, request))
        try:
            answer, _ = await asyncio.shield(shared)
        except asyncio.CancelledError:
            if not self.waiting.get(key):
                shared.cancel()  # nobody else wants it: stop the subgraph request too
            raise
        return answer

    async def _lead(
        self, key: Key, request: SubgraphRequest
    ) -> tuple[dict[str, Any], bytes | None]:
        """The one fetch; encodes the answer for the waiters before its sender can change it."""
        try:
            answer = await self.inner.fetch(request)
        finally:
            del self.in_flight[key]  # from here on, an identical query is sent afresh
            waiting = self.waiting.pop(key, 0)
        return answer, orjson.dumps(answer) if waiting else None

    async def close(self) -> None:
        await self.inner.close()
