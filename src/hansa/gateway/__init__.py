"""The federation gateway: ``Gateway`` (the pipeline) and ``create_app`` (its ASGI app).

``create_app`` lives in ``hansa.server.app``, which imports the gateway; it is re-exported here
lazily so that either package can be imported first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hansa.gateway.config import GatewayConfig
from hansa.gateway.gateway import Gateway
from hansa.pipeline.context import GatewayResponse

if TYPE_CHECKING:
    from hansa.server.app import create_app

__all__ = ["Gateway", "GatewayConfig", "GatewayResponse", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from hansa.server.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
