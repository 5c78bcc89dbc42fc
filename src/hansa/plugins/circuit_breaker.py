"""A circuit breaker per subgraph: stop sending to a subgraph that keeps failing, so its
requests fail at once (``SUBREQUEST_CIRCUIT_OPEN``) instead of each waiting for its timeout,
and probe it back into service.

closed ─(``failure_threshold`` consecutive failures)→ open ─(``recovery_timeout``)→ half-open:
one probe at a time; ``success_threshold`` successes in a row close it, a failure opens it
again. A failure is what says the subgraph is unwell (``counts_against_subgraph``: no answer,
5xx, 429, a malformed body); a 4xx refusal of the gateway's request is the request's fault and
counts as an answer. Transitions are logged; states are in ``GET /health/ready``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Literal

from hansa.pipeline.context import SubgraphRequest
from hansa.pipeline.plugin import Plugin
from hansa.transport.client import CIRCUIT_OPEN, SubgraphClient, SubgraphFetchError

log = logging.getLogger("hansa.circuit_breaker")

State = Literal["closed", "open", "half_open"]


@dataclass(frozen=True)
class BreakerPolicy:
    failure_threshold: int = 5
    recovery_timeout: float = 30.0  # seconds open before a probe
    success_threshold: int = 2


class Breaker:
    """One subgraph's circuit."""

    def __init__(self, subgraph: str, policy: BreakerPolicy) -> None:
        self.subgraph = subgraph
        self.policy = policy
        self.state: State = "closed"
        self.failures = 0  # consecutive, while closed
        self.successes = 0  # consecutive, while half-open
        self.opened_at = 0.0
        self.probing = False
        self.opened = 0  # times it opened

    def admit(self) -> bool:
        if self.state == "closed":
            return True
        if self.state == "open":
            if time.monotonic() - self.opened_at < self.policy.recovery_timeout:
                return False
            self._move("half_open")
            self.successes = 0
        if self.probing:
            return False
        self.probing = True
        return True

    def succeeded(self) -> None:
        if self.state == "half_open":
            self.probing = False
            self.successes += 1
            if self.successes >= self.policy.success_threshold:
                self._move("closed")
                self.failures = 0
        else:
            self.failures = 0

    def failed(self) -> None:
        if self.state == "half_open":
            self.probing = False
            self._open()
            return
        self.failures += 1
        if self.state == "closed" and self.failures >= self.policy.failure_threshold:
            self._open()

    def _open(self) -> None:
        self._move("open")
        self.opened_at = time.monotonic()
        self.opened += 1

    def _move(self, state: State) -> None:
        if state != self.state:
            level = logging.WARNING if state == "open" else logging.INFO
            log.log(level, "circuit for subgraph '%s': %s -> %s", self.subgraph, self.state, state)
            self.state = state

    def detail(self) -> dict[str, Any]:
        detail: dict[str, Any] = {"state": self.state, "consecutive_failures": self.failures}
        if self.state != "closed":
            detail["open_for_seconds"] = round(time.monotonic() - self.opened_at, 3)
        return detail


class CircuitBreakers(Plugin):
    name = "circuit_breakers"

    def __init__(self, policy: BreakerPolicy) -> None:
        self.policy = policy
        self.breakers: dict[str, Breaker] = {}

    def breaker(self, subgraph: str) -> Breaker:
        breaker = self.breakers.get(subgraph)
        if breaker is None:
            breaker = self.breakers[subgraph] = Breaker(subgraph, self.policy)
        return breaker

    def wrap_subgraph_client(self, client: SubgraphClient) -> SubgraphClient:
        return _Breaking(client, self)

    def health(self) -> dict[str, Any] | None:
        return {name: b.detail() for name, b in sorted(self.breakers.items())}


class _Breaking:
    def __init__(self, inner: SubgraphClient, plugin: CircuitBreakers) -> None:
        self.inner = inner
        self.plugin = plugin

    async def fetch(self, request: SubgraphRequest) -> dict[str, Any]:
        breaker = self.plugin.breaker(request.subgraph)
        if not breaker.admit():
            raise SubgraphFetchError(
                request.subgraph, "its circuit breaker is open", CIRCUIT_OPEN, kind="circuit_open"
            )
        try:
            response = await self.inner.fetch(request)
        except SubgraphFetchError as failure:
            if failure.counts_against_subgraph:
                breaker.failed()
            else:
                breaker.succeeded()
            raise
        except BaseException:
            breaker.probing = False  # cancelled: the probe never finished
            raise
        breaker.succeeded()
        return response

    async def close(self) -> None:
        await self.inner.close()
