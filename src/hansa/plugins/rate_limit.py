"""Rate limits per client: a token bucket of ``requests_per_second`` refilling up to ``burst``,
per client key, checked before anything is parsed. Over the limit: HTTP 429 with
``RATE_LIMITED`` and ``Retry-After``.

The key is the client's address (``ip``), a request header (``header:NAME``; requests without
it share the bucket of their address) or a claim of the verified JWT (``jwt:CLAIM``, read from
``context.state["claims"]`` where the authentication plugin leaves it; requests without one
fall back to their address, so an unverified token never picks its own bucket).

Buckets live in memory (one instance) or in Redis (``redis_url``), where one Lua script takes a
token atomically with Redis' own clock, so any number of gateway instances share one budget per
key. If Redis cannot be reached the request is admitted (a limiter must not take the graph
down with it), logged once per outage, and ``GET /health/ready`` says so.
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin

log = logging.getLogger("hansa.rate_limit")

MAX_MEMORY_BUCKETS = 100_000  # least recently used keys beyond this are forgotten (full again)

# KEYS[1]: the bucket; ARGV: rate per second, burst. Returns {admitted, seconds to wait}.
TAKE_TOKEN = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(stored[1]) or burst
local at = tonumber(stored[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local admitted = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  admitted = 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
return {admitted, tostring(wait)}
"""


@dataclass(frozen=True)
class RateLimitPolicy:
    requests_per_second: float
    burst: int
    key: str = "ip"  # "ip" | "header:NAME" | "jwt:CLAIM"
    redis_url: str | None = None
    redis_prefix: str = "hansa:rate:"


class _MemoryBuckets:
    def __init__(self, policy: RateLimitPolicy) -> None:
        self.policy = policy
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def take(self, key: str) -> float:
        """0 when admitted, else the seconds until a token is there."""
        rate, burst = self.policy.requests_per_second, float(self.policy.burst)
        now = time.monotonic()
        tokens, at = self.buckets.pop(key, (burst, now))
        tokens = min(burst, tokens + (now - at) * rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / rate
        self.buckets[key] = (tokens, now)
        if len(self.buckets) > MAX_MEMORY_BUCKETS:
            self.buckets.popitem(last=False)
        return wait

    async def close(self) -> None:
        pass


class _RedisBuckets:
    def __init__(self, policy: RateLimitPolicy) -> None:
        import redis.asyncio as redis

        assert policy.redis_url is not None
        self.policy = policy
        self.client = redis.Redis.from_url(
            policy.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        self.script = self.client.register_script(TAKE_TOKEN)
        self.down_since: float | None = None

    async def take(self, key: str) -> float:
        from redis.exceptions import RedisError

        policy = self.policy
        try:
            admitted, wait = await self.script(
                keys=[policy.redis_prefix + key],
                args=[policy.requests_per_second, policy.burst],
            )
        except (RedisError, OSError) as error:
            if self.down_since is None:
                self.down_since = time.monotonic()
                log.error("rate limits admit every request: Redis is unreachable (%s)", error)
            return 0.0
        if self.down_since is not None:
            log.warning("rate limits enforced again: Redis is back")
            self.down_since = None
        return 0.0 if int(admitted) else float(wait)

    async def close(self) -> None:
        await self.client.aclose()


class RateLimit(Plugin):
    name = "rate_limit"

    def __init__(self, policy: RateLimitPolicy) -> None:
        self.policy = policy
        kind, _, argument = policy.key.partition(":")
        if kind not in ("ip", "header", "jwt") or (kind != "ip") != bool(argument):
            raise ValueError(
                f"rate limit key {policy.key!r}: expected ip, header:NAME or jwt:CLAIM"
            )
        self.kind, self.argument = kind, argument.lower() if kind == "header" else argument
        self.buckets: _MemoryBuckets | _RedisBuckets = (
            _RedisBuckets(policy) if policy.redis_url else _MemoryBuckets(policy)
        )
        self.refused = 0

    def client_key(self, context: RequestContext) -> str:
        if self.kind == "header":
            value = context.headers.get(self.argument)
            if value:
                return f"header:{value}"
        elif self.kind == "jwt":
            claims = context.state.get("claims")
            value = claims.get(self.argument) if isinstance(claims, dict) else None
            if value is not None:
                return f"jwt:{value}"
        return f"ip:{context.client or 'unknown'}"

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        wait = await self.buckets.take(self.client_key(context))
        if wait <= 0:
            return None
        self.refused += 1
        seconds = max(1, math.ceil(wait))
        answer = GatewayResponse.refusal(
            429, "RATE_LIMITED", "Too many requests: the rate limit for this client is exceeded."
        )
        answer.headers.append(("retry-after", str(seconds)))
        return answer

    def health(self) -> dict[str, Any] | None:
        detail: dict[str, Any] = {"refused": self.refused}
        if isinstance(self.buckets, _RedisBuckets):
            detail["redis"] = "down" if self.buckets.down_since is not None else "up"
        return detail

    async def close(self) -> None:
        await self.buckets.close()
