"""A short fuzzing run in ``make test`` (the long one is ``scripts/fuzz-gateway``): generated
requests against the gateway's HTTP app over the demo subgraphs; every answer must be a coded
4xx or a GraphQL response, never a 500 or a traceback."""

from __future__ import annotations

from scripts.fuzz.gateway_fuzz import run


def test_generated_requests_break_no_promise() -> None:
    sent, failures = run(1500, seed=20261203)
    assert sent >= 1500
    assert [(f[0], f[1].problems, f[1].body[:200]) for f in failures[:5]] == []
