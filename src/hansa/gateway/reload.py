"""Hot reload: poll the supergraph's source (``hansa.gateway.sources``) and swap in what it
gives; watch ``hansa.toml`` and apply changed settings. Keep the last good ones when that fails.

A source that cannot answer, a failed composition or an unusable supergraph is logged with its
reasons and changes nothing: the gateway keeps serving the supergraph it has.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable
from pathlib import Path

from hansa.config.loader import ConfigError as SettingsError
from hansa.files import modified
from hansa.gateway.config import GatewayConfig
from hansa.gateway.gateway import Gateway
from hansa.gateway.sources import Loaded, SourceError, SupergraphSource
from hansa.server.app import GatewayApp
from hansa.server.canary import CanaryRoute
from hansa.supergraph import SupergraphError

log = logging.getLogger("hansa.gateway")


async def reload_from(app: GatewayApp, source: SupergraphSource) -> bool:
    """Ask ``source`` once and swap in what changed; False (and a log line) when it fails or
    nothing changed."""
    try:
        loaded = await source.load()
    except SourceError as error:
        _failing(source, f"{error}; still serving the previous supergraph")
        return False
    if _FAILING.pop(id(source), None) is not None:
        log.info("%s answers again", source.describe())
    if loaded is None:
        return False
    try:
        gateway = Gateway(loaded.sdl, app.config, pipeline=app.gateway.pipeline)
        gateway.composition = loaded.composition
    except (SupergraphError, ValueError) as error:
        log.error(
            "new supergraph refused, still serving the previous one: %s (%s from %s)",
            error,
            loaded.version,
            loaded.origin,
        )
        return False
    # The operations clients ran most are planned before the new supergraph serves them.
    most_used = app.gateway.most_used(app.config.warm_up_plans)
    gateway.warm_up(most_used)
    canary = canary_route(loaded, gateway)
    if canary is not None:
        canary.gateway.warm_up(most_used)
    app.swap(gateway)
    app.set_canary(canary)
    source.accepted(loaded)
    log.info("supergraph %s loaded from %s", loaded.version, loaded.origin)
    return True


# Per source: the last failure logged and when. A registry that is down for an hour is one
# error a minute in the log, not one per poll.
_FAILING: dict[int, tuple[str, float]] = {}
REPEAT_EVERY = 60.0


def _failing(source: SupergraphSource, message: str) -> None:
    last = _FAILING.get(id(source))
    now = time.monotonic()
    if last is not None and last[0] == message and now - last[1] < REPEAT_EVERY:
        log.debug("%s", message)
        return
    _FAILING[id(source)] = (message, now)
    log.error("%s", message)


def canary_route(loaded: Loaded, main: Gateway) -> CanaryRoute | None:
    """The canary ``loaded`` asks for, on ``main``'s settings and plugins; ``None`` (and a log
    line) when there is none or its supergraph does not load: everyone stays on ``main``."""
    rollout = loaded.canary
    if rollout is None:
        return None
    try:
        gateway = Gateway(rollout.sdl, main.config, pipeline=main.pipeline)
    except (SupergraphError, ValueError) as error:
        log.error(
            "canary supergraph %s refused, serving everyone %s: %s",
            rollout.version,
            loaded.version,
            error,
        )
        return None
    gateway.composition = rollout.version.removeprefix("#")
    log.info(
        "canary %s serves %d%% of clients by %s", rollout.version, rollout.percent, rollout.key
    )
    return CanaryRoute(gateway, rollout.percent, rollout.allow, rollout.deny, rollout.key)


def poll(app: GatewayApp, source: SupergraphSource, interval: float | None = None) -> None:
    """Register a background task on ``app`` that asks ``source`` every ``interval`` seconds
    (its own interval by default)."""
    every = interval if interval is not None else source.interval
    if every is None:
        return

    async def run() -> None:
        while True:
            await asyncio.sleep(every)
            await reload_from(app, source)

    app.background.append(run)


async def reload_config(app: GatewayApp, load: Callable[[], GatewayConfig]) -> bool:
    """Apply changed settings: a new gateway, with new plugins, on the supergraph being served;
    False (and a log line) when the settings are refused. Connection limits and the listening
    address belong to the server and need a restart."""
    try:
        config = load()
        gateway = Gateway(app.gateway.supergraph.sdl, config)
        gateway.composition = app.gateway.composition
        canary = app.canary
        if canary is not None:
            rebuilt = Gateway(canary.gateway.supergraph.sdl, config, pipeline=gateway.pipeline)
            rebuilt.composition = canary.gateway.composition
            canary = dataclasses.replace(canary, gateway=rebuilt)
    except (SettingsError, SupergraphError, ValueError) as error:
        log.error("new settings refused, keeping the previous ones: %s", error)
        return False
    await gateway.pipeline.start()
    app.swap(gateway)
    app.set_canary(canary)
    log.info("settings reloaded")
    return True


def watch_config(
    app: GatewayApp, path: Path, load: Callable[[], GatewayConfig], interval: float = 1.0
) -> None:
    """Reload the settings when ``hansa.toml`` changes."""

    async def run() -> None:
        seen = modified(path)
        while True:
            await asyncio.sleep(interval)
            now = modified(path)
            if now != seen:
                seen = now
                await reload_config(app, load)

    app.background.append(run)
