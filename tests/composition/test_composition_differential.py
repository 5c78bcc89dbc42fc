"""A fixed-seed slice of ``scripts/composition-differential``: generated subgraph sets and broken
variants of them, composed by Hansa and by ``@apollo/composition``; the supergraphs must be
semantically equal where Apollo composes and the error codes the same where it refuses."""

from __future__ import annotations

import random

import pytest
from scripts.difftest.composition import Run
from scripts.difftest.oracle import Oracle

from tests.support import reference

SEED = 20261202
GRAPHS = 10
MUTATIONS = 5

pytestmark = pytest.mark.skipif(not reference.available(), reason="needs make reference (Node)")


def test_composition_differential_slice() -> None:
    rng = random.Random(SEED)
    with Oracle() as oracle:
        run = Run(oracle, minimize=False)
        for index in range(GRAPHS):
            run.graph(SEED, index, MUTATIONS, rng)
    assert run.by_outcome["apollo composes"] >= GRAPHS // 2, run.by_outcome
    assert run.by_outcome["apollo refuses"] > 0, run.by_outcome
    report = "\n\n".join(
        f"{m['set']}: {m['mismatch']}\n"
        + "\n".join(f"--- {n}\n{sdl}" for n, sdl in m["subgraphs"].items())
        for m in run.mismatches[:2]
    )
    assert not run.mismatches, f"{len(run.mismatches)} mismatches:\n{report}"
