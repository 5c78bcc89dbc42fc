"""Serve a ``Subgraph`` over GraphQL-over-HTTP as a plain ASGI application."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from hansa.http.asgi import (
    Receive,
    Scope,
    Send,
    header,
    headers_dict,
    lifespan,
    read_graphql_request,
)
from hansa.http.asgi import send_response as send
from hansa.http.graphql_over_http import (
    APPLICATION_JSON,
    GRAPHQL_RESPONSE_JSON,
    GraphQLRequest,
    RequestError,
    error_body,
    response_media_type,
)

if TYPE_CHECKING:
    from hansa.subgraph.subgraph import Subgraph

GRAPHQL_PATHS = ("/", "/graphql")


class SubgraphApp:
    """ASGI app: ``POST``/``GET`` GraphQL on ``/`` and ``/graphql``; ``GET /health`` for probes.

    The per-request context passed to resolvers is ``{"headers": {...}}`` with lower-case names.
    """

    def __init__(self, subgraph: Subgraph, *, max_body_bytes: int) -> None:
        self.subgraph = subgraph
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send_: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send_)
            return
        if scope["type"] != "http":
            return
        path = scope["path"].rstrip("/") or "/"
        if path == "/health":
            await send(send_, 200, b'{"status":"UP"}', APPLICATION_JSON)
            return
        if path not in GRAPHQL_PATHS:
            await send(send_, 404, error_body([{"message": "Not found."}]), APPLICATION_JSON)
            return
        media = response_media_type(header(scope, b"accept")) or APPLICATION_JSON
        try:
            request = await read_graphql_request(scope, receive, self.max_body_bytes)
        except RequestError as error:
            await send(send_, error.status, error_body([error.to_error()]), media)
            return
        status, body = await self._execute(scope, request, media)
        await send(send_, status, body, media)

    async def _execute(
        self, scope: Scope, request: GraphQLRequest, media: str
    ) -> tuple[int, bytes]:
        if not request.query:
            error = RequestError("The 'query' parameter is required.", code="BAD_REQUEST")
            return error.status, error_body([error.to_error()])
        context: dict[str, Any] = {"headers": headers_dict(scope)}
        result = await self.subgraph.execute(
            request.query, request.variables, request.operation_name, context
        )
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        payload["data"] = result.data
        status = 200
        if result.data is None and media == GRAPHQL_RESPONSE_JSON:
            status = 400
        if result.data is None and "data" in payload and result.errors:
            del payload["data"]
        return status, orjson.dumps(payload)
