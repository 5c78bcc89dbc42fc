"""The gateway mounted under a prefix in Starlette, as an application embedding it would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Mount


def mounted(prefix: str) -> Callable[[Any], Starlette]:
    """A ``federation(wrap=...)`` that mounts the gateway app under ``prefix``, with its
    start-up and shut-down run from Starlette's lifespan (``Mount`` does not forward it)."""

    def wrap(gateway_app: Any) -> Starlette:
        @asynccontextmanager
        async def lifespan(_app: Starlette) -> AsyncIterator[None]:
            await gateway_app.startup()
            yield
            await gateway_app.shutdown()

        return Starlette(routes=[Mount(prefix, app=gateway_app)], lifespan=lifespan)

    return wrap
