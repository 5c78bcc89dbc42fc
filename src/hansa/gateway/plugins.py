"""The plugins a ``GatewayConfig`` turns on: the built-in ones in the order their hooks run,
then the user's, loaded from ``"package.module:Name"``."""

from __future__ import annotations

import importlib
from typing import Any

from hansa.cache.invalidation import CacheInvalidation
from hansa.gateway.config import GatewayConfig
from hansa.pipeline.plugin import Plugin
from hansa.plugins.authorization import Authorization
from hansa.plugins.circuit_breaker import CircuitBreakers
from hansa.plugins.csrf import CsrfPrevention
from hansa.plugins.degraded import DegradedAnswers
from hansa.plugins.demand_control import DemandControl
from hansa.plugins.entity_cache import EntityCachePolicy, EntityCaching
from hansa.plugins.error_masking import ErrorMasking
from hansa.plugins.header_rules import HeaderPropagation, HeaderRules
from hansa.plugins.jwt_auth import IdentityForwarding, JwtAuthentication
from hansa.plugins.limits import OperationLimits
from hansa.plugins.metrics import Metrics
from hansa.plugins.persisted_queries import AutomaticPersistedQueries, PersistedQueries
from hansa.plugins.rate_limit import RateLimit
from hansa.plugins.request_log import RequestLog
from hansa.plugins.response_cache import ResponseCaching
from hansa.plugins.retries import Retries
from hansa.plugins.subgraph_dedup import SubgraphDedup
from hansa.plugins.subgraph_health import SubgraphHealth
from hansa.plugins.tenancy import Tenancy
from hansa.plugins.tracing import Tracing
from hansa.plugins.usage import UsageReports


def configured_plugins(config: GatewayConfig) -> list[Plugin]:
    """Client wrappers nest in list order: deduplication outermost (waiters share one retried
    fetch), then retries, then the breaker, which sees every attempt."""
    plugins: list[Plugin] = [
        OperationLimits(config.max_depth, config.max_aliases, config.max_root_fields)
    ]
    if config.csrf_required_headers is not None:
        plugins.insert(0, CsrfPrevention(config.csrf_required_headers))
    # The request log and metrics see every response, refusals included, in on_response
    # (durations run from RequestContext.started); first, they see it before any other
    # plugin's on_response changes it.
    if config.request_log:
        plugins.insert(0, RequestLog())
    if config.metrics:
        plugins.insert(0, Metrics())
    if config.tracing is not None:  # outermost: every other hook runs inside its span
        plugins.insert(0, Tracing(config.tracing))
    if config.header_rules != HeaderRules():  # before identity forwarding and tenancy,
        plugins.append(HeaderPropagation(config.header_rules))  # whose headers must win
    if config.jwt is not None:  # before rate limits: a jwt:CLAIM key needs the claims
        plugins.append(JwtAuthentication(config.jwt))
        if config.jwt.forward_token or config.jwt.forward_claims:
            plugins.append(IdentityForwarding(config.jwt))
    if config.tenancy is not None:  # after authentication: a "jwt" tenant needs the claims
        plugins.append(Tenancy(config.tenancy))
    if config.rate_limit is not None:
        plugins.append(RateLimit(config.rate_limit))
    # After CSRF (which must see every GET, hashed ones too) and the refusals above; before
    # anything that reads the document. The manifest first: an id is looked up there.
    if config.persisted_queries is not None:
        plugins.append(
            PersistedQueries(
                config.persisted_queries,
                apq=config.apq.enabled,
                introspection=config.introspection,
            )
        )
    plugins.append(AutomaticPersistedQueries(config.apq))
    authorization = Authorization(config.reject_unauthorized)  # always: the schema says
    for name, spec in config.policies.items():
        authorization.policy(name)(_load_callable(spec, f"policy {name!r}"))
    plugins.append(authorization)
    if config.demand_control is not None:
        plugins.append(DemandControl(config.demand_control))
    if config.usage_file is not None or config.usage_registry is not None:
        # Operations that were admitted and validated.
        plugins.append(
            UsageReports(config.usage_file, config.usage_flush_secs, registry=config.usage_registry)
        )
    if config.cache is not None:  # after authorization: its outcome is part of every key
        store = config.cache.store()
        if config.cache.responses:
            plugins.append(ResponseCaching(config.cache, store))
        if config.cache.entities:
            policy = EntityCachePolicy(config.cache.ttl, config.cache.strategies)
            plugins.append(EntityCaching(policy, store))
        plugins.append(CacheInvalidation(store, config.cache.nats_url, config.cache.subject))
    if config.redact_subgraph_errors:
        plugins.append(ErrorMasking(config.redact_subgraph_errors))
    if config.degraded_extension:
        plugins.append(DegradedAnswers())
    if config.dedup_subgraph_requests:
        plugins.append(SubgraphDedup())
    if config.retry.retries > 0 or any(config.subgraph_retries.values()):
        plugins.append(Retries(config.retry, config.subgraph_retries))
    if config.circuit_breaker is not None:
        plugins.append(CircuitBreakers(config.circuit_breaker))
    # After the client wrappers: its probes go through the transport, not retries or breakers.
    plugins.append(
        SubgraphHealth(
            required=config.ready_requires_subgraphs, probe_interval=config.subgraph_probe_interval
        )
    )
    plugins.extend(load_plugin(spec) for spec in config.plugins)
    return plugins


def _load_callable(spec: str, what: str) -> Any:
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"{what} {spec!r}: expected 'package.module:Name'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise ValueError(f"{what} {spec!r}: cannot import {module_name}: {error}") from None
    found = getattr(module, attribute, None)
    if not callable(found):
        raise ValueError(f"{what} {spec!r}: {module_name} has no callable {attribute!r}")
    return found


def load_plugin(spec: str) -> Plugin:
    """The plugin ``"package.module:Name"`` names: ``Name`` is a ``Plugin`` subclass or a
    function returning one, called without arguments. ``ValueError`` says what is wrong."""
    factory = _load_callable(spec, "plugin")
    plugin = factory()
    if not isinstance(plugin, Plugin):
        name = spec.partition(":")[2]
        raise ValueError(f"plugin {spec!r}: {name}() is not a hansa.pipeline.Plugin")
    return plugin
