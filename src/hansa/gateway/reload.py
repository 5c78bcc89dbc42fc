"""Hot reload: when a watched file changes (a subgraph schema, the supergraph itself, or
``hansa.toml``), build the new supergraph or settings and swap them in; keep the last good ones
when that fails.

A failed composition or an unusable supergraph is logged with its reasons and changes nothing:
the gateway keeps serving the supergraph it has.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from hansa.composition import compose
from hansa.composition.config import ConfigError, SubgraphSource, read_sources
from hansa.config.loader import ConfigError as SettingsError
from hansa.gateway.config import GatewayConfig
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
    if not _swap(app, result.supergraph_sdl):
        return False
    log.info("supergraph recomposed from %d subgraphs", len(inputs))
    return True


async def reload_file(app: GatewayApp, path: Path) -> bool:
    """Read the supergraph file again and swap it in; False (and a log line) when it fails."""
    try:
        sdl = path.read_text()
    except OSError as error:
        log.error("cannot read %s, still serving the previous supergraph: %s", path, error)
        return False
    if not _swap(app, sdl):
        return False
    log.info("supergraph reloaded from %s", path)
    return True


def _swap(app: GatewayApp, sdl: str) -> bool:
    try:
        gateway = Gateway(sdl, app.config, pipeline=app.gateway.pipeline)
    except (SupergraphError, ValueError) as error:
        log.error("new supergraph refused, still serving the previous one: %s", error)
        return False
    # The operations clients ran most are planned before the new supergraph serves them.
    gateway.warm_up(app.gateway.most_used(app.config.warm_up_plans))
    app.swap(gateway)
    return True


def watch(
    app: GatewayApp,
    files: list[Path],
    rebuild: Callable[[], Awaitable[bool]],
    interval: float = 1.0,
) -> None:
    """Register a background task on ``app`` that calls ``rebuild`` when ``files`` change."""

    async def run() -> None:
        seen = _stamp(files)
        while True:
            await asyncio.sleep(interval)
            now = _stamp(files)
            if now != seen:
                seen = now
                await rebuild()

    app.background.append(run)


def watch_sources(app: GatewayApp, sources: list[SubgraphSource], interval: float = 1.0) -> None:
    """Recompose when a subgraph schema file changes."""
    files = [s.file for s in sources if s.file is not None]
    watch(app, files, lambda: recompose(app, sources), interval)


async def reload_config(app: GatewayApp, load: Callable[[], GatewayConfig]) -> bool:
    """Apply changed settings: a new gateway, with new plugins, on the supergraph being served;
    False (and a log line) when the settings are refused. Connection limits and the listening
    address belong to the server and need a restart."""
    try:
        config = load()
        gateway = Gateway(app.gateway.supergraph.sdl, config)
    except (SettingsError, SupergraphError, ValueError) as error:
        log.error("new settings refused, keeping the previous ones: %s", error)
        return False
    await gateway.pipeline.start()
    app.swap(gateway)
    log.info("settings reloaded")
    return True


def watch_config(
    app: GatewayApp, path: Path, load: Callable[[], GatewayConfig], interval: float = 1.0
) -> None:
    """Reload the settings when ``hansa.toml`` changes."""
    watch(app, [path], lambda: reload_config(app, load), interval)


def watch_supergraph(app: GatewayApp, path: Path, interval: float = 1.0) -> None:
    """Reload when the supergraph file changes (e.g. a CI job or Rover writes a new one)."""
    watch(app, [path], lambda: reload_file(app, path), interval)
