"""``/health/ready`` and subgraphs: each subgraph's reachability is reported from fetches,
a subgraph being down leaves the gateway ready by default, and with
``ready_requires_subgraphs`` probes take the gateway out (503) and bring it back."""

from __future__ import annotations

import time
from typing import Any

from hansa.demo import accounts, products, reviews
from hansa.http.asgi import Receive, Scope, Send
from tests.support.federation import federation
from tests.support.http import post_graphql, request


def _ready(url: str) -> tuple[int, Any]:
    answer = request(url.removesuffix("/graphql") + "/health/ready", method="GET")
    return answer.status, answer.json()


def test_a_down_subgraph_is_reported_but_leaves_the_gateway_ready() -> None:
    with federation(accounts, products, reviews, down=["reviews"]) as url:
        before = _ready(url)
        post_graphql(url, "{ me { name } topProducts { reviews { body } } }")
        status, body = _ready(url)
    assert before[1]["subgraphs"]["accounts"] == {"reachable": None}  # nothing fetched yet
    assert status == 200 and body["status"] == "READY"
    assert body["subgraphs"]["accounts"]["reachable"] is True
    assert body["subgraphs"]["reviews"]["reachable"] is False
    assert body["subgraphs"]["reviews"]["failure"] == "http"


class Switch:
    """A subgraph app that answers 503 while ``down``."""

    def __init__(self, app: Any) -> None:
        self.app, self.down = app, False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.down:
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)


def _until(url: str, status: int) -> float:
    started = time.monotonic()
    while _ready(url)[0] != status:
        assert time.monotonic() - started < 10, f"never {status}"
        time.sleep(0.05)
    return time.monotonic() - started


def test_with_ready_requires_subgraphs_probes_decide_readiness() -> None:
    switch = Switch(reviews.asgi_app())
    with federation(
        accounts,
        products,
        reviews,
        apps={"reviews": switch},
        ready_requires_subgraphs=True,
        subgraph_probe_interval=0.1,
    ) as url:
        _until(url, 200)  # every probe answered
        switch.down = True
        _until(url, 503)
        status, body = _ready(url)
        assert body["subgraphs"]["reviews"]["reachable"] is False
        switch.down = False
        _until(url, 200)  # the probes bring it back without any traffic
    assert status == 503
