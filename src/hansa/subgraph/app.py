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
    GraphQLRequest,
    RequestError,
    error_body,
    response_media_type,
)
from hansa.subgraph.tracing import TRACE_HEADER, TRACE_HEADER_VALUE

if TYPE_CHECKING:
    from hansa.subgraph.subgraph import Subgraph

GRAPHQL_PATHS = ("/", "/graphql")
MISSING_QUERY = (
    "GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension."
)


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
        status, body = await self._execute(scope, request)
        await send(send_, status, body, media)

    async def _execute(self, scope: Scope, request: GraphQLRequest) -> tuple[int, bytes]:
        if not request.query:
            error = RequestError(MISSING_QUERY, code="BAD_REQUEST")
            return error.status, error_body([error.to_error()])
        headers = headers_dict(scope)
        context: dict[str, Any] = {"headers": headers}
        outcome = await self.subgraph.run(
            request.query,
            request.variables,
            request.operation_name,
            context,
            trace=headers.get(TRACE_HEADER) == TRACE_HEADER_VALUE,
            queries_only=scope["method"] == "GET",
        )
        result = outcome.result
        payload: dict[str, Any] = {}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        if outcome.status == 200:
            payload["data"] = result.data
        if outcome.trace is not None:
            payload["extensions"] = {"ftv1": outcome.trace}
        return outcome.status, orjson.dumps(payload)
