"""What travels through the pipeline: one ``RequestContext`` per client request, one
``SubgraphRequest`` per subgraph fetch, and the ``GatewayResponse`` that ends the request.

Stages fill the context as they go (``operation`` after parsing and validation, ``plan`` after
planning, ``failures`` as fetches fail), so each hook sees everything decided before it.
``state`` is the plugins' own space: one plugin can leave a value there for another (claims for
a policy, a cost for telemetry) under a key of its own.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import orjson

if TYPE_CHECKING:
    from hansa.operation.normalized import Selection
    from hansa.operation.prepare import PreparedOperation
    from hansa.planner.plan import QueryPlan
    from hansa.transport.client import SubgraphFetchError


@dataclass
class GatewayResponse:
    """The answer to one request: an HTTP status, a GraphQL response body and extra headers."""

    status: int
    body: dict[str, Any]
    # ``body`` as JSON, once encoded (shared by requests deduplicated into one execution).
    encoded: bytes | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)

    def error_codes(self) -> list[str]:
        """The distinct ``extensions.code`` values of the response's errors, sorted."""
        codes = set()
        for error in self.body.get("errors") or ():
            extensions = error.get("extensions") if isinstance(error, dict) else None
            if isinstance(extensions, dict) and extensions.get("code"):
                codes.add(str(extensions["code"]))
        return sorted(codes)

    @classmethod
    def refusal(
        cls, status: int, code: str, message: str, extensions: Mapping[str, Any] | None = None
    ) -> GatewayResponse:
        """A request refused before execution: one error with ``extensions.code``, no data."""
        error = {"message": message, "extensions": {"code": code, **(extensions or {})}}
        return cls(status, {"errors": [error]})


@dataclass(slots=True)
class OperationInfo:
    """The operation a request runs, once parsed, validated and its variables coerced."""

    prepared: PreparedOperation
    variables: dict[str, Any]
    assignment: tuple[bool, ...]  # the @skip/@include conditions' values
    selection: Selection  # normalized for ``assignment``

    @property
    def kind(self) -> str:
        return self.prepared.kind

    @property
    def name(self) -> str | None:
        return self.prepared.name


class EntityCache(Protocol):
    """Cached ``_entities`` answers for one request (``plugins/entity_cache.py`` sets one on
    ``RequestContext.entity_cache``): the executor asks for each entity fetch's
    representations first and sends only the missing ones."""

    async def lookup(
        self,
        subgraph: str,
        operation: str,
        variables: Mapping[str, Any],
        representations: Sequence[Any],
    ) -> list[Any | None]:
        """The cached entity for each representation, None where there is none."""
        ...

    def store(
        self,
        subgraph: str,
        operation: str,
        variables: Mapping[str, Any],
        representations: Sequence[Any],
        entities: Sequence[Any],
        failed: set[int],
        response_headers: Sequence[tuple[str, str]] | None,
    ) -> Awaitable[None]:
        """Keep the fetched ``entities`` (item *i* answers representation *i*) but those in
        ``failed`` (an error was about them). Encodes them before returning, so the caller
        may change them while the write is awaited."""
        ...


@dataclass(slots=True)
class RequestContext:
    """One client request as it moves through the pipeline."""

    # The document; an ``on_request`` hook may set it (a persisted operation looked up by id).
    query: str | None
    variables: Mapping[str, Any] | None
    operation_name: str | None
    # Request headers, lower-case names.
    headers: Mapping[str, str]
    # The client's address as the server saw it (None when called from Python).
    client: str | None = None
    # The HTTP method (None when called from Python, where browser rules such as CSRF do not
    # apply).
    method: str | None = None
    # This request's id (``pipeline/request_id.py``): in every error, the response's
    # ``x-request-id`` header and the log lines about it.
    request_id: str = ""
    # The request's ``extensions`` parameter (``persistedQuery`` and the like), as sent.
    extensions: Mapping[str, Any] | None = None
    # The registry composition serving this request (``Gateway.composition``), if any.
    composition: str | None = None
    # When the gateway took the request (``time.perf_counter``): what durations are measured
    # from, by every plugin that reports one.
    started: float = field(default_factory=time.perf_counter)
    # Set by the entity cache plugin for requests it may answer from its cache.
    entity_cache: EntityCache | None = None
    operation: OperationInfo | None = None
    plan: QueryPlan | None = None
    # Every fetch that produced no response, in the order they failed.
    failures: list[SubgraphFetchError] = field(default_factory=list)
    # Plugins' values, each under a key of its own.
    state: dict[str, Any] = field(default_factory=dict)
    # Who is asking, as far as the answer can depend on it (tenant, token): plugins that make
    # answers differ per identity add a hashable part here, and every cache or shared
    # execution keys on it, so two identities never share an answer.
    identity: list[Any] = field(default_factory=list)
    # Set by an ``on_operation`` hook that removed fields the client may not see: the document
    # to plan and fetch instead (None: nothing left to fetch), the response paths of what was
    # removed ("@" for list positions; answered null), and errors to add to the response.
    rewritten_query: str | None = None
    denied_paths: list[tuple[str, ...]] = field(default_factory=list)
    extra_errors: list[dict[str, Any]] = field(default_factory=list)

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(slots=True)
class SubgraphRequest:
    """One fetch: the GraphQL payload for ``subgraph`` and the headers to send with it.

    A hook may replace ``headers`` or ``payload`` (before ``body`` is first called); they are
    this fetch's own."""

    subgraph: str
    payload: dict[str, Any]
    headers: dict[str, str]
    # "query" or "mutation": only queries may be sent twice.
    kind: str
    context: RequestContext | None = None
    # Set by a hook that needs the subgraph's response headers; the transport then fills
    # ``response_headers`` (every occurrence of a repeated header kept).
    want_response_headers: bool = False
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    _body: bytes | None = None

    def entity_count(self) -> int | None:
        """How many representations an entity fetch sends; None for a root fetch."""
        variables = self.payload.get("variables")
        representations = variables.get("representations") if variables else None
        return len(representations) if isinstance(representations, list) else None

    def body(self) -> bytes:
        """``payload`` as JSON, encoded once (``orjson.JSONEncodeError`` if it cannot be)."""
        if self._body is None:
            self._body = orjson.dumps(self.payload)
        return self._body


@dataclass(slots=True)
class SubgraphResponse:
    """How one fetch ended: a GraphQL response, or the failure, and how long it took."""

    body: dict[str, Any] | None
    failure: SubgraphFetchError | None
    seconds: float
