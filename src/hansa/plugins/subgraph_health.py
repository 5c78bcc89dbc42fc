"""Each subgraph's reachability, for ``/health/ready``: from every fetch's outcome, and with
``[gateway] ready_requires_subgraphs`` from probes (``{ __typename }`` every
``subgraph_probe_interval_secs``) that also decide readiness.

By default a subgraph being down does not make the gateway unready: every instance shares the
same subgraphs, and pulling them all from the load balancer would turn a partial outage into a
full one. When readiness does depend on subgraphs, probes are what bring an instance back: an
unready instance gets no traffic whose fetches could show the subgraph recovered.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from hansa.pipeline.context import SubgraphRequest, SubgraphResponse
from hansa.pipeline.plugin import Plugin
from hansa.supergraph import Supergraph
from hansa.transport.client import SubgraphClient, SubgraphFetchError

PROBE = "{ __typename }"


class SubgraphHealth(Plugin):
    name = "subgraphs"

    def __init__(self, *, required: bool = False, probe_interval: float = 5.0) -> None:
        self.required = required
        self.probe_interval = probe_interval
        self.client: SubgraphClient | None = None
        self.names: list[str] = []
        # subgraph -> (reachable, when, failure kind or None)
        self.seen: dict[str, tuple[bool, float, str | None]] = {}
        self._task: asyncio.Task[None] | None = None

    def on_supergraph(self, supergraph: Supergraph) -> None:
        self.names = sorted(supergraph.subgraphs)

    def wrap_subgraph_client(self, client: SubgraphClient) -> SubgraphClient:
        self.client = client  # probes go through the transport (and user wrappers) only
        return client

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        failure = response.failure
        if failure is None:
            self.seen[request.subgraph] = (True, time.time(), None)
        elif failure.kind in ("timeout", "http", "malformed"):  # not an open circuit
            self.seen[request.subgraph] = (False, time.time(), failure.kind)

    async def probe(self) -> None:
        """Ask every subgraph for ``__typename`` once, concurrently."""
        client = self.client
        if client is None:
            return

        async def one(name: str) -> None:
            request = SubgraphRequest(name, {"query": PROBE}, {}, "query")
            try:
                await client.fetch(request)
            except SubgraphFetchError as failure:
                self.seen[name] = (False, time.time(), failure.kind)
            else:
                self.seen[name] = (True, time.time(), None)

        await asyncio.gather(*(one(name) for name in self.names))

    async def start(self) -> None:
        if self.required and self.probe_interval > 0 and self._task is None:
            self._task = asyncio.create_task(self._probing())

    async def _probing(self) -> None:
        while True:
            await self.probe()
            await asyncio.sleep(self.probe_interval)

    def ready(self) -> bool:
        if not self.required:
            return True
        return all(self.seen.get(name, (False, 0.0, None))[0] for name in self.names)

    def health(self) -> dict[str, Any] | None:
        detail: dict[str, Any] = {}
        now = time.time()
        for name in self.names:
            found = self.seen.get(name)
            if found is None:
                detail[name] = {"reachable": None}
                continue
            reachable, when, failure = found
            detail[name] = {"reachable": reachable, "seconds_ago": round(now - when, 1)}
            if failure:
                detail[name]["failure"] = failure
        return detail

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
