"""Gateway settings, with the defaults a production gateway ships with."""

from __future__ import annotations

from dataclasses import dataclass, field

from hansa.cache.settings import CacheSettings
from hansa.http.cors import CorsPolicy
from hansa.plugins.circuit_breaker import BreakerPolicy
from hansa.plugins.demand_control import DemandControlPolicy
from hansa.plugins.header_rules import HeaderRules
from hansa.plugins.jwt_auth import JwtPolicy
from hansa.plugins.persisted_queries import ApqPolicy, PersistedQueriesPolicy
from hansa.plugins.rate_limit import RateLimitPolicy
from hansa.plugins.retries import RetryPolicy
from hansa.plugins.tenancy import TenancyPolicy
from hansa.plugins.tracing import TracingPolicy
from hansa.plugins.usage import UsageDestination
from hansa.transport.inprocess import InProcessSubgraph
from hansa.transport.tls import ClientTls


@dataclass(frozen=True)
class GatewayConfig:
    # Subgraph name -> URL, replacing the URL in the supergraph (like Router's override_subgraph_url).
    subgraph_urls: dict[str, str] = field(default_factory=dict)
    # Seconds before a subgraph request fails with SUBREQUEST_HTTP_ERROR; per subgraph override.
    subgraph_timeout: float = 30.0
    subgraph_timeouts: dict[str, float] = field(default_factory=dict)
    # Subgraph name -> headers sent with every request to it (credentials, routing).
    subgraph_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    # Subgraphs served in this process instead of over HTTP (``transport/inprocess.py``),
    # by name: database subgraphs (``[subgraphs.NAME] module``).
    in_process: dict[str, InProcessSubgraph] = field(default_factory=dict)
    # TLS towards subgraphs (``transport/tls.py``): for all, and per subgraph over that.
    tls: ClientTls | None = None
    subgraph_tls: dict[str, ClientTls] = field(default_factory=dict)
    # Largest subgraph answer read, in bytes after decompression (SUBREQUEST_MALFORMED_RESPONSE
    # beyond).
    max_subgraph_response_bytes: int = 32 * 1024 * 1024
    # Request limits.
    max_body_bytes: int = 2 * 1024 * 1024
    # Connections (``hansa.http.protocol``): seconds for the request line and headers, for the
    # whole body, and between requests on a keep-alive connection; open connections; URL bytes.
    header_timeout: float = 10.0
    body_timeout: float = 10.0
    idle_timeout: float = 5.0
    max_connections: int = 10_000
    max_url_bytes: int = 64 * 1024
    max_header_bytes: int = 32 * 1024
    # On SIGTERM: seconds reporting not ready while still serving, then seconds in-flight
    # requests get to finish.
    drain_delay: float = 0.0
    shutdown_grace: float = 30.0
    max_depth: int = 100
    # Seconds a whole request may take before it is answered 504 GATEWAY_TIMEOUT (Apollo
    # Router's default is 30 s as well).
    request_timeout: float = 30.0
    max_tokens: int = 15_000  # lexer tokens per document (Apollo Router's default)
    max_aliases: int | None = None  # aliased fields per operation (MAX_ALIASES_LIMIT)
    max_root_fields: int | None = None  # root fields per operation (MAX_ROOT_FIELDS_LIMIT)
    # Caches (entries).
    max_cached_documents: int = 1000
    max_cached_document_bytes: int = 16 * 1024 * 1024  # of document text
    max_cached_plans: int = 1000
    max_cached_plan_bytes: int = 32 * 1024 * 1024
    # Operations planned ahead on a reload (the previous supergraph's most used).
    warm_up_plans: int = 100
    introspection: bool = True
    # When set, introspection also needs a verified token with one of these scopes.
    introspection_scopes: tuple[str, ...] = ()
    # Honour the ``hansa-expose-query-plan: true`` header (adds the plan to ``extensions``).
    expose_query_plan: bool = False
    graphiql: bool = True
    # Request headers forwarded to every subgraph (lower-case names); nothing is forwarded
    # implicitly.
    forward_headers: tuple[str, ...] = ()
    # Identical concurrent queries (same document, operation, variables and forwarded headers)
    # share one execution and one encoded answer. Off by default: it trades a little latency
    # isolation for throughput under duplicate load. Mutations never share.
    inbound_dedup: bool = False
    # Subgraphs whose errors reach clients redacted (``plugins/error_masking.py``).
    redact_subgraph_errors: tuple[str, ...] = ()
    # Retries of failed subgraph queries (``plugins/retries.py``); per-subgraph retry counts.
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    subgraph_retries: dict[str, int] = field(default_factory=dict)
    # A circuit breaker per subgraph (``plugins/circuit_breaker.py``); None: off.
    circuit_breaker: BreakerPolicy | None = None
    # ``extensions.degraded`` when a fetch failed; the ``_degraded: Boolean`` root field.
    degraded_extension: bool = True
    degraded_field: bool = False
    # Identical subgraph queries in flight at once are sent once.
    dedup_subgraph_requests: bool = True
    # Header propagation rules both ways (``plugins/header_rules.py``); empty: none.
    header_rules: HeaderRules = field(default_factory=HeaderRules)
    # Browser origins allowed to call the gateway (``http/cors.py``); none by default.
    cors: CorsPolicy = field(default_factory=CorsPolicy)
    # CSRF prevention (``plugins/csrf.py``): the headers that mark a simple request as not
    # cross-site; None: off.
    csrf_required_headers: tuple[str, ...] | None = (
        "x-apollo-operation-name",
        "apollo-require-preflight",
    )
    # Authorization from the supergraph's directives (``plugins/authorization.py``): refuse
    # the whole request instead of nulling what it may not see; ``@policy`` name ->
    # "module:callable".
    reject_unauthorized: bool = False
    policies: dict[str, str] = field(default_factory=dict)
    # JWT authentication (``plugins/jwt_auth.py``); None: off.
    jwt: JwtPolicy | None = None
    # Tenants (``plugins/tenancy.py``); None: off.
    tenancy: TenancyPolicy | None = None
    # Per-client rate limits (``plugins/rate_limit.py``); None: off.
    rate_limit: RateLimitPolicy | None = None
    # Static operation cost (``plugins/demand_control.py``); None: off.
    demand_control: DemandControlPolicy | None = None
    # Entity and response caches, their store and invalidation (``[federation.cache]``);
    # None: off.
    cache: CacheSettings | None = None
    # Automatic persisted queries (on by default) and safelisting from a manifest (None: off)
    # (``plugins/persisted_queries.py``).
    apq: ApqPolicy = field(default_factory=ApqPolicy)
    persisted_queries: PersistedQueriesPolicy | None = None
    # /health/ready answers 503 while a subgraph's probe fails (``plugins/subgraph_health.py``);
    # probes every ``subgraph_probe_interval`` seconds then.
    ready_requires_subgraphs: bool = False
    subgraph_probe_interval: float = 5.0
    # Prometheus metrics on ``GET /metrics`` (``plugins/metrics.py``).
    metrics: bool = True
    # One log line per request on ``hansa.requests`` (``plugins/request_log.py``).
    request_log: bool = False
    # Usage reports appended to this file (``plugins/usage.py``); None: off.
    usage_file: str | None = None
    usage_flush_secs: float = 60.0
    # Usage reports sent to a registry too (``[gateway.registry] report_usage``).
    usage_registry: UsageDestination | None = None
    # OpenTelemetry traces over OTLP/HTTP (``plugins/tracing.py``); None: off.
    tracing: TracingPolicy | None = None
    # Plugins to load, as ``"package.module:Name"``: a ``Plugin`` subclass or a factory, called
    # without arguments (``docs/plugins.md``). They run after the built-in ones.
    plugins: tuple[str, ...] = ()
