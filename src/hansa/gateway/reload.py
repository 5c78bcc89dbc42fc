"""Hot reload: recompose when a subgraph schema file changes, keep the last good supergraph.

A failed composition is logged with its errors and changes nothing: the gateway keeps serving
the supergraph it has.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from hansa.composition import compose
from hansa.composition.config import ConfigError, SubgraphSource, read_sources
from hansa.gateway.gateway import Gateway
from hansa.server.app import GatewayApp
from hansa.supergraph import SupergraphError

log = logging.getLogger("hansa.gateway")


def _stamp(paths: list[Path]) -> tuple[float, ...]:
    stamps = []
    for path in paths:
        try:
            stamps.append(path.stat().st_mtime)
        except OSError:
            stamps.append(-1.0)
    return tuple(stamps)


async def recompose(app: GatewayApp, sources: list[SubgraphSource]) -> bool:
    """Compose again and swap the gateway in; False (and a log line) when it fails."""
    try:
        inputs = await read_sources(sources)
    except ConfigError as error:
        log.error("recomposition skipped: %s", error)
        return False
    result = compose(inputs)
    if result.supergraph_sdl is None:
        log.error(
            "recomposition failed, still serving the previous supergraph:\n%s",
            "\n".join(f"  {e}" for e in result.errors),
        )
        return False
    try:
        gateway = Gateway(result.supergraph_sdl, app.config)
    except (SupergraphError, ValueError) as error:
        log.error("recomposed supergraph refused, still serving the previous one: %s", error)
        return False
    app.swap(gateway)
    log.info("supergraph recomposed from %d subgraphs", len(inputs))
    return True


def watch(app: GatewayApp, sources: list[SubgraphSource], interval: float = 1.0) -> None:
    """Register a background task on ``app`` that recomposes when schema files change."""
    files = [s.file for s in sources if s.file is not None]

    async def run() -> None:
        seen = _stamp(files)
        while True:
            await asyncio.sleep(interval)
            now = _stamp(files)
            if now != seen:
                seen = now
                await recompose(app, sources)

    app.background.append(run)
