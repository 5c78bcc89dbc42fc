"""The raw ASGI primitives our servers share: read a bounded body, send one response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from hansa.http.graphql_over_http import GraphQLRequest, RequestError, parse_get, parse_post

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def header(scope: Scope, name: bytes) -> str | None:
    """One request header (lower-case name), decoded as latin-1 like HTTP/1.1 does."""
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def headers_dict(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", ())}


async def read_body(receive: Receive, limit: int) -> bytes:
    """Read the whole request body, refusing with 413 as soon as it passes ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise RequestError("The client disconnected.", code="CLIENT_DISCONNECTED")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise RequestError(
                f"The request body is larger than {limit} bytes.",
                status=413,
                code="PAYLOAD_TOO_LARGE",
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def send_response(
    send: Send,
    status: int,
    body: bytes,
    content_type: str,
    extra_headers: Iterable[tuple[bytes, bytes]] = (),
) -> None:
    headers = [
        (b"content-type", content_type.encode("latin-1")),
        (b"content-length", str(len(body)).encode("latin-1")),
        *extra_headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def lifespan(
    receive: Receive,
    send: Send,
    startup: Callable[[], Awaitable[None]] | None = None,
    shutdown: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Answer ASGI lifespan events, running ``startup`` and ``shutdown`` when given; a
    start-up that raises is reported as ``lifespan.startup.failed`` with its reason (the
    server then refuses to start)."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if startup is not None:
                try:
                    await startup()
                except Exception as error:
                    await send({"type": "lifespan.startup.failed", "message": str(error)})
                    return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            if shutdown is not None:
                await shutdown()
            await send({"type": "lifespan.shutdown.complete"})
            return


async def read_graphql_request(
    scope: Scope, receive: Receive, max_body_bytes: int
) -> GraphQLRequest:
    """The GraphQL request of a ``POST`` (JSON body) or ``GET`` (URL parameters)."""
    method = scope["method"]
    if method == "POST":
        body = await read_body(receive, max_body_bytes)
        return parse_post(body, header(scope, b"content-type"))
    if method == "GET":
        return parse_get(scope.get("query_string", b""))
    raise RequestError("Only GET and POST are supported.", status=405, code="METHOD_NOT_ALLOWED")
