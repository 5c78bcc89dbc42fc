"""Apollo's reference implementation as a test oracle (Node scripts in ``scripts/reference``).

Used by tests and fixture-recording scripts only; Hansa never runs it at runtime.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
REFERENCE_DIR = REPO / "scripts" / "reference"


@dataclass(frozen=True)
class SubgraphSource:
    name: str
    url: str
    sdl: str


def available() -> bool:
    return shutil.which("node") is not None and (REFERENCE_DIR / "node_modules").is_dir()


def _node(script: str, payload: Mapping[str, Any], directory: Path = REFERENCE_DIR) -> Any:
    done = subprocess.run(
        ["node", str(directory / script)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def compose(subgraphs: Sequence[SubgraphSource]) -> dict[str, Any]:
    """``{"supergraphSdl", "errors", "hints"}`` from ``@apollo/composition``."""
    return dict(
        _node(
            "compose.mjs",
            {"subgraphs": [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in subgraphs]},
        )
    )


def compose_fed1(subgraphs: Sequence[SubgraphSource]) -> dict[str, Any]:
    """The same from ``@apollo/federation`` 0.x: a Fed 1 (``@core``/``@join__owner``) supergraph."""
    payload = {"subgraphs": [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in subgraphs]}
    return dict(_node("compose.mjs", payload, REFERENCE_DIR / "fed1"))


def compose_join02(subgraphs: Sequence[SubgraphSource]) -> dict[str, Any]:
    """The same from ``@apollo/composition`` 2.0.x: a join v0.2 supergraph."""
    payload = {"subgraphs": [{"name": s.name, "url": s.url, "sdl": s.sdl} for s in subgraphs]}
    return dict(_node("compose.mjs", payload, REFERENCE_DIR / "join02"))


def plan(supergraph_sdl: str, query: str, operation_name: str | None = None) -> dict[str, Any]:
    """``{"plan": text}`` or ``{"error": message}`` from ``@apollo/query-planner``."""
    return dict(
        _node(
            "plan.mjs",
            {"supergraphSdl": supergraph_sdl, "query": query, "operationName": operation_name},
        )
    )


@contextmanager
def apollo_gateway(supergraph_path: Path, overrides: Mapping[str, str]) -> Iterator[str]:
    """Run ``@apollo/gateway`` on a free loopback port; yields its URL."""
    args = ["node", str(REFERENCE_DIR / "gateway.mjs"), "--supergraph", str(supergraph_path)]
    args += ["--port", "0", "--host", "127.0.0.1"]
    for name, url in overrides.items():
        args += ["--override", f"{name}={url}"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        if not line.startswith("READY "):
            _, err = process.communicate(timeout=10)
            raise RuntimeError(f"Apollo Gateway did not start: {line} {err}")
        yield line.split(" ", 1)[1]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
