"""Hostile clients at the connection level, over real sockets: slow headers (slowloris), silent
connections, a body trickled byte by byte, more connections than allowed, a 200 KB URL, and a
client that leaves while its subgraph requests are still running.

Each gets a coded answer in bounded time (or its connection closed), and the gateway keeps
answering normal queries.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote, urlparse

import pytest

from hansa.demo.accounts import accounts
from hansa.demo.products import products
from hansa.demo.reviews import reviews
from hansa.http.serve import raise_file_limit
from tests.faults.subgraphs import Faulty
from tests.support.federation import federation
from tests.support.http import post_graphql, request, without_request_ids

ME = {"data": {"me": {"name": "Ada Lovelace"}}}


def _served_elsewhere(app: Any) -> Any:
    """``app`` as another ASGI server would run it: no cancellation on disconnect."""

    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        scope = {**scope, "extensions": {}}
        await app(scope, receive, send)

    return wrapped


def _address(url: str) -> tuple[str, int]:
    parsed = urlparse(url)
    assert parsed.hostname is not None and parsed.port is not None
    return parsed.hostname, parsed.port


@contextmanager
def _connection(url: str) -> Iterator[socket.socket]:
    sock = socket.create_connection(_address(url), timeout=10)
    try:
        yield sock
    finally:
        sock.close()


def _answer(sock: socket.socket) -> tuple[int, dict[str, object]]:
    """Read one whole response from ``sock`` (the server closes after these refusals)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_slow_headers_get_408_in_bounded_time() -> None:
    with (
        federation(accounts, products, reviews, header_timeout=0.5) as url,
        _connection(url) as sock,
    ):
        started = time.monotonic()
        sock.sendall(b"POST /graphql HTTP/1.1\r\nhost: x\r\n")
        time.sleep(0.2)
        sock.sendall(b"x-slow: 1\r\n")  # still no end of headers
        status, body = _answer(sock)
        took = time.monotonic() - started
        assert post_graphql(url, "{ me { name } }").json() == ME
    assert status == 408
    assert without_request_ids(body)["errors"] == [
        {
            "message": "The request headers did not arrive in time.",
            "extensions": {"code": "REQUEST_TIMEOUT"},
        }
    ]
    assert 0.4 < took < 2


def test_a_silent_connection_is_closed() -> None:
    with (
        federation(accounts, products, reviews, header_timeout=0.5) as url,
        _connection(url) as sock,
    ):
        started = time.monotonic()
        status, _ = _answer(sock)
        assert time.monotonic() - started < 2
    assert status == 408


def test_a_trickled_body_gets_408() -> None:
    with federation(accounts, products, reviews, body_timeout=0.5) as url, _connection(url) as sock:
        host, port = _address(url)
        sock.sendall(
            f"POST /graphql HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json\r\n"
            "content-length: 100\r\n\r\n".encode()
        )
        started = time.monotonic()
        sock.settimeout(0.2)
        data = b""
        for byte in b'{"query": "{ me { name } }"':
            try:
                sock.sendall(bytes([byte]))
                data += sock.recv(65536)
                break
            except TimeoutError:
                continue
            except OSError:
                break
        sock.settimeout(10)
        try:
            while chunk := sock.recv(65536):
                data += chunk
        except OSError:
            pass
        took = time.monotonic() - started
        assert post_graphql(url, "{ me { name } }").json() == ME
    assert data.startswith(b"HTTP/1.1 408 ")
    assert b'"REQUEST_TIMEOUT"' in data
    assert took < 3


def test_a_url_of_200_kb_gets_414_with_a_graphql_error() -> None:
    with federation(accounts, products, reviews) as url:
        long_query = "{ me { name " + "__typename " * 20_000 + "} }"
        answer = request(f"{url}?query={quote(long_query)}", method="GET")
        assert post_graphql(url, "{ me { name } }").json() == ME
    assert answer.status == 414
    assert json.loads(answer.body)["errors"][0]["extensions"]["code"] == "URI_TOO_LONG"


def test_idle_connections_are_shed_for_a_new_client() -> None:
    raise_file_limit()
    with federation(accounts, products, reviews, max_connections=200) as url:
        idle = [socket.create_connection(_address(url)) for _ in range(1000)]
        try:
            time.sleep(0.2)
            started = time.monotonic()
            assert post_graphql(url, "{ me { name } }").json() == ME
            assert time.monotonic() - started < 2
        finally:
            for sock in idle:
                sock.close()


def test_beyond_max_connections_with_every_one_busy_the_answer_is_a_fast_503() -> None:
    hanging = Faulty("hang")
    with (
        federation(
            accounts,
            products,
            reviews,
            apps={"products": hanging},
            max_connections=5,
            subgraph_timeouts={"products": 5},
            retry=__import__("hansa.plugins.retries", fromlist=["RetryPolicy"]).RetryPolicy(
                retries=0
            ),
        ) as url,
        ThreadPoolExecutor(5) as pool,
    ):
        busy = [pool.submit(post_graphql, url, "{ topProducts { name } }") for _ in range(5)]
        time.sleep(0.5)
        started = time.monotonic()
        refused = request(
            url, body=b'{"query": "{ me { name } }"}', headers={"content-type": "application/json"}
        )
        took = time.monotonic() - started
        for future in busy:
            future.result()
    assert refused.status == 503
    assert json.loads(refused.body)["errors"][0]["extensions"]["code"] == "TOO_MANY_CONNECTIONS"
    assert took < 0.5


@pytest.mark.parametrize("server_cancels", [True, False])
def test_a_client_that_leaves_cancels_its_subgraph_requests(server_cancels: bool) -> None:
    """Served by Hansa's own server, the request task is cancelled when the client leaves;
    elsewhere (here: a wrapper hiding that from the app) the app watches for the disconnect."""
    hanging = Faulty("hang")
    with federation(
        accounts,
        products,
        reviews,
        apps={"products": hanging},
        wrap=None if server_cancels else _served_elsewhere,
    ) as url:
        with _connection(url) as sock:
            payload = b'{"query": "{ me { name } topProducts { name } }"}'
            host, port = _address(url)
            sock.sendall(
                f"POST /graphql HTTP/1.1\r\nhost: {host}:{port}\r\ncontent-type: application/json"
                f"\r\ncontent-length: {len(payload)}\r\n\r\n".encode()
                + payload
            )
            deadline = time.monotonic() + 5
            while not hanging.requests and time.monotonic() < deadline:
                time.sleep(0.05)
        left = time.monotonic()
        while not hanging.abandoned and time.monotonic() < left + 5:
            time.sleep(0.01)
        assert time.monotonic() - left < 1
        assert post_graphql(url, "{ me { name } }").json() == ME
    assert len(hanging.requests) == 1
    assert hanging.abandoned == 1  # the gateway dropped the subgraph request when the client left


def test_headers_beyond_the_limit_get_431() -> None:
    with federation(accounts, products, reviews, max_header_bytes=4096) as url:
        answer = request(
            url,
            body=b'{"query": "{ me { name } }"}',
            headers={"content-type": "application/json", "x-big": "y" * 5000},
        )
        assert post_graphql(url, "{ me { name } }").json() == ME
    assert answer.status == 431
    assert json.loads(answer.body)["errors"][0]["extensions"]["code"] == "REQUEST_HEADERS_TOO_LARGE"
