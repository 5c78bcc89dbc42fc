"""The interface the executor fetches through: ``SubgraphClient``.

HTTP (``transport/http.py``) is one implementation; plugins wrap it (retries, circuit breakers,
deduplication) by returning another ``SubgraphClient`` around the one they are given, and
in-process subgraphs can implement it without HTTP. A fetch either returns a GraphQL response
(a dict with ``data`` and/or ``errors``) or raises ``SubgraphFetchError``; nothing else escapes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from hansa.pipeline.context import SubgraphRequest

HTTP_ERROR = "SUBREQUEST_HTTP_ERROR"
MALFORMED = "SUBREQUEST_MALFORMED_RESPONSE"
CIRCUIT_OPEN = "SUBREQUEST_CIRCUIT_OPEN"

# Why a fetch failed, in the words metrics and ``extensions.degraded`` use.
FailureKind = Literal["timeout", "http", "malformed", "circuit_open"]


class SubgraphFetchError(Exception):
    """A fetch that produced no GraphQL response; worded as Apollo Router words it.

    ``kind`` says why in one word; ``retry_after`` carries a subgraph's ``Retry-After`` (seconds)
    so a retry can honour it."""

    def __init__(
        self,
        subgraph: str,
        reason: str,
        code: str,
        status: int | None = None,
        *,
        kind: FailureKind | None = None,
        retry_after: float | None = None,
    ) -> None:
        if code == MALFORMED:
            message = f"service '{subgraph}' response was malformed: {reason}"
        elif code == CIRCUIT_OPEN:
            message = f"service '{subgraph}' is unavailable: {reason}"
        else:
            message = f"HTTP fetch failed from '{subgraph}': {reason}"
        super().__init__(message)
        self.subgraph = subgraph
        self.reason = reason
        self.message = message
        self.code = code
        self.status = status
        if kind is None:
            kind = "malformed" if code == MALFORMED else "http"
        self.kind: FailureKind = kind
        self.retry_after = retry_after

    @property
    def transient(self) -> bool:
        """Whether the same request may succeed if sent again: the subgraph timed out, could
        not be reached or dropped the connection (no status), or answered 429, 502, 503 or
        504."""
        if self.kind == "timeout":
            return True
        if self.kind != "http":
            return False
        return self.status is None or self.status in (429, 502, 503, 504)

    @property
    def counts_against_subgraph(self) -> bool:
        """Whether this failure says the subgraph is unwell (what a circuit breaker counts):
        anything but a 4xx other than 429, which is the request's fault."""
        if self.kind == "circuit_open":
            return False
        return self.status is None or self.status >= 500 or self.status == 429


class SubgraphClient(Protocol):
    """Sends one GraphQL request to one subgraph."""

    async def fetch(self, request: SubgraphRequest) -> dict[str, Any]:
        """The subgraph's GraphQL response; raises ``SubgraphFetchError`` on any failure."""
        ...

    async def close(self) -> None:
        """Release connections; the client is not used afterwards."""
        ...
