"""``Plugin``: the hooks a Python class can register on the gateway's stages, and ``Pipeline``,
which calls them.

A request passes these stages, each with its hook::

    on_request            HTTP request received, nothing parsed (rate limits, authentication)
    on_operation          parsed, validated, variables coerced (limits, demand control)
    on_plan               plan chosen, nothing fetched (may return another plan)
    on_subgraph_request   before each fetch (headers; may answer the fetch itself)
    on_subgraph_response  after each fetch, with its response or failure and duration
    on_response           the response, before it is encoded (extensions, headers)

``on_request`` and ``on_operation`` may end the request by returning a ``GatewayResponse``.
``wrap_subgraph_client`` wraps the client every fetch goes through (retries, breakers,
deduplication), and ``on_supergraph`` sees each supergraph the gateway loads. A plugin overrides
only the hooks it needs; the pipeline calls only overridden hooks, so a hook nobody uses costs
nothing per request.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hansa.pipeline.context import (
    GatewayResponse,
    RequestContext,
    SubgraphRequest,
    SubgraphResponse,
)
from hansa.transport.client import SubgraphClient, SubgraphFetchError

if TYPE_CHECKING:
    from hansa.planner.plan import QueryPlan
    from hansa.supergraph import Supergraph


class Plugin:
    """Base class of gateway plugins: override the hooks you need, leave the rest."""

    name = "plugin"

    def on_supergraph(self, supergraph: Supergraph) -> None:
        """A supergraph was loaded (at start and on every reload)."""

    def wrap_subgraph_client(self, client: SubgraphClient) -> SubgraphClient:
        """The client fetches go through; return ``client`` or a client around it."""
        return client

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        """Before parsing; a response returned here is the answer."""
        return None

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        """After validation and variable coercion (``context.operation`` is set); a response
        returned here is the answer and nothing is fetched."""
        return None

    async def on_plan(self, context: RequestContext, plan: QueryPlan) -> QueryPlan | None:
        """Before execution; a plan returned here runs instead."""
        return None

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        """Before a fetch; a GraphQL response returned here answers it without sending it.
        Raise ``SubgraphFetchError`` to fail the fetch."""
        return None

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        """After a fetch (or its failure)."""

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        """The response, before it is encoded; change ``response`` in place."""

    def health(self) -> dict[str, Any] | None:
        """Detail for ``GET /health/ready``; ``None`` for nothing to report."""
        return None

    def ready(self) -> bool:
        """Whether this plugin lets the gateway report ready."""
        return True

    async def start(self) -> None:
        """Start background work (listening for events); called once when the server starts,
        inside its event loop."""

    async def close(self) -> None:
        """Release what the plugin holds (connections); called once when the gateway stops."""


def _overrides(plugin: Plugin, hook: str) -> bool:
    return getattr(type(plugin), hook) is not getattr(Plugin, hook)


class Pipeline:
    """The plugins of one gateway, with each hook's implementations listed once."""

    def __init__(self, plugins: Sequence[Plugin]) -> None:
        self.plugins = tuple(plugins)

        def implementing(hook: str) -> list[Any]:
            return [getattr(p, hook) for p in self.plugins if _overrides(p, hook)]

        self.request_hooks = implementing("on_request")
        self.operation_hooks = implementing("on_operation")
        self.plan_hooks = implementing("on_plan")
        self.subgraph_request_hooks = implementing("on_subgraph_request")
        self.subgraph_response_hooks = implementing("on_subgraph_response")
        self.response_hooks = implementing("on_response")

    def load(self, supergraph: Supergraph) -> None:
        for plugin in self.plugins:
            plugin.on_supergraph(supergraph)

    def client(self, transport: SubgraphClient) -> SubgraphClient:
        """``transport`` wrapped by every plugin, the first plugin outermost; the subgraph
        hooks run outside all of them, once per fetch the executor makes."""
        client = transport
        for plugin in reversed(self.plugins):
            client = plugin.wrap_subgraph_client(client)
        if self.subgraph_request_hooks or self.subgraph_response_hooks:
            client = _HookedClient(client, self)
        return client

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        return await _first_answer(self.request_hooks, context)

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        return await _first_answer(self.operation_hooks, context)

    async def on_plan(self, context: RequestContext, plan: QueryPlan) -> QueryPlan:
        for hook in self.plan_hooks:
            plan = await hook(context, plan) or plan
        return plan

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        for hook in self.response_hooks:
            await hook(context, response)

    def health(self) -> tuple[bool, dict[str, Any]]:
        detail = {p.name: d for p in self.plugins if (d := p.health()) is not None}
        return all(p.ready() for p in self.plugins), detail

    async def start(self) -> None:
        for plugin in self.plugins:
            await plugin.start()

    async def close(self) -> None:
        for plugin in self.plugins:
            await plugin.close()


async def _first_answer(hooks: list[Any], context: RequestContext) -> GatewayResponse | None:
    """Run ``hooks`` in order until one answers the request."""
    for hook in hooks:
        answer: GatewayResponse | None = await hook(context)
        if answer is not None:
            return answer
    return None


class _HookedClient:
    """Runs the subgraph hooks around each fetch."""

    def __init__(self, inner: SubgraphClient, pipeline: Pipeline) -> None:
        self.inner = inner
        self.before = pipeline.subgraph_request_hooks
        self.after = pipeline.subgraph_response_hooks

    async def fetch(self, request: SubgraphRequest) -> dict[str, Any]:
        for hook in self.before:
            answer: dict[str, Any] | None = await hook(request)
            if answer is not None:
                return answer
        if not self.after:
            return await self.inner.fetch(request)
        started = time.perf_counter()
        body: dict[str, Any] | None = None
        failure: SubgraphFetchError | None = None
        try:
            body = await self.inner.fetch(request)
        except SubgraphFetchError as error:
            failure = error
        outcome = SubgraphResponse(body, failure, time.perf_counter() - started)
        for after in self.after:
            await after(request, outcome)
        if failure is not None:
            raise failure
        assert body is not None
        return body

    async def close(self) -> None:
        await self.inner.close()
