"""HTTP to subgraphs (a ``SubgraphClient``): one keep-alive connection pool per subgraph,
per-subgraph timeouts, bounded (decompressed) response size.

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

import functools
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from typing import Any

import aiohttp
import orjson

from hansa.pipeline.context import SubgraphRequest
from hansa.transport.client import HTTP_ERROR, MALFORMED, SubgraphFetchError

ACCEPT = "application/graphql-response+json, application/json;q=0.9"

# A subgraph answer is read (after decompression) up to this many bytes: a small gzip body can
# inflate a thousandfold, and a gateway holding it whole would be the one to run out of memory.
MAX_RESPONSE_BYTES = 32 * 1024 * 1024  # the default of [limits] max_subgraph_response_bytes


@dataclass(frozen=True)
class SubgraphEndpoint:
    name: str
    url: str
    timeout: float = 30.0
    headers: Mapping[str, str] = field(default_factory=dict)  # sent with every request
    max_response_bytes: int = MAX_RESPONSE_BYTES
    # How an https subgraph is verified, and the gateway's client certificate; None: the
    # system's trusted authorities, no client certificate.
    tls: ssl.SSLContext | None = None

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
            tls = self.endpoints[subgraph].tls
            connector = aiohttp.TCPConnector(
                limit=self._pool_size, ttl_dns_cache=300, ssl=True if tls is None else tls
            )
            session = self._sessions[subgraph] = aiohttp.ClientSession(connector=connector)
        return session

    async def close(self) -> None:
        for session in self._sessions.values():
            await session.close()

    async def fetch(self, request: SubgraphRequest) -> dict[str, Any]:
        subgraph = request.subgraph
        endpoint = self.endpoints[subgraph]
        try:
            body = request.body()
        except orjson.JSONEncodeError:
            raise SubgraphFetchError(
                subgraph, "the request could not be encoded as JSON (nested too deeply)", HTTP_ERROR
            ) from None
        if endpoint.headers or request.headers:
            request_headers = {**_HEADERS, **endpoint.headers, **request.headers}
        else:
            request_headers = _HEADERS
        try:
            async with self._client(subgraph).post(
                endpoint.url, data=body, headers=request_headers, timeout=endpoint.client_timeout
            ) as response:
                status = response.status
                if request.want_response_headers:
                    request.response_headers = list(response.headers.items())
                if not 200 <= status < 300:
                    raise _status_failure(subgraph, status, response.headers.get("retry-after"))
                raw = await _read(response, endpoint.max_response_bytes, subgraph)
        except TimeoutError:
            raise SubgraphFetchError(
                subgraph, "request timed out", HTTP_ERROR, kind="timeout"
            ) from None
        except (aiohttp.ClientError, OSError) as error:
            raise SubgraphFetchError(subgraph, _describe(error), HTTP_ERROR) from None
        return _decode(subgraph, raw)


async def _read(response: aiohttp.ClientResponse, limit: int, subgraph: str) -> bytes:
    """The whole (decompressed) body, refusing it once it passes ``limit`` bytes."""
    length = response.content_length
    if length is not None and not response.headers.get("content-encoding"):
        if length > limit:
            raise _too_large(subgraph, limit)
        return await response.read()  # the common case: a plain body of known size
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.content.iter_chunked(1 << 16):
        size += len(chunk)
        if size > limit:
            raise _too_large(subgraph, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(subgraph: str, limit: int) -> SubgraphFetchError:
    return SubgraphFetchError(
        subgraph, f"the response is larger than {limit} bytes", MALFORMED, kind="malformed"
    )


def _status_failure(subgraph: str, status: int, retry_after: str | None) -> SubgraphFetchError:
    # Whatever the body: a 4xx with GraphQL errors is a request the subgraph refused
    # (parse or validation failure), which Apollo Gateway reports as a failed fetch too.
    return SubgraphFetchError(
        subgraph,
        f"{status}: {_reason(status)}",
        HTTP_ERROR,
        status,
        retry_after=_seconds(retry_after),
    )


def _seconds(retry_after: str | None) -> float | None:
    """``Retry-After`` as seconds: delay-seconds, or an HTTP date."""
    if not retry_after:
        return None
    try:
        return max(0.0, float(retry_after))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(retry_after)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _describe(error: BaseException) -> str:
    if isinstance(error, aiohttp.ClientConnectorCertificateError):
        certificate = error.certificate_error
        reason = getattr(certificate, "verify_message", None) or getattr(certificate, "reason", "")
        return f"TLS: the subgraph's certificate was refused ({reason or 'not trusted'})"
    if isinstance(error, aiohttp.ClientSSLError):
        reason = getattr(error.os_error, "reason", None)
        return f"TLS handshake failed ({str(reason).replace('_', ' ').lower() or 'refused'})"
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


def _decode(subgraph: str, raw: bytes) -> dict[str, Any]:
    try:
        decoded = orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        decoded = None
    is_graphql = isinstance(decoded, dict) and ("data" in decoded or "errors" in decoded)
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
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"
