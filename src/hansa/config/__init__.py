"""``hansa.toml``: the schema (``schema``), the loader (``loader``), its documentation
(``docs``) and what the gateway takes from it (``gateway_config``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from hansa.config.loader import ConfigError, load_config, parse_config
from hansa.config.schema import HansaConfig

if TYPE_CHECKING:
    from hansa.cache.settings import CacheSettings
    from hansa.config.schema import (
        CacheSection,
        GatewayRegistrySection,
        PersistedQueriesSection,
        SubgraphTlsSection,
    )
    from hansa.gateway.config import GatewayConfig
    from hansa.plugins.persisted_queries import PersistedQueriesPolicy
    from hansa.plugins.usage import UsageDestination
    from hansa.transport.inprocess import InProcessSubgraph
    from hansa.transport.tls import ClientTls, ServerTls

__all__ = [
    "ConfigError",
    "HansaConfig",
    "gateway_config",
    "listen_address",
    "load_config",
    "parse_config",
    "server_tls",
]


def gateway_config(config: HansaConfig) -> GatewayConfig:
    """The ``GatewayConfig`` the file describes."""
    from hansa.gateway.config import GatewayConfig
    from hansa.http.cors import CorsPolicy
    from hansa.plugins.circuit_breaker import BreakerPolicy
    from hansa.plugins.demand_control import DemandControlPolicy
    from hansa.plugins.header_rules import HeaderRules
    from hansa.plugins.jwt_auth import JwtPolicy
    from hansa.plugins.persisted_queries import ApqPolicy
    from hansa.plugins.rate_limit import RateLimitPolicy
    from hansa.plugins.retries import RetryPolicy
    from hansa.plugins.tenancy import TenancyPolicy
    from hansa.plugins.tracing import TracingPolicy

    gateway, limits, federation = config.gateway, config.limits, config.federation
    telemetry = config.telemetry
    retry, breaker, cost = federation.retry, federation.circuit_breaker, config.demand_control
    rate, token, tenants = config.rate_limit, config.auth.jwt, config.multi_tenancy
    return GatewayConfig(
        subgraph_urls={n: s.url for n, s in config.subgraphs.items() if s.url is not None},
        in_process=_in_process(config),
        subgraph_timeout=gateway.subgraph_timeout_ms / 1000,
        subgraph_headers={n: dict(s.headers) for n, s in config.subgraphs.items() if s.headers},
        subgraph_timeouts={
            n: s.timeout_ms / 1000 for n, s in config.subgraphs.items() if s.timeout_ms is not None
        },
        cache=_cache(federation.cache),
        metrics=config.telemetry.metrics,
        request_log=config.telemetry.request_log,
        usage_file=telemetry.usage_file,
        usage_flush_secs=telemetry.usage_flush_secs,
        usage_registry=_usage_registry(gateway.registry),
        tracing=TracingPolicy(
            telemetry.otlp_endpoint, min(1.0, max(0.0, telemetry.sampling)), telemetry.service_name
        )
        if telemetry.otlp_endpoint
        else None,
        apq=ApqPolicy(
            config.apq.enabled,
            config.apq.redis_url,
            config.apq.ttl_secs,
            config.apq.max_bytes,
            config.apq.redis_prefix,
        ),
        persisted_queries=_persisted_queries(config.persisted_queries),
        tls=_client_tls(federation.tls, "federation.tls"),
        subgraph_tls={
            n: tls
            for n, s in config.subgraphs.items()
            if (tls := _client_tls(s.tls, f"subgraphs.{n}.tls")) is not None
        },
        drain_delay=gateway.drain_delay_secs,
        ready_requires_subgraphs=gateway.ready_requires_subgraphs,
        subgraph_probe_interval=gateway.subgraph_probe_interval_secs,
        shutdown_grace=gateway.shutdown_grace_secs,
        max_body_bytes=limits.max_body_bytes,
        header_timeout=limits.header_timeout_ms / 1000,
        body_timeout=limits.body_timeout_ms / 1000,
        idle_timeout=limits.idle_timeout_ms / 1000,
        max_connections=limits.max_connections,
        max_url_bytes=limits.max_url_bytes,
        max_header_bytes=limits.max_header_bytes,
        max_depth=limits.max_depth,
        request_timeout=limits.request_timeout_ms / 1000,
        max_tokens=limits.max_tokens,
        max_aliases=limits.max_aliases,
        max_root_fields=limits.max_root_fields,
        max_subgraph_response_bytes=limits.max_subgraph_response_bytes,
        max_cached_documents=limits.max_cached_documents,
        max_cached_document_bytes=limits.max_cached_document_bytes,
        max_cached_plans=limits.max_cached_plans,
        max_cached_plan_bytes=limits.max_cached_plan_bytes,
        warm_up_plans=limits.warm_up_plans,
        introspection=gateway.introspection,
        introspection_scopes=tuple(gateway.introspection_scopes),
        expose_query_plan=gateway.expose_query_plan,
        graphiql=gateway.graphiql,
        forward_headers=tuple(h.lower() for h in gateway.forward_headers),
        inbound_dedup=gateway.inbound_dedup,
        plugins=tuple(gateway.plugins),
        retry=RetryPolicy(
            retry.retries,
            retry.backoff_ms / 1000,
            retry.max_backoff_ms / 1000,
            retry.budget_percent,
            retry.min_per_second,
        ),
        redact_subgraph_errors=tuple(
            n for n, s in config.subgraphs.items() if s.errors == "redact"
        ),
        subgraph_retries={
            n: s.retries for n, s in config.subgraphs.items() if s.retries is not None
        },
        circuit_breaker=BreakerPolicy(
            breaker.failure_threshold, breaker.recovery_timeout_secs, breaker.success_threshold
        )
        if breaker.enabled
        else None,
        degraded_extension=federation.degraded_extension,
        degraded_field=federation.degraded_field,
        dedup_subgraph_requests=federation.dedup_subgraph_requests,
        demand_control=DemandControlPolicy(
            "enforce" if cost.mode == "enforce" else "measure", cost.max_cost, cost.list_size
        )
        if cost.enabled
        else None,
        rate_limit=RateLimitPolicy(
            rate.requests_per_second,
            rate.burst or max(1, math.ceil(rate.requests_per_second)),
            rate.key,
            rate.redis_url,
        )
        if rate.requests_per_second is not None
        else None,
        jwt=JwtPolicy(
            jwks_url=token.jwks_url,
            jwks_file=token.jwks_file,
            secret=token.secret,
            issuer=token.issuer,
            audiences=tuple(token.audiences),
            algorithms=tuple(token.algorithms),
            scopes_claim=token.scopes_claim,
            require_authentication=token.require_authentication,
            clock_skew=token.clock_skew_secs,
            header=token.header,
            scheme=token.scheme,
            cookie=token.cookie,
            max_token_bytes=token.max_token_bytes,
            jwks_cache_secs=token.jwks_cache_secs,
            jwks_min_refresh_secs=token.jwks_min_refresh_secs,
            forward_token=token.forward_token,
            forward_claims={k.lower(): v for k, v in token.forward_claims.items()},
        )
        if token.jwks_url or token.jwks_file or token.secret
        else None,
        header_rules=HeaderRules(
            tuple(config.headers.propagate),
            tuple(config.headers.propagate_matching),
            dict(config.headers.rename),
            dict(config.headers.insert),
            tuple(config.headers.remove),
            tuple(config.headers.response_propagate),
        ),
        cors=CorsPolicy(
            tuple(config.cors.origins),
            tuple(config.cors.match_origins),
            config.cors.allow_credentials,
            tuple(config.cors.allow_headers),
            tuple(config.cors.expose_headers),
            config.cors.max_age_secs,
        ),
        reject_unauthorized=config.authorization.reject_unauthorized,
        policies=dict(config.authorization.policies),
        csrf_required_headers=tuple(config.csrf.required_headers) if config.csrf.enabled else None,
        tenancy=TenancyPolicy(
            "jwt" if tenants.strategy == "jwt" else "header",
            tenants.auth_header.lower(),
            tenants.claim,
            tenants.forward_header.lower(),
            tenants.required,
        )
        if tenants.enabled
        else None,
    )


def _in_process(config: HansaConfig) -> dict[str, InProcessSubgraph]:
    """Database subgraphs the gateway hosts (``[subgraphs.NAME] module``)."""
    modules = {n: s.module for n, s in config.subgraphs.items() if s.module is not None}
    if not modules:
        return {}
    from hansa.db.app import DatabaseSubgraph, settings_from
    from hansa.db.model import ModelError

    hosted: dict[str, InProcessSubgraph] = {}
    for name, module in modules.items():
        try:
            databases, settings, sharding = settings_from(config)
            hosted[name] = DatabaseSubgraph.from_module(
                module, databases, settings, name=name, sharding=sharding
            )
        except (ImportError, ModelError) as error:
            raise ConfigError(
                "hansa.toml", None, f"subgraphs.{name}.module", f"cannot load {module}: {error}"
            ) from None
    return hosted


def _usage_registry(section: GatewayRegistrySection) -> UsageDestination | None:
    from hansa.plugins.usage import UsageDestination

    if not section.report_usage or section.graph is None or section.url is None:
        return None
    if not section.url.startswith(("http://", "https://")):
        return None  # a directory or a bucket: no registry to report to
    return UsageDestination(section.url, section.graph, section.variant, section.token)


def _persisted_queries(section: PersistedQueriesSection) -> PersistedQueriesPolicy | None:
    from hansa.plugins.persisted_queries import PersistedQueriesPolicy

    if section.manifest is None:
        return None
    mode = section.mode
    return PersistedQueriesPolicy(
        section.manifest,
        "allow" if mode == "allow" else "log" if mode == "log" else "enforce",
        section.require_id,
        section.log_unknown,
        section.client_name_header,
        section.reload_secs,
    )


def _cache(section: CacheSection) -> CacheSettings | None:
    from hansa.cache.settings import CacheSettings

    if not section.enabled:
        return None
    return CacheSettings(
        entities=section.entities,
        responses=section.responses,
        ttl=section.ttl,
        strategies={name: s.ttl for name, s in section.strategies.items()},
        default_max_age=section.default_max_age,
        vary_headers=tuple(h.lower() for h in section.vary_headers),
        redis_url=section.redis_url,
        redis_prefix=section.redis_prefix,
        max_bytes=section.max_bytes,
        nats_url=section.nats_url,
        subject=section.subject,
        admin_token=section.admin_token,
    )


def _client_tls(section: SubgraphTlsSection, where: str) -> ClientTls | None:
    from hansa.transport.tls import ClientTls, TlsError

    if section.ca_file is None and section.cert_file is None and section.key_file is None:
        return None
    try:
        return ClientTls(section.ca_file, section.cert_file, section.key_file)
    except TlsError as error:
        raise ConfigError("hansa.toml", None, where, str(error)) from None


def server_tls(config: HansaConfig) -> ServerTls | None:
    """``[gateway.tls]`` as the gateway serves it; None: plain HTTP."""
    from hansa.transport.tls import ServerTls

    tls = config.gateway.tls
    if tls.cert_file is None:
        if tls.key_file is not None or tls.client_ca_file is not None:
            raise ConfigError("hansa.toml", None, "gateway.tls", "needs cert_file")
        return None
    return ServerTls(tls.cert_file, tls.key_file, tls.client_ca_file)


def listen_address(config: HansaConfig) -> tuple[str, int]:
    """``gateway.listen`` as (host, port); ``[::1]:4000`` for IPv6."""
    text = config.gateway.listen
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError("hansa.toml", None, "gateway.listen", f"must be HOST:PORT, not {text!r}")
    return host.strip("[]"), int(port)
