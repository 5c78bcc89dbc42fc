"""The entity cache: ``_entities`` answers kept per (subgraph, selection, representation,
tenant), so a second query needing the same ``User`` (from any path) fetches only the entities
the cache does not hold; partial hits split the representations into cached and fetched.

Each type's time to live comes from ``[federation.cache.strategies]`` (else the cache's
``ttl``; 0: never cached), shortened by the subgraph's ``Cache-Control: max-age``; a subgraph
answer marked ``private`` is kept per user, one marked ``no-store`` is not kept. Entities an
error was about, and every entity of a fetch that failed as a whole, are never kept. Mutations
neither read nor fill the cache. Entries are tagged with their entity and type, so a change
event (``cache/invalidation.py``) drops them on every gateway sharing the store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from hansa.cache.counters import CacheCounters
from hansa.cache.keys import canonical, digest, entity_tags, tenant_of, user_of
from hansa.cache.policy import from_headers
from hansa.cache.store import CacheStore, Entry
from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin
from hansa.supergraph import Supergraph


@dataclass(frozen=True)
class EntityCachePolicy:
    ttl: float = 60.0  # seconds, for types without a strategy
    strategies: Mapping[str, float] = field(default_factory=dict)  # type -> seconds (0: never)

    def ttl_of(self, type_name: str) -> float:
        return self.strategies.get(type_name, self.ttl)


class EntityCaching(Plugin):
    name = "entity_cache"

    def __init__(self, policy: EntityCachePolicy, store: CacheStore) -> None:
        self.policy = policy
        self.store = store
        self.counters = CacheCounters()
        self.key_fields: dict[str, list[tuple[str, ...]]] = {}

    def on_supergraph(self, supergraph: Supergraph) -> None:
        """The key fields of every entity type, over all subgraphs: an event names a key
        without saying which subgraph's."""
        self.key_fields = {}
        for type_name, info in supergraph.types.items():
            keys: set[tuple[str, ...]] = set()
            for in_subgraph in info.subgraphs.values():
                for key in in_subgraph.keys:
                    names = tuple(
                        sorted(s.name.value for s in key.selection.selections if hasattr(s, "name"))
                    )
                    keys.add(names)
            if keys:
                self.key_fields[type_name] = sorted(keys)

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        operation = context.operation
        if operation is not None and operation.kind == "query":
            context.entity_cache = _Session(self, tenant_of(context), user_of(context))
        return None

    def health(self) -> dict[str, Any] | None:
        return self.counters.detail(self.store)


class _Session:
    """One request's view of the entity cache (its tenant and user)."""

    def __init__(self, owner: EntityCaching, tenant: str, user: str | None) -> None:
        self.owner = owner
        self.tenant = tenant
        self.user = user

    def _keys(
        self,
        subgraph: str,
        operation: str,
        variables: Mapping[str, Any],
        representations: Sequence[Any],
        user: str | None,
    ) -> list[str | None]:
        ttl_of = self.owner.policy.ttl_of
        fetch = digest(subgraph, operation, canonical(variables), self.tenant, user or "")
        keys: list[str | None] = []
        for representation in representations:
            type_name = (
                representation.get("__typename") if isinstance(representation, dict) else None
            )
            if not isinstance(type_name, str) or ttl_of(type_name) <= 0:
                keys.append(None)
                continue
            try:
                keys.append(f"e:{digest(fetch, canonical(representation))}")
            except orjson.JSONEncodeError:
                keys.append(None)
        return keys

    async def lookup(
        self,
        subgraph: str,
        operation: str,
        variables: Mapping[str, Any],
        representations: Sequence[Any],
    ) -> list[Any | None]:
        public = self._keys(subgraph, operation, variables, representations, None)
        private = (
            self._keys(subgraph, operation, variables, representations, self.user)
            if self.user is not None
            else []
        )
        asked = [k for k in (*public, *private) if k is not None]
        values = dict(zip(asked, await self.owner.store.get_many(asked), strict=True))
        found: list[Any | None] = []
        for n, key in enumerate(public):
            raw = values.get(key) if key is not None else None
            if raw is None and private and private[n] is not None:
                raw = values.get(private[n])  # type: ignore[arg-type]
            entity = _decoded(raw)
            found.append(entity)
        counters = self.owner.counters
        hits = sum(entity is not None for entity in found)
        counters.hits += hits
        counters.misses += len(found) - hits
        return found

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
        answer = from_headers(response_headers)
        user = self.user if answer.private else None
        entries: list[Entry] = []
        if not (answer.private and user is None):
            keys = self._keys(subgraph, operation, variables, representations, user)
            key_fields = self.owner.key_fields
            ttl_of = self.owner.policy.ttl_of
            for n, (key, entity) in enumerate(zip(keys, entities, strict=True)):
                if key is None or n in failed or not isinstance(entity, dict):
                    continue
                representation = representations[n]
                type_name = representation["__typename"]
                ttl = answer.ttl(ttl_of(type_name))
                ttl = min(ttl, ttl_of(type_name))
                if ttl <= 0:
                    continue
                tags = entity_tags(representation, key_fields.get(type_name, ()))
                entries.append(Entry(key, orjson.dumps(entity), ttl, tags))
        return self.owner.store.set_many(entries)


def _decoded(raw: bytes | None) -> Any | None:
    if raw is None:
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None  # a foreign or damaged entry: a miss
    return value if isinstance(value, dict) else None
