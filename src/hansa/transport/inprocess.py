"""Subgraphs the gateway runs in its own process (database subgraphs, ``[subgraphs.NAME]
module``): the same ``SubgraphClient`` as HTTP, with no socket, no JSON encoding and no second
parse of the response. Other subgraphs go to the HTTP transport it wraps.

An in-process subgraph starts on its first fetch (it opens database pools, which needs the
running event loop) and closes with the gateway's transport.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Protocol

from hansa.pipeline.context import SubgraphRequest
from hansa.transport.client import HTTP_ERROR, SubgraphClient, SubgraphFetchError


class InProcessSubgraph(Protocol):
    """What the gateway needs of a subgraph it hosts (``hansa.db.app.DatabaseSubgraph``)."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def respond(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        headers: Mapping[str, str],
    ) -> dict[str, Any]:
        """The GraphQL response, as a subgraph would send it over HTTP."""
        ...


class InProcessTransport:
    def __init__(self, http: SubgraphClient, local: Mapping[str, InProcessSubgraph]) -> None:
        self.http = http
        self.local = dict(local)
        self._started: set[str] = set()
        self._starting = asyncio.Lock()

    async def fetch(self, request: SubgraphRequest) -> dict[str, Any]:
        subgraph = self.local.get(request.subgraph)
        if subgraph is None:
            return await self.http.fetch(request)
        if request.subgraph not in self._started:
            await self._start(request.subgraph, subgraph)
        payload = request.payload
        headers = {k.lower(): v for k, v in request.headers.items()}
        return await subgraph.respond(
            payload["query"], payload.get("variables"), payload.get("operationName"), headers
        )

    async def _start(self, name: str, subgraph: InProcessSubgraph) -> None:
        async with self._starting:
            if name in self._started:
                return
            try:
                await subgraph.start()
            except Exception as error:  # its databases cannot be opened: a failed fetch
                raise SubgraphFetchError(name, str(error), HTTP_ERROR) from None
            self._started.add(name)

    async def close(self) -> None:
        await self.http.close()
        for name in sorted(self._started):
            await self.local[name].close()
        self._started.clear()
