"""``hansa gateway`` on SIGTERM, as an orchestrator stops it: ``/health/ready`` turns 503
``DRAINING`` while requests are still served for ``drain_delay_secs``, a request in flight
when the listener closes still gets its answer, and the process exits 0."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from pathlib import Path
from typing import Any

from hansa.http.serve import serving
from hansa.subgraph import Subgraph
from tests.support.cli import first_answer, start_gateway
from tests.support.federation import supergraph_of
from tests.support.http import post_graphql, request

SDL = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def test_sigterm_drains_then_finishes_what_is_in_flight(tmp_path: Path) -> None:
    slow = Subgraph("slow", SDL + "type Query { fast: String slow: String }")
    slow.field("Query", "fast")(lambda *_: "fast")

    async def late(*_: Any) -> str:
        await asyncio.sleep(1.5)
        return "late"

    slow.field("Query", "slow")(late)
    (tmp_path / "supergraph.graphql").write_text(supergraph_of(slow))
    with serving(slow.asgi_app()) as (sub,):
        config = tmp_path / "hansa.toml"
        config.write_text(
            '[gateway]\nsupergraph = "supergraph.graphql"\ndrain_delay_secs = 1\n'
            f'\n[subgraphs.slow]\nurl = "{sub}/graphql"\n'
        )
        process, url = start_gateway("--config", str(config))
        base = url.removesuffix("/graphql")
        try:
            assert first_answer(url, "{ fast }") == {"data": {"fast": "fast"}}
            assert request(f"{base}/health/live", method="GET").status == 200
            answers: list[Any] = []
            in_flight = threading.Thread(
                target=lambda: answers.append(post_graphql(url, "{ slow }").json())
            )
            in_flight.start()
            time.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            time.sleep(0.2)
            ready = request(f"{base}/health/ready", method="GET")
            during = post_graphql(url, "{ fast }").json()
            in_flight.join(timeout=10)
            code = process.wait(timeout=15)
        finally:
            if process.poll() is None:
                process.kill()
            process.communicate(timeout=10)
    assert (ready.status, ready.json()["status"]) == (503, "DRAINING")
    assert during == {"data": {"fast": "fast"}}  # still served while draining
    assert answers == [{"data": {"slow": "late"}}]  # finished after the listener closed
    assert code == 0
