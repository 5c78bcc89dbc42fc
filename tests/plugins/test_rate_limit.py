"""Rate limits over HTTP: token buckets per client key, in memory and shared through a real
Redis by two gateway instances. The contract is the issue's: over the limit, HTTP 429 with
``RATE_LIMITED`` and ``Retry-After``."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace

from hansa.demo.accounts import accounts
from hansa.plugins.rate_limit import RateLimitPolicy
from tests.support.federation import federation
from tests.support.http import free_port, post_graphql, request
from tests.support.services import redis_url

ME = "{ me { name } }"


def _statuses(url: str, count: int, headers: dict[str, str] | None = None) -> list[int]:
    return [post_graphql(url, ME, headers=headers).status for _ in range(count)]


def test_a_client_over_its_rate_gets_429_with_retry_after() -> None:
    policy = RateLimitPolicy(requests_per_second=2, burst=3)
    with federation(accounts, rate_limit=policy) as url:
        assert _statuses(url, 3) == [200, 200, 200]
        refused = post_graphql(url, ME)
        time.sleep(0.6)  # one token back at 2 per second
        again = post_graphql(url, ME)
    assert refused.status == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.json_without_request_ids() == {
        "errors": [
            {
                "message": "Too many requests: the rate limit for this client is exceeded.",
                "extensions": {"code": "RATE_LIMITED"},
            }
        ]
    }
    assert again.status == 200


def test_a_header_key_gives_each_client_its_own_bucket() -> None:
    policy = RateLimitPolicy(requests_per_second=0.1, burst=2, key="header:x-api-key")
    with federation(accounts, rate_limit=policy) as url:
        first = _statuses(url, 3, {"x-api-key": "alice"})
        second = _statuses(url, 3, {"x-api-key": "bob"})
    assert first == [200, 200, 429]
    assert second == [200, 200, 429]


def test_two_instances_share_one_budget_through_redis() -> None:
    policy = RateLimitPolicy(
        requests_per_second=0.1,
        burst=6,
        key="header:x-api-key",
        redis_url=redis_url(),
        redis_prefix=f"hansa-test:{uuid.uuid4().hex}:",
    )
    with (
        federation(accounts, rate_limit=policy) as one,
        federation(accounts, rate_limit=policy) as two,
    ):
        statuses = [
            post_graphql(url, ME, headers={"x-api-key": "shared"}).status for url in [one, two] * 5
        ]
    assert statuses == [200] * 6 + [429] * 4


def test_unreachable_redis_admits_requests_and_says_so() -> None:
    policy = RateLimitPolicy(
        requests_per_second=0.1, burst=1, redis_url=f"redis://127.0.0.1:{free_port()}/0"
    )
    with federation(accounts, rate_limit=policy) as url:
        statuses = _statuses(url, 3)
        ready = request(url.removesuffix("/graphql") + "/health/ready", method="GET").json()
    assert statuses == [200, 200, 200]
    assert ready["rate_limit"]["redis"] == "down"


def test_a_wrong_key_is_refused_at_start() -> None:
    import pytest

    from hansa.gateway import Gateway, GatewayConfig
    from tests.support.federation import supergraph_of

    for key in ("cookie:x", "header:", "ip:x"):
        with pytest.raises(ValueError, match="expected ip, header:NAME or jwt:CLAIM"):
            Gateway(
                supergraph_of(accounts),
                GatewayConfig(rate_limit=replace(RateLimitPolicy(1, 1), key=key)),
            )
