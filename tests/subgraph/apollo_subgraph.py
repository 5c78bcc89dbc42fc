"""Apollo's reference subgraph library as a live peer: ``scripts/reference/subgraph.mjs`` serves
SDLs with ``@apollo/subgraph`` on Apollo Server 5 (no resolvers), one server per SDL."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.reference import REFERENCE_DIR

SCRIPT = REFERENCE_DIR / "subgraph.mjs"


def available() -> bool:
    return (REFERENCE_DIR / "node_modules" / "@apollo" / "subgraph").is_dir()


@contextmanager
def apollo_subgraphs(
    sdls: Mapping[str, str], resolvers: Mapping[str, Path] | None = None
) -> Iterator[dict[str, Any]]:
    """Serve every SDL; yields ``{name: url}``, or ``{name: {"error": ...}}`` if Apollo refused it.

    ``resolvers`` maps a subgraph name to an ES module whose default export is its resolver map.
    """
    subgraphs: list[dict[str, str]] = []
    for name, sdl in sdls.items():
        entry = {"name": name, "sdl": sdl}
        if resolvers and name in resolvers:
            entry["resolvers"] = str(resolvers[name].resolve())
        subgraphs.append(entry)
    payload = json.dumps({"subgraphs": subgraphs})
    process = subprocess.Popen(
        ["node", str(SCRIPT), "--host", "127.0.0.1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(payload)
        process.stdin.close()
        line = process.stdout.readline().strip()
        if not line.startswith("READY "):
            _, err = process.communicate(timeout=10)
            raise RuntimeError(f"subgraph.mjs did not start: {line} {err}")
        yield dict(json.loads(line.split(" ", 1)[1]))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
