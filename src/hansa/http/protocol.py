"""uvicorn's HTTP protocol (httptools) with the guards a public server needs: a client must
finish its request line and headers within ``header_timeout`` (slowloris), a connection beyond
``max_connections`` sheds an idle keep-alive one or is answered 503 at once, and a URL longer
than ``max_url_bytes`` is answered 414 with a GraphQL error instead of being parsed, and headers
beyond ``max_header_bytes`` in all are answered 431.

The body is bounded by the app (size, and a read timeout), the idle time between requests by
uvicorn's keep-alive timeout (``idle_timeout``).

When a client disconnects before its response is complete, the request's task is cancelled
with ``DISCONNECTED`` as its message, so the app stops its work (and the subgraph requests it
waits on) at no cost per request; the scope's ``extensions`` carry ``CANCELS_ON_DISCONNECT``
so an app knows it need not watch for the disconnect itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from hansa.pipeline.request_id import request_id

DISCONNECTED = "hansa: client disconnected"
CANCELS_ON_DISCONNECT = "hansa.cancels_on_disconnect"


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout: float = 10.0  # seconds from connection (or the previous response) to headers
    idle_timeout: float = 5.0  # seconds a keep-alive connection may wait for its next request
    max_connections: int = 10_000
    max_url_bytes: int = 64 * 1024
    max_header_bytes: int = 32 * 1024  # all header names and values of one request
    # On SIGTERM: seconds to keep serving while reporting not ready (so load balancers stop
    # sending), then seconds in-flight requests get to finish before they are cut.
    drain_delay: float = 0.0
    shutdown_grace: float = 30.0


def _raw_response(status: int, reason: str, code: str, message: str) -> bytes:
    """A refusal written before the app saw the request; it gets a request id of its own, as
    every response does."""
    rid = request_id(None)
    error = {"message": message, "extensions": {"code": code, "requestId": rid}}
    body = orjson.dumps({"errors": [error]})
    head = (
        f"HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nx-request-id: {rid}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class GuardedProtocol(HttpToolsProtocol):
    limits = ConnectionLimits()
    cancel_on_disconnect = False  # only for apps that expect it (they catch DISCONNECTED)
    # Told of each refusal written here, before the app saw the request (for its metrics).
    on_refusal: Callable[[int, str], None] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timer: asyncio.TimerHandle | None = None
        self._refused = False
        self._task: asyncio.Task[None] | None = None
        self._header_bytes = 0

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections and not self._shed_idle():
            self._refuse(
                503,
                "Service Unavailable",
                "TOO_MANY_CONNECTIONS",
                "The server has too many open connections; try again shortly.",
            )
            return
        self._arm_header_timer()

    def _shed_idle(self) -> bool:
        """Close one connection that waits for its next request; False when none does."""
        for other in self.connections:
            if other is not self and isinstance(other, GuardedProtocol) and other._idle():
                other.transport.close()
                return True
        return False

    def _idle(self) -> bool:
        return (self.cycle is None or self.cycle.response_complete) and not self._refused

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(
                self.limits.header_timeout, self._headers_too_slow
            )

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.cycle is None or self.cycle.response_complete:
            self._refuse(
                408,
                "Request Timeout",
                "REQUEST_TIMEOUT",
                "The request headers did not arrive in time.",
            )

    def _refuse(self, status: int, reason: str, code: str, message: str) -> None:
        self._refused = True
        if self.on_refusal is not None:
            self.on_refusal(status, code)
        self._disarm_header_timer()
        if not self.transport.is_closing():
            self.transport.write(_raw_response(status, reason, code, message))
            self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0
        self._arm_header_timer()  # a keep-alive connection's next request

    def on_url(self, url: bytes) -> None:
        if self._refused:
            return
        super().on_url(url)
        if len(self.url) > self.limits.max_url_bytes:
            limit = self.limits.max_url_bytes
            self._refuse(
                414,
                "URI Too Long",
                "URI_TOO_LONG",
                f"The request URL is longer than {limit} bytes; send the query in a POST body.",
            )

    def on_header(self, name: bytes, value: bytes) -> None:
        if self._refused:
            return
        self._header_bytes += len(name) + len(value)
        if self._header_bytes > self.limits.max_header_bytes:
            limit = self.limits.max_header_bytes
            self._refuse(
                431,
                "Request Header Fields Too Large",
                "REQUEST_HEADERS_TOO_LARGE",
                f"The request headers are larger than {limit} bytes.",
            )
            return
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._disarm_header_timer()
        if self.cancel_on_disconnect:
            scope: dict[str, Any] = self.scope  # type: ignore[assignment]
            scope.setdefault("extensions", {})[CANCELS_ON_DISCONNECT] = True
        super().on_headers_complete()

    def _start_asgi_task(self, cycle: Any, app: Any) -> None:
        # uvicorn's own four lines (without its opt-in context reset), keeping the task.
        task = self.loop.create_task(cycle.run_asgi(app))
        task.add_done_callback(self.tasks.discard)
        self.tasks.add(task)
        self._task = task

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        cycle, task = self.cycle, self._task
        if (
            self.cancel_on_disconnect
            and cycle is not None
            and not cycle.response_complete
            and task is not None
        ):
            task.cancel(DISCONNECTED)
        super().connection_lost(exc)


def guarded_protocol(
    limits: ConnectionLimits,
    *,
    cancel_on_disconnect: bool = False,
    on_refusal: Callable[[int, str], None] | None = None,
) -> type[GuardedProtocol]:
    """A protocol class bound to ``limits`` (uvicorn instantiates the class it is given)."""
    settings = {
        "limits": limits,
        "cancel_on_disconnect": cancel_on_disconnect,
        "on_refusal": staticmethod(on_refusal) if on_refusal is not None else None,
    }
    return type("GuardedProtocol", (GuardedProtocol,), settings)
