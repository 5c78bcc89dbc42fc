"""Subgraphs that misbehave on purpose, served over real HTTP on loopback: the ``products``
subgraph of the demo graph, broken in one named way (``Faulty``), or a healthy one that counts
its requests.

Every fault answers the real demo subgraph's answer when it is not misbehaving, so a test's
expected data is the demo's own.
"""

from __future__ import annotations

import asyncio
import functools
import json
import zlib
from typing import Any

from hansa.demo.products import products
from hansa.http.asgi import Receive, Scope, Send, read_body, send_response

REAL = products.asgi_app()


async def _real(scope: Scope, body: bytes, send: Send) -> None:
    """Pass one request (its body already read) to the real products subgraph."""
    sent = False

    async def replay() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()  # nothing more to read, ever
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    await REAL(scope, replay, send)


class Faulty:
    """``products``, broken as ``fault`` says; ``requests`` counts what reached it.

    Faults: ``hang``, ``status:N`` (with ``retry_after``), ``not_json``, ``truncated_json``,
    ``wrong_shape``, ``wrong_type``, ``fewer_entities``, ``huge`` (a 50 MB valid answer),
    ``close_mid_body``, ``gzip_bomb`` (200 KB inflating to 200 MB), ``flap:N`` (every Nth
    request answers 503, the rest are real), ``slow:S`` (real, after S seconds), ``ok``."""

    def __init__(self, fault: str, retry_after: str | None = None) -> None:
        self.fault = fault
        self.retry_after = retry_after
        self.requests: list[dict[str, Any]] = []
        self.abandoned = 0  # hanging requests whose client (the gateway) went away

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await REAL(scope, receive, send)
            return
        body = await read_body(receive, 1 << 20)
        self.requests.append(json.loads(body))
        fault, _, argument = self.fault.partition(":")
        if fault == "ok":
            await _real(scope, body, send)
        elif fault == "slow":
            await asyncio.sleep(float(argument))
            await _real(scope, body, send)
        elif fault == "hang":
            while (await receive())["type"] != "http.disconnect":
                pass
            self.abandoned += 1
        elif fault == "status":
            headers = [(b"retry-after", self.retry_after.encode())] if self.retry_after else []
            await send_response(send, int(argument), b'{"errors":[]}', "application/json", headers)
        elif fault == "flap":
            if len(self.requests) % int(argument) == 1 % int(argument):
                await send_response(send, 503, b"down", "text/plain")
            else:
                await _real(scope, body, send)
        elif fault == "not_json":
            await send_response(send, 200, b"<html>oops</html>", "text/html")
        elif fault == "truncated_json":
            await send_response(send, 200, b'{"data": {"topProducts": [{"na', "application/json")
        elif fault == "wrong_shape":
            await send_response(send, 200, b'[{"data": 1}]', "application/json")
        elif fault == "wrong_type":
            answer = {"data": {"topProducts": [{"name": {"not": "a string"}}]}}
            await send_response(send, 200, json.dumps(answer).encode(), "application/json")
        elif fault == "fewer_entities":
            answer = {"data": {"_entities": [{"name": "Table"}]}}
            await send_response(send, 200, json.dumps(answer).encode(), "application/json")
        elif fault == "huge":
            await send_response(send, 200, _huge_answer(), "application/json")
        elif fault == "close_mid_body":
            start = {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")],
            }
            await send(start)
            await send({"type": "http.response.body", "body": b'{"data": {', "more_body": True})
            raise ConnectionResetError("closing mid-body on purpose")
        elif fault == "gzip_bomb":
            await send_response(
                send, 200, gzip_bomb(), "application/json", [(b"content-encoding", b"gzip")]
            )
        else:
            raise ValueError(f"unknown fault {self.fault!r}")


@functools.cache
def gzip_bomb() -> bytes:
    """A gzip body of about 200 KB that inflates to 200 MB of JSON (compressed in 1 MB steps,
    so building it never holds the inflated text)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    parts = [compressor.compress(b'{"data": {"topProducts": [{"name": "')]
    chunk = b" " * (1 << 20)
    parts.extend(compressor.compress(chunk) for _ in range(200))
    parts.append(compressor.compress(b'"}]}}'))
    parts.append(compressor.flush())
    return b"".join(parts)


@functools.cache
def _huge_answer() -> bytes:
    """A valid 50 MB answer, encoded once: built per request it took longer than the test's
    subgraph timeout on a loaded machine, and the test saw a timeout instead."""
    name = "x" * (50 * 1024 * 1024)
    return json.dumps({"data": {"topProducts": [{"name": name}]}}).encode()
