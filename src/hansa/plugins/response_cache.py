"""The response cache: whole query answers, keyed by the document, operation name, variables,
tenant, scopes, authorization outcome and configured headers (and the user, for answers a
``PRIVATE`` hint or a subgraph's ``Cache-Control: private`` makes personal).

How long an answer is kept is decided per operation from the schema's ``@cacheControl`` and
the client's ``@cache(ttl:)`` (``cache/hints.py``), then restricted by the ``Cache-Control`` of
every subgraph response it was built from. A response with errors, from a mutation, or with a
failed fetch is never kept. Every query answer carries ``Cache-Control`` (``no-store`` when it
may not be kept) and, when cacheable, an ``ETag``; a request whose ``If-None-Match`` names it
gets ``304 Not Modified`` with no body.

Entries are tagged with every type the operation selected and with the subgraphs'
``Cache-Tag`` header values, so a change event or an admin request drops them.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import orjson

from hansa.cache.counters import CacheCounters
from hansa.cache.hints import CacheHints, OperationCaching
from hansa.cache.keys import canonical, digest, response_tag, tenant_of, user_of
from hansa.cache.policy import CachePolicy, from_headers
from hansa.cache.settings import CacheSettings
from hansa.cache.store import CacheStore, Entry
from hansa.pipeline.context import (
    GatewayResponse,
    RequestContext,
    SubgraphRequest,
    SubgraphResponse,
)
from hansa.pipeline.plugin import Plugin
from hansa.supergraph import Supergraph

STATE = "response_cache"
MAX_ANALYSED = 1000  # operations whose caching analysis is kept


@dataclass
class _Pending:
    """A cacheable request's key and what its fetches add to its policy and tags."""

    policy: CachePolicy
    tags: list[str] = field(default_factory=list)


class ResponseCaching(Plugin):
    name = "response_cache"

    def __init__(self, settings: CacheSettings, store: CacheStore) -> None:
        self.settings = settings
        self.store = store
        self.counters = CacheCounters()
        self.hints: CacheHints | None = None
        self.schema = ""  # the supergraph's digest: a reload never serves the old schema's answers
        self._analysed: OrderedDict[tuple[Any, ...], OperationCaching] = OrderedDict()

    def on_supergraph(self, supergraph: Supergraph) -> None:
        self.hints = CacheHints(supergraph, self.settings.default_max_age)
        self.schema = digest(supergraph.sdl)
        self._analysed.clear()

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        operation, hints = context.operation, self.hints
        if operation is None or operation.kind != "query" or hints is None:
            return None
        prepared = operation.prepared
        analysed_key = (prepared.key, operation.assignment)
        caching = self._analysed.get(analysed_key)
        if caching is None:
            caching = hints.analyse(prepared.document, operation.selection, prepared.root_type)
            self._analysed[analysed_key] = caching
            if len(self._analysed) > MAX_ANALYSED:
                self._analysed.popitem(last=False)
        default = self.settings.default_max_age
        if caching.policy.ttl(default) <= 0:
            context.state[STATE] = None  # answered with no-store
            return None
        user = user_of(context)
        if caching.policy.private and user is None:
            context.state[STATE] = None  # a personal answer for nobody in particular
            return None
        # A public answer may turn personal by a subgraph's header: look for both.
        keys = [] if caching.policy.private else [self._key(context, None)]
        if user is not None:
            keys.append(self._key(context, user))
        found = await self.store.get_many(keys)
        raw = next((value for value in found if value is not None), None)
        hit = self._hit(context, raw, caching.policy) if raw is not None else None
        if hit is not None:
            self.counters.hits += 1
            return hit
        self.counters.misses += 1
        tags = [response_tag(name) for name in caching.types]
        context.state[STATE] = _Pending(caching.policy, tags)
        return None

    def _key(self, context: RequestContext, user: str | None) -> str:
        operation = context.operation
        assert operation is not None
        headers = tuple(context.headers.get(name, "") for name in self.settings.vary_headers)
        scopes = context.state.get("scopes")
        return "r:" + digest(
            self.schema,
            context.query or "",
            context.operation_name or "",
            canonical(operation.variables),
            tenant_of(context),
            repr(sorted(scopes) if scopes else ()),
            repr(context.denied_paths),  # the authorization outcome
            repr(headers),
            user or "",
        )

    def _hit(
        self, context: RequestContext, raw: bytes, policy: CachePolicy
    ) -> GatewayResponse | None:
        """The answer from a cached entry; None for an entry that is not one of ours (a damaged
        or foreign value in a shared Redis): a miss, as the entity cache treats it."""
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(body, dict):
            return None
        headers = self._headers(raw, policy)
        if _not_modified(context, headers):
            return GatewayResponse(304, {}, b"", headers)
        return GatewayResponse(200, body, raw, headers)

    def _headers(self, encoded: bytes, policy: CachePolicy) -> list[tuple[str, str]]:
        return [
            ("cache-control", policy.header(self.settings.default_max_age)),
            ("etag", f'"{digest(encoded)[:32]}"'),
        ]

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        if request.context is not None and request.context.state.get(STATE) is not None:
            request.want_response_headers = True
        return None

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        context = request.context
        pending = context.state.get(STATE) if context is not None else None
        if not isinstance(pending, _Pending) or not request.response_headers:
            return
        pending.policy = pending.policy.restrict(from_headers(request.response_headers))
        for name, value in request.response_headers:
            if name.lower() == "cache-tag":
                pending.tags.extend(f"tag:{t.strip()}" for t in value.split(",") if t.strip())

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        if STATE not in context.state:
            return  # not a query, or answered before the cache was asked
        pending = context.state[STATE]
        default = self.settings.default_max_age
        cacheable = (
            isinstance(pending, _Pending)
            and response.status == 200
            and "errors" not in response.body
            and not context.failures
        )
        if not cacheable:
            if response.status == 200:
                response.headers.append(("cache-control", "no-store"))
            return
        assert isinstance(pending, _Pending)
        policy = pending.policy
        user = user_of(context) if policy.private else None
        ttl = policy.ttl(default) if user is not None or not policy.private else 0.0
        encoded = response.encoded = orjson.dumps(response.body)
        headers = self._headers(encoded, policy)
        if ttl > 0:
            entry = Entry(self._key(context, user), encoded, ttl, tuple(pending.tags))
            await self.store.set_many([entry])
        else:
            headers = [("cache-control", "no-store")]
        response.headers.extend(headers)
        if ttl > 0 and _not_modified(context, headers):
            response.status, response.body, response.encoded = 304, {}, b""

    def health(self) -> dict[str, Any] | None:
        return self.counters.detail(self.store)


def _not_modified(context: RequestContext, headers: list[tuple[str, str]]) -> bool:
    asked = context.header("if-none-match")
    if not asked:
        return False
    etag = next(value for name, value in headers if name == "etag")
    return asked.strip() == "*" or etag in (t.strip().removeprefix("W/") for t in asked.split(","))
