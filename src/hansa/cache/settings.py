"""What ``[federation.cache]`` turns on, and the store the caches share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hansa.cache.store import CacheStore, MemoryStore, RedisStore

SUBJECT = "hansa.entity.changed"


@dataclass(frozen=True)
class CacheSettings:
    entities: bool = True  # the entity cache (``plugins/entity_cache.py``)
    responses: bool = True  # the response cache (``plugins/response_cache.py``)
    ttl: float = 60.0  # seconds an entity is kept, for types without a strategy
    strategies: Mapping[str, float] = field(default_factory=dict)  # type -> seconds; 0: never
    # Seconds a response without any @cacheControl or @cache hint is kept (Apollo's
    # defaultMaxAge: 0, nothing is kept until the schema or the client says how long).
    default_max_age: float = 0.0
    vary_headers: tuple[str, ...] = ()  # request headers that are part of a response's key
    redis_url: str | None = None  # share the caches between gateway instances
    redis_prefix: str = "hansa:cache:"  # of every key (several graphs may share one Redis)
    max_bytes: int = 64 * 1024 * 1024  # of the in-process store
    nats_url: str | None = None  # listen for change events
    subject: str = SUBJECT
    admin_token: str | None = None  # enables POST /admin/cache/invalidate

    def store(self) -> CacheStore:
        if self.redis_url:
            return RedisStore(self.redis_url, prefix=self.redis_prefix)
        return MemoryStore(self.max_bytes)
