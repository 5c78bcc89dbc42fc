"""Retries, circuit breakers and subgraph deduplication, against real misbehaving subgraphs on
loopback (``tests/faults/subgraphs.py``).

Expected behaviour is the issue's contract and Apollo Router's: queries only are retried, with
``Retry-After`` honoured; a breaker opens after ``failure_threshold`` consecutive failures,
answers ``SUBREQUEST_CIRCUIT_OPEN`` at once while open, probes after ``recovery_timeout`` and
closes after ``success_threshold`` successes.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hansa.demo.accounts import accounts
from hansa.demo.products import products
from hansa.demo.reviews import reviews
from hansa.plugins.circuit_breaker import BreakerPolicy
from hansa.plugins.retries import RetryPolicy
from hansa.subgraph import Subgraph
from tests.faults.subgraphs import Faulty
from tests.support.federation import federation
from tests.support.http import post_graphql, request

PARTIAL = "{ me { name } topProducts { name } }"
ME = {"name": "Ada Lovelace"}
TOP = [{"name": n} for n in ("Table", "Couch", "Chair")]


def test_retry_after_is_honoured() -> None:
    busy = Faulty("status:503", retry_after="1")
    with federation(accounts, products, reviews, apps={"products": busy}) as url:
        started = time.monotonic()
        body = post_graphql(url, PARTIAL).json()
        took = time.monotonic() - started
    assert len(busy.requests) == 2
    assert took >= 0.95  # the retry waited for the subgraph's Retry-After
    assert body["errors"][0]["extensions"]["http"] == {"status": 503}


def test_a_retry_after_longer_than_the_backoff_limit_ends_the_retries() -> None:
    busy = Faulty("status:503", retry_after="60")
    with federation(accounts, products, reviews, apps={"products": busy}) as url:
        body = post_graphql(url, PARTIAL).json()
    assert len(busy.requests) == 1
    assert body["data"] == {"me": ME, "topProducts": None}


def test_mutations_are_never_retried() -> None:
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
        "type Query { ping: Int }\ntype Mutation { bump: Int }\n"
    )
    counter = Subgraph("counter", sdl)
    down = Faulty("status:503")
    with federation(counter, accounts, apps={"counter": down}, retry=RetryPolicy(retries=3)) as url:
        mutation = post_graphql(url, "mutation { bump }").json()
        mutations_seen = len(down.requests)
        query = post_graphql(url, "{ ping }").json()
    assert mutation["data"] == {"bump": None} and mutations_seen == 1
    assert query["data"] == {"ping": None} and len(down.requests) == 1 + 4


def test_the_retry_budget_caps_the_extra_load() -> None:
    down = Faulty("status:503")
    policy = RetryPolicy(retries=3, backoff=0.001, budget_percent=0, min_per_second=0.3)
    with federation(accounts, products, reviews, apps={"products": down}, retry=policy) as url:
        for _ in range(5):
            post_graphql(url, PARTIAL)
    # 5 queries; a budget of 0.3 retries per second over 10 s allows 3 retries in all.
    assert len(down.requests) == 5 + 3


def _ready(url: str) -> tuple[int, dict[str, Any]]:
    response = request(url.removesuffix("/graphql") + "/health/ready", method="GET")
    return response.status, response.json()


class Switch:
    """A subgraph app that is down (503) until switched on."""

    def __init__(self) -> None:
        self.down = Faulty("status:500")
        self.up = Faulty("ok")
        self.on = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await (self.up if self.on else self.down)(scope, receive, send)


def test_a_circuit_opens_fails_fast_probes_and_closes() -> None:
    switch = Switch()
    policy = BreakerPolicy(failure_threshold=3, recovery_timeout=0.5, success_threshold=2)
    with federation(
        accounts, products, reviews, apps={"products": switch}, circuit_breaker=policy
    ) as url:
        codes = [
            post_graphql(url, PARTIAL).json()["errors"][0]["extensions"]["code"] for _ in range(3)
        ]
        assert codes == ["SUBREQUEST_HTTP_ERROR"] * 3
        status, ready = _ready(url)
        assert status == 200 and ready["circuit_breakers"]["products"]["state"] == "open"

        started = time.monotonic()
        body = post_graphql(url, PARTIAL).json_without_request_ids()
        assert time.monotonic() - started < 0.5
        assert body["data"] == {"me": ME, "topProducts": None}
        assert body["errors"] == [
            {
                "message": "service 'products' is unavailable: its circuit breaker is open",
                "extensions": {
                    "code": "SUBREQUEST_CIRCUIT_OPEN",
                    "service": "products",
                    "reason": "its circuit breaker is open",
                },
            }
        ]
        assert body["extensions"]["degraded"]["reasons"] == {"products": "circuit_open"}
        assert len(switch.down.requests) == 3  # the open circuit sent nothing

        switch.on = True
        time.sleep(0.6)
        first = post_graphql(url, PARTIAL).json()  # the probe (half-open)
        assert first == {"data": {"me": ME, "topProducts": TOP}}
        assert _ready(url)[1]["circuit_breakers"]["products"]["state"] == "half_open"
        post_graphql(url, PARTIAL)
        assert _ready(url)[1]["circuit_breakers"]["products"]["state"] == "closed"


def test_a_failed_probe_opens_the_circuit_again() -> None:
    switch = Switch()
    policy = BreakerPolicy(failure_threshold=2, recovery_timeout=0.3, success_threshold=1)
    with federation(
        accounts, products, reviews, apps={"products": switch}, circuit_breaker=policy
    ) as url:
        for _ in range(2):
            post_graphql(url, PARTIAL)
        time.sleep(0.4)
        probe = post_graphql(url, PARTIAL).json()
        assert probe["errors"][0]["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
        after = post_graphql(url, PARTIAL).json()
        assert after["errors"][0]["extensions"]["code"] == "SUBREQUEST_CIRCUIT_OPEN"
    assert len(switch.down.requests) == 3


def test_a_refusal_of_the_request_does_not_open_the_circuit() -> None:
    refusing = Faulty("status:400")
    policy = BreakerPolicy(failure_threshold=2)
    with federation(
        accounts, products, reviews, apps={"products": refusing}, circuit_breaker=policy
    ) as url:
        for _ in range(4):
            post_graphql(url, PARTIAL)
        assert _ready(url)[1]["circuit_breakers"]["products"]["state"] == "closed"
    assert len(refusing.requests) == 4


def test_identical_subgraph_queries_in_flight_are_sent_once() -> None:
    slow = Faulty("slow:0.5")
    with (
        federation(accounts, products, reviews, apps={"products": slow}) as url,
        ThreadPoolExecutor(4) as pool,
    ):
        answers = list(pool.map(lambda _: post_graphql(url, PARTIAL).json(), range(4)))
    assert answers == [{"data": {"me": ME, "topProducts": TOP}}] * 4
    assert len(slow.requests) == 1


def test_subgraph_deduplication_can_be_turned_off() -> None:
    slow = Faulty("slow:0.5")
    with (
        federation(
            accounts, products, reviews, apps={"products": slow}, dedup_subgraph_requests=False
        ) as url,
        ThreadPoolExecutor(4) as pool,
    ):
        list(pool.map(lambda _: post_graphql(url, PARTIAL).json(), range(4)))
    assert len(slow.requests) == 4


def test_the_degraded_field_says_whether_a_fetch_failed() -> None:
    query = "{ me { name } topProducts { name } health: _degraded }"
    with federation(accounts, products, reviews, degraded_field=True) as healthy:
        whole = post_graphql(healthy, query).json()
        typed = post_graphql(healthy, '{ __type(name: "Query") { fields { name } } }').json()
    with federation(accounts, products, reviews, down=["products"], degraded_field=True) as broken:
        partial = post_graphql(broken, query).json()
    assert whole == {"data": {"me": ME, "topProducts": TOP, "health": False}}
    assert {"name": "_degraded"} in typed["data"]["__type"]["fields"]
    assert partial["data"] == {"me": ME, "topProducts": None, "health": True}


def test_the_degraded_field_is_off_by_default() -> None:
    with federation(accounts, products, reviews) as url:
        body = post_graphql(url, "{ _degraded }").json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
