"""HTTP to subgraphs: one keep-alive connection pool per subgraph, per-subgraph timeouts.

Failures never raise past this module as anything but ``SubgraphFetchError``, whose ``code`` is
the Apollo Router code the client will see: ``SUBREQUEST_HTTP_ERROR`` for a subgraph that is
down, times out or answers a non-2xx status (with ``extensions.http.status``, as the Router
reports it), ``SUBREQUEST_MALFORMED_RESPONSE`` for a body that is not a GraphQL response.

A non-2xx answer is a failed fetch whatever its body: Apollo Gateway 2.14.4 reports a subgraph's
``400`` with a GraphQL error body (a subgraph refusing a query it cannot parse or validate) as
one ``400: Bad Request`` error per fetch (with the subgraph's errors nested in its
extensions) and nulls what the fetch would have provided. Hansa does the same with the Router's
code and status, and leaves the subgraph's own errors out: they describe the operation the
gateway built, not the client's.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import orjson

ACCEPT = "application/graphql-response+json, application/json;q=0.9"


HTTP_ERROR = "SUBREQUEST_HTTP_ERROR"
MALFORMED = "SUBREQUEST_MALFORMED_RESPONSE"


class SubgraphFetchError(Exception):
    """A fetch that produced no GraphQL response; worded as Apollo Router words it."""

    def __init__(self, subgraph: str, reason: str, code: str, status: int | None = None) -> None:
        if code == MALFORMED:
            message = f"service '{subgraph}' response was malformed: {reason}"
        else:
            message = f"HTTP fetch failed from '{subgraph}': {reason}"
        super().__init__(message)
        self.subgraph = subgraph
        self.reason = reason
        self.message = message
        self.code = code
        self.status = status


@dataclass(frozen=True)
class SubgraphEndpoint:
    name: str
    url: str
    timeout: float = 30.0
    headers: Mapping[str, str] = field(default_factory=dict)  # sent with every request

    @functools.cached_property
    def client_timeout(self) -> aiohttp.ClientTimeout:
        return aiohttp.ClientTimeout(total=self.timeout)


_HEADERS = {"content-type": "application/json", "accept": ACCEPT}


class SubgraphTransport:
    """Posts GraphQL requests to subgraphs. Create inside a running event loop; ``close`` it."""

    def __init__(self, endpoints: Mapping[str, SubgraphEndpoint], *, pool_size: int = 100) -> None:
        self.endpoints = dict(endpoints)
        self._sessions: dict[str, aiohttp.ClientSession] = {}
        self._pool_size = pool_size

    def _client(self, subgraph: str) -> aiohttp.ClientSession:
        session = self._sessions.get(subgraph)
        if session is None or session.closed:
            # One pool of ``pool_size`` connections per subgraph, not per host: subgraphs
            # served from one host and port (paths on one server, a shared ingress) cannot
            # take each other's connections, so a hanging one cannot starve the rest.
            connector = aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300)
            session = self._sessions[subgraph] = aiohttp.ClientSession(connector=connector)
        return session

    async def close(self) -> None:
        for session in self._sessions.values():
            await session.close()

    async def fetch(
        self, subgraph: str, payload: dict[str, Any], headers: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        endpoint = self.endpoints[subgraph]
        try:
            body = orjson.dumps(payload)
        except orjson.JSONEncodeError:
            raise SubgraphFetchError(
                subgraph, "the request could not be encoded as JSON (nested too deeply)", HTTP_ERROR
            ) from None
        if endpoint.headers or headers:
            request_headers = {**_HEADERS, **endpoint.headers, **(headers or {})}
        else:
            request_headers = _HEADERS
        try:
            async with self._client(subgraph).post(
                endpoint.url, data=body, headers=request_headers, timeout=endpoint.client_timeout
            ) as response:
                raw = await response.read()
                status = response.status
        except TimeoutError:
            raise SubgraphFetchError(subgraph, "request timed out", HTTP_ERROR) from None
        except (aiohttp.ClientError, OSError, asyncio.CancelledError) as error:
            if isinstance(error, asyncio.CancelledError):
                raise
            raise SubgraphFetchError(subgraph, _describe(error), HTTP_ERROR) from None
        return _decode(subgraph, status, raw)


def _describe(error: BaseException) -> str:
    if isinstance(error, aiohttp.ClientConnectorError):
        if isinstance(error.os_error, ConnectionRefusedError):
            return "connection refused"
        return f"cannot connect: {error.os_error.strerror or error.os_error}"
    if isinstance(error, aiohttp.ServerDisconnectedError):
        return "the connection closed before a response"
    if isinstance(error, aiohttp.ClientPayloadError):
        return "the connection closed before the whole response arrived"
    if isinstance(error, aiohttp.ClientResponseError):
        return f"the response could not be read ({type(error).__name__})"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return type(error).__name__  # never the library's own text: it may carry internals


def _decode(subgraph: str, status: int, raw: bytes) -> dict[str, Any]:
    try:
        decoded = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        decoded = None
    is_graphql = isinstance(decoded, dict) and ("data" in decoded or "errors" in decoded)
    if not 200 <= status < 300:
        # Whatever the body: a 4xx with GraphQL errors is a request the subgraph refused
        # (parse or validation failure), which Apollo Gateway reports as a failed fetch too.
        raise SubgraphFetchError(subgraph, f"{status}: {_reason(status)}", HTTP_ERROR, status)
    if decoded is None:
        raise SubgraphFetchError(subgraph, "the body is not JSON", MALFORMED)
    if is_graphql and (
        not isinstance(decoded.get("data"), dict | None)
        or not isinstance(decoded.get("errors", []), list)
    ):
        raise SubgraphFetchError(
            subgraph,
            "the body is not a GraphQL response (data or errors of the wrong type)",
            MALFORMED,
        )
    if not is_graphql:
        raise SubgraphFetchError(
            subgraph,
            "the body is not a GraphQL response (it has neither data nor errors)",
            MALFORMED,
        )
    assert isinstance(decoded, dict)
    return decoded


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
