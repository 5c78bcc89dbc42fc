"""The gateway as an ASGI app: GraphQL over HTTP on ``/graphql`` (and ``/``), GraphiQL for
browsers, ``/health`` for probes. Mount it in Starlette/FastAPI or serve it with uvicorn.

Every failure becomes a JSON GraphQL error with an ``extensions.code``; nothing here lets a
Python traceback reach a client.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

import orjson

from hansa.cache.invalidation import CacheInvalidation, InvalidationError
from hansa.gateway.config import GatewayConfig
from hansa.gateway.gateway import Gateway
from hansa.http.asgi import (
    Message,
    Receive,
    Scope,
    Send,
    header,
    headers_dict,
    lifespan,
    read_body,
    read_graphql_request,
    send_response,
)
from hansa.http.cors import Cors
from hansa.http.graphql_over_http import (
    APPLICATION_JSON,
    RequestError,
    accepts_html,
    error_body,
    response_media_type,
)
from hansa.http.protocol import CANCELS_ON_DISCONNECT, DISCONNECTED, ConnectionLimits
from hansa.pipeline.context import GatewayResponse
from hansa.pipeline.plugin import Plugin
from hansa.pipeline.request_id import request_id
from hansa.plugins.metrics import METRICS_CONTENT_TYPE, Metrics
from hansa.server.canary import CanaryRoute
from hansa.server.graphiql import ASSETS_PATH, PAGE_HEADERS, graphiql_asset, graphiql_page
from hansa.supergraph import Supergraph

log = logging.getLogger("hansa.gateway")

GRAPHQL_PATHS = ("/", "/graphql")
INVALIDATE_PATH = "/admin/cache/invalidate"
PLAN_HEADER = b"hansa-expose-query-plan"
REQUEST_ID_HEADER = b"x-request-id"


class GatewayApp:
    """ASGI app around a ``Gateway``; ``swap`` replaces the gateway (hot reload) between
    requests, and ``background`` tasks (like a schema watcher) run while the app is up."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.config = gateway.config
        self.cors = Cors(gateway.config.cors)
        self.background: list[Callable[[], Coroutine[Any, Any, None]]] = []
        self._tasks: list[asyncio.Task[None]] = []
        # Set on SIGTERM (``hansa.http.serve``): /health/ready answers 503 while in-flight
        # requests finish.
        self.draining = False
        self.metrics: Metrics | None = None
        self._bind_metrics()
        # During a registry canary rollout, the gateway serving a share of clients.
        self.canary: CanaryRoute | None = None

    def _bind_metrics(self) -> None:
        """Find the pipeline's metrics plugin (when metrics are on) and point its scrape-time
        figures at whichever gateway serves. A new supergraph keeps the pipeline, and so it;
        new settings bring a new one."""
        found = (p for p in self.gateway.pipeline.plugins if isinstance(p, Metrics))
        self.metrics = next(found, None)
        if self.metrics is not None:
            self.metrics.bind(lambda: self.gateway)

    # Served by ``hansa.http.serve``, a request's task is cancelled when its client leaves.
    cancel_on_disconnect = True

    @property
    def connection_limits(self) -> ConnectionLimits:
        """What ``hansa.http.serve`` guards this app's connections with."""
        config = self.config
        return ConnectionLimits(
            config.header_timeout,
            config.idle_timeout,
            config.max_connections,
            config.max_url_bytes,
            config.max_header_bytes,
            config.drain_delay,
            config.shutdown_grace,
        )

    def swap(self, gateway: Gateway) -> None:
        """Serve ``gateway`` from the next request on; the old one closes once idle."""
        old, self.gateway = self.gateway, gateway
        self.config = gateway.config
        keep = gateway.pipeline is old.pipeline  # a new supergraph keeps the plugins
        if not keep:  # new settings: new plugins (``hansa.gateway.reload.reload_config``)
            self.cors = Cors(gateway.config.cors)
            self._bind_metrics()
        task = asyncio.get_running_loop().create_task(_close_later(old, keep_plugins=keep))
        self._tasks.append(task)

    def set_canary(self, canary: CanaryRoute | None) -> None:
        """Route a share of clients to ``canary.gateway`` (``None``: everyone to the main one).
        The canary shares the main gateway's pipeline, so only its supergraph closes."""
        old, self.canary = self.canary, canary
        if old is not None and (canary is None or old.gateway is not canary.gateway):
            task = asyncio.get_running_loop().create_task(
                _close_later(old.gateway, keep_plugins=True)
            )
            self._tasks.append(task)

    def route(self, scope: Scope) -> Gateway:
        """The gateway that answers this request."""
        canary = self.canary
        if canary is not None and canary.picks(scope):
            return canary.gateway
        return self.gateway

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send, self.startup, self.shutdown)
            return
        if scope["type"] != "http":
            return
        rid = request_id(header(scope, REQUEST_ID_HEADER))
        try:
            await self._http(scope, receive, send, rid)
        except asyncio.CancelledError as cancelled:
            if cancelled.args != (DISCONNECTED,):
                raise
            # The client left (hansa.http.protocol): nothing to answer, nobody to answer.
        except Exception:
            log.exception("unhandled error while serving request %s", rid)
            body = _coded("Internal server error.", "INTERNAL_SERVER_ERROR", rid)
            await send_response(send, 500, body, APPLICATION_JSON, [_id_header(rid)])

    async def startup(self) -> None:
        """Start background tasks (schema watching). Called by the ASGI lifespan; call it
        yourself from your framework's lifespan when mounting the app (Starlette's ``Mount``
        does not forward lifespan events)."""
        await self.gateway.pipeline.start()
        self._tasks.extend(asyncio.create_task(start()) for start in self.background)

    async def shutdown(self) -> None:
        """Stop background tasks and close the subgraph connection pools."""
        for task in self._tasks:
            task.cancel()
        await self.gateway.close()

    async def _http(self, scope: Scope, receive: Receive, send: Send, rid: str) -> None:
        """Serve one request; every response but the health probes' carries ``rid`` in its
        ``x-request-id`` header and in each error."""
        path = scope["path"]
        root_path = scope.get("root_path", "")
        if root_path and path.startswith(root_path):
            path = path[len(root_path) :]  # mounted under a prefix (Starlette Mount, etc.)
        path = path.rstrip("/") or "/"
        method = scope["method"]
        if path in ("/health", "/health/live"):
            await send_response(send, 200, b'{"status":"UP"}', APPLICATION_JSON)
            return
        if path == "/health/ready":
            await self._ready(send)
            return
        if path == "/metrics" and self.metrics is not None:
            body = self.metrics.exposition()
            await send_response(send, 200, body, METRICS_CONTENT_TYPE)
            return
        own = _id_header(rid)
        if path == INVALIDATE_PATH and self._invalidation() is not None:
            await self._invalidate(scope, receive, send, rid)
            return
        if path.startswith(ASSETS_PATH) and self.config.graphiql:
            # The files of the GraphiQL page (shipped in the package: it works offline).
            qs = scope.get("query_string", b"")
            asset = graphiql_asset(path, method, qs, rid)
            if asset is not None:
                status, content, content_type, extra = asset
                await send_response(send, status, content, content_type, [*extra, own])
                return
        if path not in GRAPHQL_PATHS:
            await send_response(
                send,
                404,
                _coded("Not found.", "NOT_FOUND", rid),
                APPLICATION_JSON,
                [own],
            )
            return
        if self.cors.enabled:
            origin = header(scope, b"origin")
            if method == "OPTIONS":
                asked = header(scope, b"access-control-request-headers")
                preflight = self.cors.preflight_headers(origin, asked)
                await send_response(send, 204, b"", "text/plain", [*preflight, own])
                return
            send = _adding(send, self.cors.response_headers(origin))
        accept = header(scope, b"accept")
        if (
            method == "GET"
            and self.config.graphiql
            and accepts_html(accept)
            and b"query=" not in scope.get("query_string", b"")
        ):
            html = graphiql_page(root_path)
            page_headers = [*PAGE_HEADERS, own]
            await send_response(send, 200, html, "text/html; charset=utf-8", page_headers)
            return
        media = response_media_type(accept)
        if media is None:
            body = _coded(
                "None of the accepted media types can be served; accept application/graphql-response+json or application/json.",
                "NOT_ACCEPTABLE",
                rid,
            )
            await send_response(send, 406, body, APPLICATION_JSON, [own])
            self.observe_refusal(406, "NOT_ACCEPTABLE")
            return
        try:
            async with asyncio.timeout(self.config.body_timeout):
                request = await read_graphql_request(scope, receive, self.config.max_body_bytes)
        except RequestError as error:
            body = error_body([error.to_error()], rid)
            await send_response(send, error.status, body, media, [own])
            self.observe_refusal(error.status, error.code)
            return
        except TimeoutError:
            body = _coded("The request body did not arrive in time.", "REQUEST_TIMEOUT", rid)
            await send_response(send, 408, body, media, [(b"connection", b"close"), own])
            self.observe_refusal(408, "REQUEST_TIMEOUT")
            return
        include_plan = self.config.expose_query_plan and header(scope, PLAN_HEADER) == "true"
        gateway = self.route(scope)
        work = gateway.execute(
            request.query,
            request.variables,
            request.operation_name,
            headers_dict(scope),
            allowed_kinds=("query",) if method == "GET" else ("query", "mutation"),
            include_plan=include_plan,
            client=_client_address(scope),
            method=method,
            request_id=rid,
            extensions=request.extensions,
        )
        if scope.get("extensions", {}).get(CANCELS_ON_DISCONNECT):
            result: GatewayResponse | None = await work  # the server cancels us if they leave
        else:
            result = await _unless_disconnected(work, receive)
        if result is None:
            return  # the client left: its fetches were cancelled, nobody to answer
        status = result.status
        extra = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in result.headers]
        extra.append(own)
        if gateway.composition is not None:
            extra.append((b"x-hansa-composition", gateway.composition.encode("latin-1")))
        if status == 405:
            extra.append((b"allow", b"POST"))
        try:
            if result.encoded is None:
                result.encoded = orjson.dumps(result.body)
            body = result.encoded
        except orjson.JSONEncodeError:
            status, body = (
                500,
                _coded(
                    "The response is nested too deeply to encode as JSON.",
                    "RESPONSE_NOT_SERIALIZABLE",
                    rid,
                ),
            )
        await send_response(send, status, body, media, extra)

    def observe_refusal(self, status: int, code: str) -> None:
        """Count a request refused before the gateway ran it (here or by the connection
        guard of ``hansa.http.protocol``)."""
        if self.metrics is not None:
            self.metrics.observe_refusal(status, code)

    def _invalidation(self) -> CacheInvalidation | None:
        """The cache invalidation plugin, when the admin endpoint is on."""
        cache = self.config.cache
        if cache is None or not cache.admin_token:
            return None
        for plugin in self.gateway.pipeline.plugins:
            if isinstance(plugin, CacheInvalidation):
                return plugin
        return None

    async def _invalidate(self, scope: Scope, receive: Receive, send: Send, rid: str) -> None:
        """``POST /admin/cache/invalidate`` with ``{"type", "key"}`` or ``{"tag"}``, behind
        ``[federation.cache] admin_token``: answers ``{"invalidated": N}``."""
        plugin, cache = self._invalidation(), self.config.cache
        assert plugin is not None and cache is not None and cache.admin_token
        extra = [_id_header(rid)]

        async def refuse(status: int, code: str, message: str) -> None:
            body = _coded(message, code, rid)
            await send_response(send, status, body, APPLICATION_JSON, extra)

        if scope["method"] != "POST":
            await refuse(405, "METHOD_NOT_ALLOWED", "Use POST.")
            return
        sent = (header(scope, b"authorization") or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), cache.admin_token.encode()):
            await refuse(401, "UNAUTHENTICATED", "A valid admin token is required.")
            return
        try:
            message = orjson.loads(await read_body(receive, 64 * 1024))
            dropped = await plugin.invalidate(message)
        except RequestError as error:
            await refuse(error.status, error.code, error.message)
            return
        except (orjson.JSONDecodeError, InvalidationError) as error:
            await refuse(400, "BAD_REQUEST", f"Cannot invalidate: {error}.")
            return
        await send_response(
            send, 200, orjson.dumps({"invalidated": dropped}), APPLICATION_JSON, extra
        )

    async def _ready(self, send: Send) -> None:
        """Readiness for load balancers: 200 while every plugin lets traffic in, else 503;
        the body carries the plugins' detail (circuit breakers' states)."""
        ready, detail = self.gateway.pipeline.health()
        ready = ready and not self.draining
        status = "DRAINING" if self.draining else "READY" if ready else "NOT_READY"
        body = orjson.dumps({"status": status, **self.gateway.caches(), **detail})
        await send_response(send, 200 if ready else 503, body, APPLICATION_JSON)


async def _unless_disconnected(
    work: Coroutine[Any, Any, GatewayResponse], receive: Receive
) -> GatewayResponse | None:
    """``work``'s result, or None when the client disconnects first: then this task is
    cancelled, and with it ``work`` and the subgraph requests it waits on. (One watcher task
    per request; ``work`` runs in this one.)"""
    current = asyncio.current_task()
    assert current is not None
    running = True

    def left(task: asyncio.Task[None]) -> None:
        if running and not task.cancelled():
            current.cancel()

    gone = asyncio.get_running_loop().create_task(_disconnect(receive))
    gone.add_done_callback(left)
    try:
        return await work
    except asyncio.CancelledError:
        if gone.done() and not gone.cancelled():
            return None
        raise
    finally:
        running = False
        gone.cancel()


async def _disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


def _adding(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    """``send``, with ``headers`` added to the response's start."""
    if not headers:
        return send

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", ()), *headers]}
        await send(message)

    return sending


def _coded(message: str, code: str, rid: str) -> bytes:
    """The body of a refusal: one error with its code and the request id."""
    return error_body([{"message": message, "extensions": {"code": code}}], rid)


def _id_header(rid: str) -> tuple[bytes, bytes]:
    return (REQUEST_ID_HEADER, rid.encode("latin-1"))


def _client_address(scope: Scope) -> str | None:
    client = scope.get("client")
    return str(client[0]) if client else None


async def _close_later(gateway: Gateway, grace: float = 30.0, *, keep_plugins: bool) -> None:
    """Give in-flight requests on a replaced gateway time to finish, then close its pool (and
    its plugins, unless they live on in its successor)."""
    await asyncio.sleep(grace)
    await gateway.close(keep_plugins=keep_plugins)


def create_app(
    supergraph: str | Path | Supergraph,
    config: GatewayConfig | None = None,
    plugins: Sequence[Plugin] = (),
    **options: Any,
) -> GatewayApp:
    """An ASGI app serving ``supergraph`` (SDL text, a path to it, or a read ``Supergraph``),
    with ``plugins`` after the built-in ones (``docs/plugins.md``).

    Keyword options are ``GatewayConfig`` fields, for convenience:
    ``create_app("supergraph.graphql", subgraph_urls={"accounts": "http://..."})``.
    """
    if config is None:
        config = GatewayConfig(**options)
    elif options:
        raise TypeError("pass either config or keyword options, not both")
    if isinstance(supergraph, Path) or (
        isinstance(supergraph, str)
        and "\n" not in supergraph
        and supergraph.endswith((".graphql", ".graphqls", ".gql"))
    ):
        supergraph = Path(supergraph).read_text()
    return GatewayApp(Gateway(supergraph, config, plugins))
