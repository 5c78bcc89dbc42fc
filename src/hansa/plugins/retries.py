"""Retries of failed subgraph queries: exponential backoff with full jitter, a budget that caps
the extra load, and ``Retry-After`` honoured.

Only queries are retried (a mutation may have taken effect even when its answer was lost), and
only failures that another attempt can cure (``SubgraphFetchError.transient``: timeouts, lost
connections, 429, 502, 503, 504). The budget follows Finagle's and Apollo Router's: retries in
the last ten seconds may add at most ``budget_percent`` to the requests of those seconds, plus
``min_per_second`` always allowed, so a subgraph that is down gets at most that much extra
traffic instead of ``retries`` times its load. A ``Retry-After`` longer than ``max_backoff``
means the subgraph asked for more patience than the request has: the failure stands.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hansa.pipeline.context import SubgraphRequest
from hansa.pipeline.plugin import Plugin
from hansa.transport.client import SubgraphClient, SubgraphFetchError

WINDOW_SECONDS = 10


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 1  # attempts after the first
    backoff: float = 0.05  # seconds before the first retry at most; doubles with each retry
    max_backoff: float = 2.0
    budget_percent: float = 20.0
    min_per_second: float = 10.0


class RetryBudget:
    """Requests and retries counted in one-second slots over the last ``WINDOW_SECONDS``."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy
        self._requests = [0] * WINDOW_SECONDS
        self._retries = [0] * WINDOW_SECONDS
        self._second = 0

    def _advance(self) -> int:
        now = int(time.monotonic())
        if now != self._second:
            for second in range(max(self._second + 1, now - WINDOW_SECONDS + 1), now + 1):
                self._requests[second % WINDOW_SECONDS] = 0
                self._retries[second % WINDOW_SECONDS] = 0
            self._second = now
        return now % WINDOW_SECONDS

    def request(self) -> None:
        self._requests[self._advance()] += 1

    def withdraw(self) -> bool:
        """Take one retry from the budget; False when it is spent."""
        slot = self._advance()
        allowed = (
            self.policy.min_per_second * WINDOW_SECONDS
            + sum(self._requests) * self.policy.budget_percent / 100
        )
        if sum(self._retries) + 1 > allowed:
            return False
        self._retries[slot] += 1
        return True


class Retries(Plugin):
    name = "retries"

    def __init__(self, policy: RetryPolicy, per_subgraph: Mapping[str, int] | None = None) -> None:
        self.policy = policy
        self.per_subgraph = dict(per_subgraph or {})
        self.budget = RetryBudget(policy)
        self.retried = 0  # retries sent
        self.refused = 0  # retries the budget refused

    def wrap_subgraph_client(self, client: SubgraphClient) -> SubgraphClient:
        return _Retrying(client, self)

    def health(self) -> dict[str, Any] | None:
        return {"retried": self.retried, "refused_by_budget": self.refused}

    def delay(self, attempt: int, failure: SubgraphFetchError) -> float | None:
        """Seconds to wait before retry number ``attempt`` (from 1); None: do not retry."""
        policy = self.policy
        wait = random.uniform(0, min(policy.max_backoff, policy.backoff * 2 ** (attempt - 1)))
        if failure.retry_after is not None:
            if failure.retry_after > policy.max_backoff:
                return None
            wait = max(wait, failure.retry_after)
        return wait


class _Retrying:
    def __init__(self, inner: SubgraphClient, plugin: Retries) -> None:
        self.inner = inner
        self.plugin = plugin

    async def fetch(self, request: SubgraphRequest) -> dict[str, Any]:
        plugin = self.plugin
        retries = plugin.per_subgraph.get(request.subgraph, plugin.policy.retries)
        if retries <= 0 or request.kind != "query":
            return await self.inner.fetch(request)
        plugin.budget.request()
        attempt = 0
        while True:
            try:
                return await self.inner.fetch(request)
            except SubgraphFetchError as failure:
                attempt += 1
                if attempt > retries or not failure.transient:
                    raise
                wait = plugin.delay(attempt, failure)
                if wait is None:
                    raise
                if not plugin.budget.withdraw():
                    plugin.refused += 1
                    raise
                plugin.retried += 1
                await asyncio.sleep(wait)

    async def close(self) -> None:
        await self.inner.close()
