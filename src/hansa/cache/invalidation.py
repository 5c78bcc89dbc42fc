"""Dropping cached entries before their time: a change event over NATS, or an admin request.

A change event is a JSON message ``{"type": "User", "key": {"id": "1"}}`` (``key`` left out:
every entity of the type) or ``{"tag": "news"}`` on ``[federation.cache] subject``. Every
gateway instance subscribes (no queue group: each must hear it, since each may keep its own
in-process entries) and drops the entity's entries and every cached response that selected its
type (a response does not record which entities it held, so the type is the precise bound that
is always right). A malformed message is logged and ignored; a NATS outage is retried by the
client and reported by ``/health/ready``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import Any

import orjson

from hansa.cache.keys import entity_tag, response_tag, type_tag
from hansa.cache.store import CacheStore
from hansa.pipeline.plugin import Plugin

log = logging.getLogger("hansa.cache")


class InvalidationError(ValueError):
    """A change event or admin request that names nothing to drop."""


def tags_for(message: Any) -> list[str]:
    """The tags a change event or admin request drops."""
    if not isinstance(message, Mapping):
        raise InvalidationError("expected a JSON object")
    tag = message.get("tag")
    type_name = message.get("type")
    if tag is not None:
        if not isinstance(tag, str) or not tag:
            raise InvalidationError("'tag' must be a non-empty string")
        return [f"tag:{tag}"]
    if not isinstance(type_name, str) or not type_name:
        raise InvalidationError("expected 'type' (with an optional 'key') or 'tag'")
    key = message.get("key")
    if key is None:
        return [type_tag(type_name), response_tag(type_name)]
    if not isinstance(key, Mapping) or not key:
        raise InvalidationError("'key' must be an object of key fields")
    return [entity_tag(type_name, key), response_tag(type_name)]


class CacheInvalidation(Plugin):
    name = "cache_invalidation"

    def __init__(self, store: CacheStore, nats_url: str | None, subject: str) -> None:
        self.store = store
        self.nats_url = nats_url
        self.subject = subject
        self.events = 0
        self.last_event: float | None = None
        self._connection: Any = None
        self._task: asyncio.Task[None] | None = None

    async def invalidate(self, message: Any) -> int:
        """Drop what ``message`` names; the number of entries dropped."""
        dropped = await self.store.invalidate(tags=tags_for(message))
        self.events += 1
        self.last_event = time.time()
        return dropped

    async def start(self) -> None:
        if self.nats_url is not None and self._task is None:
            self._task = asyncio.create_task(self._listen(self.nats_url))

    async def _listen(self, url: str) -> None:
        import nats

        async def received(message: Any) -> None:
            try:
                await self.invalidate(orjson.loads(message.data))
            except (orjson.JSONDecodeError, InvalidationError) as error:
                log.warning("ignoring a change event on %s: %s", self.subject, error)

        self._connection = await nats.connect(
            url, max_reconnect_attempts=-1, reconnect_time_wait=1, name="hansa-gateway"
        )
        await self._connection.subscribe(self.subject, cb=received)
        await self._connection.flush()

    def health(self) -> dict[str, Any] | None:
        if self.nats_url is None:
            return None
        connected = self._connection is not None and self._connection.is_connected
        return {"nats": "up" if connected else "down", "events": self.events}

    async def close(self) -> None:
        """Stop listening and close the store the caches share (this plugin owns it)."""
        if self._task is not None:
            self._task.cancel()
        if self._connection is not None:
            await self._connection.close()
        await self.store.close()
