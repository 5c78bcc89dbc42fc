"""Where cached bytes live: in this process (an LRU bounded in bytes) or in Redis, shared by
every gateway instance. Both expire entries by TTL and drop them by tag, which is how an entity
change reaches every response and entity entry that contained it.

A cache must never be the reason a request fails: Redis being down, slow or answering garbage
turns into misses (and writes that do nothing), logged once per outage and counted
(``failures``), and ``down`` says so for ``/health/ready``. Operations are batched: one request
costs one round trip per fetch (``MGET``; writes in one pipeline).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger("hansa.cache")

ENTRY_OVERHEAD = 100  # bytes an entry costs besides its key and value (dict slot, tuple, floats)


@dataclass(frozen=True, slots=True)
class Entry:
    """One value to store: under ``key`` for ``ttl`` seconds, dropped with any of ``tags``."""

    key: str
    value: bytes
    ttl: float
    tags: tuple[str, ...] = ()


class CacheStore(Protocol):
    """What the caches need from storage."""

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]: ...

    async def set_many(self, entries: Sequence[Entry]) -> None: ...

    async def invalidate(self, *, keys: Iterable[str] = (), tags: Iterable[str] = ()) -> int:
        """Drop ``keys`` and every entry tagged with one of ``tags``; how many were dropped
        (as far as the store can tell)."""
        ...

    async def close(self) -> None: ...

    @property
    def down(self) -> bool: ...


class MemoryStore:
    """An in-process LRU bounded by ``max_bytes`` (keys, values and a per-entry overhead)."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._entries: OrderedDict[str, tuple[bytes, float, tuple[str, ...]]] = OrderedDict()
        self._tagged: dict[str, set[str]] = {}
        self.down = False

    def __len__(self) -> int:
        return len(self._entries)

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        now = time.monotonic()
        found: list[bytes | None] = []
        for key in keys:
            entry = self._entries.get(key)
            if entry is None:
                found.append(None)
            elif entry[1] <= now:
                self._drop(key)
                found.append(None)
            else:
                self._entries.move_to_end(key)
                found.append(entry[0])
        return found

    async def set_many(self, entries: Sequence[Entry]) -> None:
        now = time.monotonic()
        for entry in entries:
            cost = _cost(entry.key, entry.value)
            if cost > self.max_bytes or entry.ttl <= 0:
                continue
            self._drop(entry.key)
            self._entries[entry.key] = (entry.value, now + entry.ttl, entry.tags)
            self.size += cost
            for tag in entry.tags:
                self._tagged.setdefault(tag, set()).add(entry.key)
        while self.size > self.max_bytes and self._entries:
            self._drop(next(iter(self._entries)))

    async def invalidate(self, *, keys: Iterable[str] = (), tags: Iterable[str] = ()) -> int:
        doomed = set(keys)
        for tag in tags:
            doomed |= self._tagged.get(tag, set())
        dropped = 0
        for key in doomed:
            dropped += self._drop(key)
        return dropped

    async def close(self) -> None:
        self._entries.clear()
        self._tagged.clear()
        self.size = 0

    def _drop(self, key: str) -> int:
        entry = self._entries.pop(key, None)
        if entry is None:
            return 0
        self.size -= _cost(key, entry[0])
        for tag in entry[2]:
            members = self._tagged.get(tag)
            if members is not None:
                members.discard(key)
                if not members:
                    del self._tagged[tag]
        return 1


def _cost(key: str, value: bytes) -> int:
    return len(key) + len(value) + ENTRY_OVERHEAD


class RedisStore:
    """Entries as Redis strings under ``prefix`` with a TTL; a tag is a set of the keys it
    covers (expiring with its longest-lived member), so invalidating a tag costs one
    ``SMEMBERS`` and one ``DEL``. Timeouts are short: a slow Redis is a miss, not a wait."""

    def __init__(self, url: str, *, prefix: str = "hansa:cache:", timeout: float = 0.25) -> None:
        import redis.asyncio as redis

        self.prefix = prefix
        self.client: Any = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self.failures = 0
        self.down_since: float | None = None

    @property
    def down(self) -> bool:
        return self.down_since is not None

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        from redis.exceptions import RedisError

        try:
            values = await self.client.mget([self.prefix + k for k in keys])
        except (RedisError, OSError) as error:
            self._failed(error)
            return [None] * len(keys)
        self._recovered()
        return [v if isinstance(v, bytes) else None for v in values]

    async def set_many(self, entries: Sequence[Entry]) -> None:
        if not entries:
            return
        from redis.exceptions import RedisError

        try:
            async with self.client.pipeline(transaction=False) as pipe:
                for entry in entries:
                    milliseconds = max(1, int(entry.ttl * 1000))
                    pipe.set(self.prefix + entry.key, entry.value, px=milliseconds)
                    for tag in entry.tags:
                        tag_key = self._tag(tag)
                        pipe.sadd(tag_key, entry.key)
                        pipe.pexpire(tag_key, milliseconds, gt=True)
                        pipe.pexpire(tag_key, milliseconds, nx=True)
                await pipe.execute()
        except (RedisError, OSError) as error:
            self._failed(error)
            return
        self._recovered()

    async def invalidate(self, *, keys: Iterable[str] = (), tags: Iterable[str] = ()) -> int:
        from redis.exceptions import RedisError

        doomed = {self.prefix + k for k in keys}
        tag_keys = [self._tag(t) for t in tags]
        try:
            if tag_keys:
                async with self.client.pipeline(transaction=False) as pipe:
                    for tag_key in tag_keys:
                        pipe.smembers(tag_key)
                    for members in await pipe.execute():
                        doomed |= {self.prefix + m.decode() for m in members}
            async with self.client.pipeline(transaction=False) as pipe:
                if doomed:
                    pipe.delete(*doomed)
                if tag_keys:
                    pipe.delete(*tag_keys)
                results = await pipe.execute()
        except (RedisError, OSError) as error:
            self._failed(error)
            return 0
        self._recovered()
        return int(results[0]) if doomed else 0

    async def close(self) -> None:
        await self.client.aclose()

    def _tag(self, tag: str) -> str:
        return f"{self.prefix}tag:{tag}"

    def _failed(self, error: BaseException) -> None:
        self.failures += 1
        if self.down_since is None:
            self.down_since = time.monotonic()
            log.warning("cache Redis unavailable (%s); answering uncached", type(error).__name__)

    def _recovered(self) -> None:
        if self.down_since is not None:
            log.warning("cache Redis back after %.1f s", time.monotonic() - self.down_since)
            self.down_since = None
