"""``hansa.toml``: the schema (``schema``), the loader (``loader``), its documentation
(``docs``) and what the gateway takes from it (``gateway_config``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hansa.config.loader import ConfigError, load_config, parse_config
from hansa.config.schema import HansaConfig

if TYPE_CHECKING:
    from hansa.gateway.config import GatewayConfig

__all__ = [
    "ConfigError",
    "HansaConfig",
    "gateway_config",
    "listen_address",
    "load_config",
    "parse_config",
]


def gateway_config(config: HansaConfig) -> GatewayConfig:
    """The ``GatewayConfig`` the file describes."""
    from hansa.gateway.config import GatewayConfig

    gateway, limits = config.gateway, config.limits
    return GatewayConfig(
        subgraph_urls={n: s.url for n, s in config.subgraphs.items() if s.url is not None},
        subgraph_timeout=gateway.subgraph_timeout_ms / 1000,
        subgraph_headers={n: dict(s.headers) for n, s in config.subgraphs.items() if s.headers},
        subgraph_timeouts={
            n: s.timeout_ms / 1000 for n, s in config.subgraphs.items() if s.timeout_ms is not None
        },
        max_body_bytes=limits.max_body_bytes,
        max_depth=limits.max_depth,
        request_timeout=limits.request_timeout_ms / 1000,
        max_tokens=limits.max_tokens,
        max_aliases=limits.max_aliases,
        max_root_fields=limits.max_root_fields,
        max_cached_documents=limits.max_cached_documents,
        max_cached_document_bytes=limits.max_cached_document_bytes,
        max_cached_plans=limits.max_cached_plans,
        introspection=gateway.introspection,
        expose_query_plan=gateway.expose_query_plan,
        graphiql=gateway.graphiql,
        forward_headers=tuple(h.lower() for h in gateway.forward_headers),
        inbound_dedup=gateway.inbound_dedup,
        plugins=tuple(gateway.plugins),
    )


def listen_address(config: HansaConfig) -> tuple[str, int]:
    """``gateway.listen`` as (host, port); ``[::1]:4000`` for IPv6."""
    text = config.gateway.listen
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError("hansa.toml", None, "gateway.listen", f"must be HOST:PORT, not {text!r}")
    return host.strip("[]"), int(port)
