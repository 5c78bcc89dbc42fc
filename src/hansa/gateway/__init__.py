"""The federation gateway: ``Gateway`` (the pipeline) and ``create_app`` (its ASGI app)."""

from hansa.gateway.config import GatewayConfig
from hansa.gateway.gateway import Gateway, GatewayResponse
from hansa.server.app import create_app

__all__ = ["Gateway", "GatewayConfig", "GatewayResponse", "create_app"]
