"""``hansa.toml``: every key the file accepts, its type, default and meaning, in one place.

The loader (``hansa.config.loader``) reads the file against these dataclasses and
``docs/configuration.md`` is generated from them (``hansa config docs``), so what is accepted,
what it does and what the documentation says cannot drift apart. A key is here only once the
feature behind it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def key(default: Any, doc: str, **extra: Any) -> Any:
    """A configuration key: its default and its documentation."""
    if isinstance(default, dict | list):
        factory = type(default)
        return field(default_factory=lambda: factory(default), metadata={"doc": doc, **extra})
    return field(default=default, metadata={"doc": doc, **extra})


def section(cls: type, doc: str) -> Any:
    return field(default_factory=cls, metadata={"doc": doc})


@dataclass
class SubgraphTlsSection:
    ca_file: str | None = key(
        None,
        "PEM file of the certificate authorities a subgraph's certificate must chain to, in"
        " place of the system's; relative to this file.",
    )
    cert_file: str | None = key(
        None, "Client certificate (PEM, with its chain) the gateway presents: mutual TLS."
    )
    key_file: str | None = key(
        None, "The client certificate's private key (PEM), unless it is in `cert_file`."
    )


@dataclass
class ServerTlsSection:
    cert_file: str | None = key(
        None, "Serve HTTPS with this certificate (PEM, with its chain); relative to this file."
    )
    key_file: str | None = key(None, "Its private key (PEM), unless it is in `cert_file`.")
    client_ca_file: str | None = key(
        None,
        "Require clients to present a certificate issued by one of these authorities (PEM):"
        " mutual TLS.",
    )


@dataclass
class GatewayRegistrySection:
    url: str | None = key(
        None,
        "Take the supergraph from a Hansa registry (`http(s)://HOST:4100`), or from where a"
        " registry publishes: a directory (`file:///PATH`) or a bucket (`s3://BUCKET/PREFIX`);"
        " instead of `supergraph`/`subgraphs`.",
    )
    s3_endpoint_url: str | None = key(
        None, "With `s3://`: an S3-compatible service's URL (MinIO, Ceph, R2); default AWS."
    )
    graph: str | None = key(None, "The registry's graph to serve.")
    variant: str = key("prod", "The graph's variant to serve.")
    token: str | None = key(
        None, "A `read` token for the graph, usually `${HANSA_REGISTRY_TOKEN}`."
    )
    poll_interval_secs: float = key(
        10.0,
        "Seconds between polls (`If-None-Match`: unchanged answers cost nothing).",
        minimum=0.1,
    )
    timeout_secs: float = key(5.0, "Time a poll may take.", minimum=0.1)
    public_key: str | None = key(
        None,
        "The registry's Ed25519 public key (base64, `hansa registry key`): supergraphs whose"
        " signature does not verify are refused. Unset: signatures are not checked (a warning).",
    )
    cache_dir: str | None = key(
        None,
        "Where the last good supergraph is kept, to start from when the registry is unreachable;"
        " default `$XDG_CACHE_HOME/hansa` (`~/.cache/hansa`).",
    )
    report_usage: bool = key(
        True,
        "Send usage reports (which operations and fields clients use) to the registry every"
        " `[telemetry] usage_flush_secs`, for its checks and deprecations.",
    )
    persisted_operations: bool = key(
        False,
        "Safelist the graph's persisted operations published to the registry (kept in"
        " `cache_dir`, reloaded when they change), with `[persisted_queries]`'s mode;"
        " instead of `[persisted_queries] manifest`.",
    )


@dataclass
class GatewaySection:
    supergraph: str | None = key(
        None,
        "Supergraph SDL file (from Rover, `@apollo/composition` or `hansa compose`), relative"
        " to this file. Give this or `subgraphs`.",
    )
    subgraphs: str | None = key(
        None,
        "Compose at start-up from this subgraph list (`supergraph.yaml`, Rover's format),"
        " relative to this file.",
    )
    listen: str = key("127.0.0.1:4000", "Address and port to serve on, `HOST:PORT`.")
    workers: int = key(1, "Processes serving the port (pre-fork, `SO_REUSEPORT`).", minimum=1)
    watch: bool = key(
        False,
        "Reload when the supergraph (or a subgraph schema) file changes, and apply this file's"
        " settings when it changes (the address, workers, TLS and the graph's source need a"
        " restart).",
    )
    introspection: bool = key(True, "Answer introspection queries.")
    introspection_scopes: list[str] = key(
        [],
        "When set, introspection also needs a verified token (`[auth.jwt]`) holding one of"
        " these scopes; others get `INTROSPECTION_DISABLED`.",
    )
    graphiql: bool = key(True, "Serve GraphiQL to browsers that ask for HTML.")
    expose_query_plan: bool = key(
        False, "Honour the `hansa-expose-query-plan: true` request header."
    )
    inbound_dedup: bool = key(
        False,
        "Identical concurrent queries (document, operation, variables, forwarded headers) share"
        " one execution. Mutations never do.",
    )
    forward_headers: list[str] = key(
        [], "Request headers forwarded to every subgraph (case-insensitive names)."
    )
    subgraph_timeout_ms: int = key(
        30_000, "Default time a subgraph request may take, in milliseconds.", minimum=1
    )
    tls: ServerTlsSection = section(ServerTlsSection, "Serve HTTPS instead of HTTP.")
    registry: GatewayRegistrySection = section(
        GatewayRegistrySection, "The supergraph from a schema registry (docs/registry.md)."
    )
    ready_requires_subgraphs: bool = key(
        False,
        "`/health/ready` answers 503 while any subgraph fails its probe (`{ __typename }`)."
        " Off: a subgraph being down is reported, but does not take every instance out of the"
        " load balancer.",
    )
    subgraph_probe_interval_secs: float = key(
        5.0, "Seconds between probes, with `ready_requires_subgraphs`.", minimum=0.1
    )
    drain_delay_secs: float = key(
        0.0,
        "On SIGTERM, keep serving this long while `/health/ready` answers 503 `DRAINING`, so"
        " load balancers stop sending first (a Kubernetes preStop sleep, built in).",
        minimum=0,
    )
    shutdown_grace_secs: float = key(
        30.0,
        "Then, after no longer accepting connections, how long in-flight requests get to finish.",
        minimum=1,
    )
    plugins: list[str] = key(
        [],
        'Plugins to load after the built-in ones, as `"package.module:Name"` (a `Plugin`'
        " subclass or a factory called without arguments); see `docs/plugins.md`.",
    )


@dataclass
class SubgraphSection:
    url: str | None = key(None, "The subgraph's URL, instead of the one in the supergraph.")
    module: str | None = key(
        None,
        "Serve this subgraph in the gateway's process: the Python module of a database subgraph"
        " (`package.module`, `hansa db serve`'s argument), over `[databases.*]`; no HTTP hop.",
    )
    timeout_ms: int | None = key(
        None,
        "Time a request to this subgraph may take (default: `gateway.subgraph_timeout_ms`).",
        minimum=1,
    )
    retries: int | None = key(
        None,
        "Retries of a failed query to this subgraph (default: `federation.retry.retries`).",
        minimum=0,
    )
    errors: str = key(
        "pass",
        '`"pass"`: this subgraph\'s errors reach clients as they are; `"redact"`: their message'
        ' is replaced by "Subgraph errors redacted" and extensions cut to `code` (the path stays).',
        choices=("pass", "redact"),
    )
    headers: dict[str, str] = key(
        {},
        'Headers sent with every request to this subgraph (`{ authorization = "Bearer'
        " ${TOKEN}\" }`), after the gateway's own and before forwarded ones.",
    )
    tls: SubgraphTlsSection = section(
        SubgraphTlsSection,
        "TLS to this subgraph; each key not set here comes from `[federation.tls]`.",
    )


@dataclass
class LimitsSection:
    max_depth: int = key(100, "Deepest selection accepted (`MAX_DEPTH_LIMIT`).", minimum=1)
    max_tokens: int = key(
        15_000,
        "Lexer tokens per document (`MAX_TOKENS_LIMIT`, Apollo Router's default).",
        minimum=1,
    )
    max_aliases: int | None = key(
        None, "Aliased fields per operation (`MAX_ALIASES_LIMIT`); none: no limit.", minimum=1
    )
    max_root_fields: int | None = key(
        None, "Root fields per operation (`MAX_ROOT_FIELDS_LIMIT`); none: no limit.", minimum=1
    )
    max_body_bytes: int = key(
        2 * 1024 * 1024, "Largest request body accepted, in bytes (413 beyond).", minimum=1
    )
    header_timeout_ms: int = key(
        10_000,
        "Time a client has to send its request line and headers (408 `REQUEST_TIMEOUT` after).",
        minimum=1,
    )
    body_timeout_ms: int = key(
        10_000, "Time a client has to send its whole body (408 `REQUEST_TIMEOUT` after).", minimum=1
    )
    idle_timeout_ms: int = key(
        5_000, "Time a keep-alive connection may wait for its next request.", minimum=1
    )
    max_connections: int = key(
        10_000,
        "Open client connections; beyond, an idle one is closed or the new one gets 503"
        " `TOO_MANY_CONNECTIONS` at once.",
        minimum=1,
    )
    max_url_bytes: int = key(
        64 * 1024, "Longest request URL (414 `URI_TOO_LONG` beyond).", minimum=256
    )
    max_header_bytes: int = key(
        32 * 1024,
        "Largest request headers, all names and values together (431"
        " `REQUEST_HEADERS_TOO_LARGE` beyond).",
        minimum=1024,
    )
    request_timeout_ms: int = key(
        30_000,
        "Time a whole request may take before it is answered 504 with `GATEWAY_TIMEOUT`.",
        minimum=1,
    )
    max_subgraph_response_bytes: int = key(
        32 * 1024 * 1024,
        "Largest subgraph answer read, in bytes after decompression"
        " (`SUBREQUEST_MALFORMED_RESPONSE` beyond: a gzip bomb cannot exhaust memory).",
        minimum=1,
    )
    max_cached_documents: int = key(1000, "Parsed and validated documents kept.", minimum=1)
    max_cached_document_bytes: int = key(
        16 * 1024 * 1024,
        "Bytes of document text the document cache keeps (about half its memory).",
        minimum=1,
    )
    max_cached_plans: int = key(1000, "Query plans kept.", minimum=1)
    max_cached_plan_bytes: int = key(
        32 * 1024 * 1024,
        "Bytes of query plans kept (their subgraph documents, mostly); a plan larger than this"
        " is used and not kept.",
        minimum=1,
    )
    warm_up_plans: int = key(
        100,
        "On a supergraph reload, plan this many of the previous supergraph's most-used"
        " operations before the new one serves (and every persisted operation at start).",
        minimum=0,
    )


@dataclass
class RetrySection:
    retries: int = key(
        1,
        "Retries of a subgraph query that failed in a way another attempt can cure (timeout,"
        " lost connection, 429, 502, 503, 504). Mutations are never retried.",
        minimum=0,
    )
    backoff_ms: int = key(
        50, "Longest wait before the first retry; doubles per retry, with full jitter.", minimum=0
    )
    max_backoff_ms: int = key(
        2_000,
        "Longest wait before any retry; a `Retry-After` longer than this ends the retries.",
        minimum=0,
    )
    budget_percent: float = key(
        20.0,
        "Retries may add at most this share of the last 10 s of requests (plus `min_per_second`).",
        minimum=0,
    )
    min_per_second: float = key(10.0, "Retries per second always allowed.", minimum=0)


@dataclass
class CircuitBreakerSection:
    enabled: bool = key(False, "A circuit breaker per subgraph.")
    failure_threshold: int = key(
        5, "Consecutive failures that open a subgraph's circuit.", minimum=1
    )
    recovery_timeout_secs: float = key(
        30.0, "Seconds a circuit stays open before one probe request is let through.", minimum=0
    )
    success_threshold: int = key(
        2, "Successful probes in a row that close the circuit again.", minimum=1
    )


@dataclass
class CacheStrategySection:
    ttl: float = key(60.0, "Seconds this type's entities are kept (0: never cached).", minimum=0)


@dataclass
class CacheSection:
    enabled: bool = key(False, "Cache entities (`_entities` answers) and whole responses.")
    ttl: float = key(
        60.0, "Seconds an entity is kept, for types without a strategy (0: none are).", minimum=0
    )
    entities: bool = key(
        True,
        "The entity cache: a query needing an entity another query fetched (same subgraph,"
        " selection and tenant) fetches only the entities not cached.",
    )
    responses: bool = key(
        True,
        "The response cache: whole query answers, kept as long as `@cacheControl` (in the"
        " supergraph), `@cache(ttl:)` (in the operation) and subgraphs' `Cache-Control` allow.",
    )
    default_max_age: float = key(
        0.0,
        "Seconds a response with no `@cacheControl` or `@cache` hint is kept (Apollo's"
        " `defaultMaxAge`; 0: such responses are not kept).",
        minimum=0,
    )
    vary_headers: list[str] = key(
        [], "Request headers whose values are part of a cached response's key."
    )
    redis_url: str | None = key(
        None,
        "Keep entries in Redis, shared by every gateway instance using it (one `MGET` per"
        " fetch); unreachable, the gateway answers uncached. None: in this process.",
    )
    redis_prefix: str = key("hansa:cache:", "Prefix of every Redis key the caches write.")
    max_bytes: int = key(
        64 * 1024 * 1024, "Bytes the in-process store keeps (least recently used go).", minimum=1
    )
    nats_url: str | None = key(
        None,
        'Listen on NATS for change events (`{"type": "User", "key": {"id": "1"}}`) that drop'
        " the entity's entries and every cached response selecting its type.",
    )
    subject: str = key("hansa.entity.changed", "The NATS subject change events arrive on.")
    admin_token: str | None = key(
        None,
        'Bearer token for `POST /admin/cache/invalidate` (`{"type", "key"}` or `{"tag"}`);'
        " None: the endpoint is off.",
    )
    strategies: dict[str, CacheStrategySection] = key(
        {},
        "Per type, by name: `[federation.cache.strategies.User] ttl = 30`.",
        item=CacheStrategySection,
    )


@dataclass
class FederationSection:
    degraded_extension: bool = key(
        True,
        "When a fetch failed, add `extensions.degraded = {subgraphs, reasons}` to the response.",
    )
    degraded_field: bool = key(
        False,
        "Add `_degraded: Boolean` to the query root of the API schema: true when a fetch of the"
        " same response failed.",
    )
    dedup_subgraph_requests: bool = key(
        True, "Identical subgraph queries in flight at the same time are sent once."
    )
    cache: CacheSection = section(
        CacheSection, "Entity and response caches, shared through Redis, invalidated by events."
    )
    tls: SubgraphTlsSection = section(
        SubgraphTlsSection,
        "TLS to every `https` subgraph: trusted authorities, client certificate.",
    )
    retry: RetrySection = section(RetrySection, "Retries of failed subgraph queries.")
    circuit_breaker: CircuitBreakerSection = section(
        CircuitBreakerSection,
        "closed → open after `failure_threshold` failures → half-open probe after"
        " `recovery_timeout_secs` → closed after `success_threshold` successes. While open,"
        " fetches fail at once with `SUBREQUEST_CIRCUIT_OPEN`.",
    )


@dataclass
class DemandControlSection:
    enabled: bool = key(False, "Estimate each operation's cost from `@cost` and `@listSize`.")
    mode: str = key(
        "measure",
        '`"measure"`: report `extensions.cost = {estimated, max}`; `"enforce"`: also refuse'
        " operations costing more than `max_cost` with `COST_ESTIMATED_TOO_EXPENSIVE`, before"
        " any fetch.",
        choices=("measure", "enforce"),
    )
    max_cost: float = key(1000.0, "The most an operation may cost.", minimum=0)
    list_size: int = key(
        10, "Assumed size of a list without `@listSize` or slicing arguments.", minimum=0
    )


@dataclass
class RateLimitSection:
    requests_per_second: float | None = key(
        None,
        "Requests each client may make per second, on average; none: no rate limit. Over it:"
        " 429 `RATE_LIMITED` with `Retry-After`.",
        minimum=0.001,
    )
    burst: int | None = key(
        None,
        "Requests a client may make at once after being idle (default: one second's worth).",
        minimum=1,
    )
    redis_url: str | None = key(
        None,
        "Keep the buckets in Redis (`redis://host:6379/0`) so every gateway instance shares"
        " one budget per client; unreachable Redis admits requests (and says so in"
        " `/health/ready`).",
    )
    # (last: from here on, ``key`` in this class body is this field, not the helper)
    key: str = key(
        "ip",
        'Who a client is: `"ip"`, `"header:NAME"` (requests without it count by address) or'
        ' `"jwt:CLAIM"` (a claim of the verified token; without one, by address).',
    )


@dataclass
class JwtSection:
    jwks_url: str | None = key(
        None, "The JWKS to verify tokens with (cached; refreshed on an unknown `kid`)."
    )
    jwks_file: str | None = key(None, "A JWKS file instead of a URL, relative to this file.")
    secret: str | None = key(
        None, "A shared secret: HS256 tokens are accepted only when this is set."
    )
    issuer: str | None = key(None, "The `iss` a token must have; none: any.")
    audiences: list[str] = key([], "Accepted `aud` values; empty: the audience is not checked.")
    algorithms: list[str] = key(
        ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"],
        "Asymmetric algorithms accepted for keys from the JWKS.",
    )
    scopes_claim: str = key(
        "scope", "The claim holding the token's scopes (space-separated, or a list)."
    )
    require_authentication: bool = key(
        False, "Refuse requests without a token (401 `UNAUTHENTICATED`); else anonymous."
    )
    clock_skew_secs: float = key(60.0, "Leeway for `exp`, `nbf` and `iat`.", minimum=0)
    header: str = key("authorization", "The request header carrying the token.")
    scheme: str = key("Bearer", "The scheme before the token in that header; empty: none.")
    cookie: str | None = key(None, "A cookie to read the token from when the header is absent.")
    max_token_bytes: int = key(8192, "Longer tokens are refused unread.", minimum=64)
    jwks_cache_secs: float = key(300.0, "Refresh the JWKS when older than this.", minimum=1)
    jwks_min_refresh_secs: float = key(
        10.0, "At most one refresh per this many seconds (unknown `kid`s).", minimum=0
    )
    forward_token: bool = key(False, "Send the client's token to every subgraph.")
    forward_claims: dict[str, str] = key(
        {}, 'Headers to send to every subgraph from claims: `{ "x-user-id" = "sub" }`.'
    )


@dataclass
class AuthSection:
    jwt: JwtSection = section(
        JwtSection,
        "JWT authentication; on when `jwks_url`, `jwks_file` or `secret` is set. An invalid,"
        " expired, wrong-issuer or wrong-audience token is refused with 401 `UNAUTHENTICATED`.",
    )


@dataclass
class CsrfSection:
    enabled: bool = key(
        True,
        "Refuse requests a browser could send cross-site without a preflight (no or a simple"
        " `content-type`, e.g. a `GET`) unless they carry one of `required_headers`"
        " (400 `CSRF_ERROR`), as Apollo Router does.",
    )
    required_headers: list[str] = key(
        ["x-apollo-operation-name", "apollo-require-preflight"],
        "Any one of these headers marks a request as not cross-site.",
    )


@dataclass
class MultiTenancySection:
    enabled: bool = key(False, "Resolve a tenant for every request.")
    strategy: str = key(
        "header",
        '`"header"`: the tenant is `auth_header`; `"jwt"`: the verified token\'s `claim`. When'
        " both are present they must agree (403 `TENANT_MISMATCH`).",
        choices=("header", "jwt"),
    )
    auth_header: str = key("X-Tenant-ID", "The request header naming the tenant.")
    claim: str = key("tenant_id", "The token claim naming the tenant.")
    forward_header: str = key(
        "X-Tenant-ID", "The header every subgraph request carries the tenant in."
    )
    required: bool = key(True, "Refuse requests without a tenant (400 `TENANT_REQUIRED`).")


@dataclass
class CorsSection:
    origins: list[str] = key(
        [],
        'Browser origins allowed to call the gateway (`"https://app.example.com"`, or `"*"` for'
        " any, never with credentials); empty: same-origin pages only.",
    )
    match_origins: list[str] = key([], "Regular expressions an allowed origin must match whole.")
    allow_credentials: bool = key(False, "Let browsers send cookies and credentials.")
    allow_headers: list[str] = key(
        [], "Request headers allowed cross-origin; empty: whatever the preflight asks for."
    )
    expose_headers: list[str] = key([], "Response headers a page may read.")
    max_age_secs: int = key(600, "How long browsers may cache a preflight's answer.", minimum=0)


@dataclass
class HeadersSection:
    propagate: list[str] = key([], "Request headers sent on to every subgraph, by name.")
    propagate_matching: list[str] = key(
        [], "Request headers sent on to every subgraph when a regular expression matches the name."
    )
    rename: dict[str, str] = key(
        {}, 'Request headers sent on under another name: `{ "x-user" = "x-client-user" }`.'
    )
    insert: dict[str, str] = key({}, "Headers added to every subgraph request.")
    remove: list[str] = key(
        [], "Headers never sent to a subgraph, whatever another rule says (`cookie`)."
    )
    response_propagate: list[str] = key(
        [],
        "Subgraph response headers returned to the client (`set-cookie`: every occurrence,"
        " from every fetch).",
    )


@dataclass
class AuthorizationSection:
    reject_unauthorized: bool = key(
        False,
        "Refuse a request that selects any field it may not see (403) instead of answering"
        " those fields null with `UNAUTHORIZED_FIELD_OR_TYPE`.",
    )
    policies: dict[str, str] = key(
        {},
        'The callables deciding `@policy` names: `{ read_own_orders = "mypolicies:own_orders" }`'
        " (sync or async, called with the claims and the request context). A policy with no"
        " callable denies.",
    )


@dataclass
class ApqSection:
    enabled: bool = key(
        True,
        "Accept Apollo's automatic persisted queries (`extensions.persistedQuery`); off:"
        " `PERSISTED_QUERY_NOT_SUPPORTED`.",
    )
    redis_url: str | None = key(
        None, "Share registered documents between gateway instances through Redis."
    )
    ttl_secs: float | None = key(
        None,
        "How long a registration lives (none: a day in Redis, until evicted in memory).",
        minimum=1,
    )
    max_bytes: int = key(
        30 * 1024 * 1024, "Bytes of documents kept in memory (Apollo Server's 30 MiB).", minimum=1
    )
    redis_prefix: str = key("hansa:apq:", "Prefix of the Redis keys.")


@dataclass
class PersistedQueriesSection:
    manifest: str | None = key(
        None,
        "Persisted-operation manifest (Apollo's format or Relay's `{id: document}`), relative"
        " to this file; setting it turns safelisting on.",
    )
    mode: str = key(
        "enforce",
        '`"allow"`: ids and any document; `"log"`: the same, unknown documents logged once'
        ' each; `"enforce"`: only listed documents (`QUERY_NOT_IN_SAFELIST`), in full or by id.',
        choices=("allow", "log", "enforce"),
    )
    require_id: bool = key(
        False,
        'With `"enforce"`: operations only by id, even listed ones (`PERSISTED_QUERY_ID_REQUIRED`).',
    )
    log_unknown: bool = key(True, 'With `"enforce"`: log refused documents too, once each.')
    client_name_header: str = key(
        "apollographql-client-name",
        "The header that selects a manifest's operations carrying a `clientName`.",
    )
    reload_secs: float = key(
        5.0,
        "Seconds between checks of the manifest file for changes (a changed file is served"
        " without a restart); 0 reads it once.",
        minimum=0.0,
    )


@dataclass
class TelemetrySection:
    metrics: bool = key(True, "Prometheus metrics on `GET /metrics`.")
    log_format: str = key(
        "text",
        '`"text"` or `"json"` (one object per line) for everything the gateway logs.',
        choices=("text", "json"),
    )
    otlp_endpoint: str | None = key(
        None,
        "Export OpenTelemetry traces over OTLP/HTTP to this collector (`http://collector:4318`);"
        " none: no tracing.",
    )
    sampling: float = key(1.0, "Share of new traces recorded (a sampled parent is followed).")
    service_name: str = key("hansa-gateway", "The traces' `service.name`.")
    usage_file: str | None = key(
        None,
        "Append usage reports here (JSON lines: operations per client, fields selected), one per"
        " `usage_flush_secs`; relative to this file.",
    )
    usage_flush_secs: float = key(60.0, "Seconds each usage report covers.", minimum=0.1)
    request_log: bool = key(
        False,
        "Log one line per request: request id, operation name and hash, status, duration,"
        " error codes, subgraphs called, client name and version.",
    )


@dataclass
class RegistrySection:
    database: str = key(
        "sqlite:///registry.db",
        "`sqlite:///PATH` (relative to the working directory; `sqlite:////abs/path`) or"
        " `postgresql://USER@HOST/DB`.",
    )
    listen: str = key("127.0.0.1:4100", "Address and port the registry serves on, `HOST:PORT`.")
    admin_token: str | None = key(
        None,
        "The first admin token, if no token exists yet (default: `HANSA_REGISTRY_ADMIN_TOKEN`,"
        " else one is generated and printed once).",
    )
    signing_key: str | None = key(
        None,
        "Ed25519 private key (base64, 32 bytes) compositions are signed with, usually"
        " `${HANSA_REGISTRY_SIGNING_KEY}`; default: one generated on first start and kept in"
        " the database.",
    )
    publish_dir: str | None = key(
        None,
        "Also write every variant's served supergraph to `PATH/GRAPH/VARIANT/supergraph.json`"
        " (and each composition as `compositions/N.json`), for gateways that read a directory.",
    )
    publish_bucket: str | None = key(
        None,
        "Also write them to an S3-compatible bucket, `s3://BUCKET/PREFIX` (same layout; with"
        " bucket versioning, every change is an object version). Needs `hansa[s3]`.",
    )
    s3_endpoint_url: str | None = key(
        None, "With `publish_bucket`: an S3-compatible service's URL; default AWS."
    )
    usage_days: int = key(
        30, "Checks: the window of usage reports a breaking change is weighed against.", minimum=1
    )
    usage_threshold: int = key(
        0,
        "Checks: a breaking change on a coordinate used at most this often in the window is"
        " downgraded to dangerous.",
        minimum=0,
    )
    exclude_clients: list[str] = key(
        [], "Checks: clients whose usage does not count (test suites, internal tools)."
    )
    plan_regression: str = key(
        "fail",
        "Checks: `fail` when a most-used operation needs more fetches or sequential steps"
        " with the new supergraph, `warn` to report only, `off`.",
        choices=("fail", "warn", "off"),
    )
    top_operations: int = key(
        50, "Checks: how many of the most-used operations are re-planned.", minimum=0
    )
    deprecation_days: int = key(
        30,
        "A deprecated field unused for this many days is removable (`hansa registry"
        " deprecations`), and a check says removing it is safe.",
        minimum=1,
    )


@dataclass
class DatabaseSection:
    type: str = key(
        "postgresql",
        "The database: `postgresql`, `mysql` (MariaDB too) or `sqlite`.",
        choices=("postgresql", "mysql", "sqlite"),
    )
    url: str = key(
        "",
        "Where it is, usually `${ENV}`: `postgresql://USER@HOST/DB`, `mysql://USER:PASS@HOST/DB`,"
        " `sqlite:///PATH` (with `database_per_tenant`, `{tenant}` in it).",
    )
    pool_min: int = key(1, "Connections kept open.", minimum=0)
    pool_max: int = key(10, "Connections at most; requests wait for one beyond that.", minimum=1)
    timeout_secs: float = key(
        10.0, "Time a statement, or waiting for a connection, may take.", minimum=0.1
    )
    replicas: list[str] = key(
        [],
        "Read replicas (URLs): reads go there, writes and a request's reads after it wrote"
        " to the primary.",
    )
    tenant_strategy: str = key(
        "none",
        "`row`: `set_config('app.current_tenant_id', tenant, true)` in every transaction, for"
        " row-level security (PostgreSQL); `schema`: the tenant's schema first on the"
        " `search_path` (PostgreSQL); `database_per_tenant`: a pool per tenant from `url`.",
        choices=("none", "row", "schema", "database_per_tenant"),
    )
    tenant_setting: str = key("app.current_tenant_id", "With `row`: the setting RLS policies read.")
    max_tenant_pools: int = key(
        16, "With `database_per_tenant`: pools kept open, least recently used closed.", minimum=1
    )
    shards: list[str] = key(
        [],
        "Shard the database by key hash over these URLs (instead of `url`): rows live on"
        " shard `crc32(shard_key value) % len(shards)`; lookups by the shard key go to one"
        " shard, other reads to all of them, merged.",
    )
    shard_key: str | None = key(None, "With `shards`: the column rows are sharded by.")


@dataclass
class DbSection:
    name: str | None = key(None, "The database subgraph's name (default: the module's last name).")
    tenant_header: str = key(
        "x-tenant-id", "The request header naming the tenant (the gateway forwards it)."
    )
    tenant_required: bool = key(False, "Refuse requests without a tenant (`TENANT_REQUIRED`).")
    default_limit: int = key(50, "Rows a list query returns without `limit`.", minimum=1)
    max_limit: int = key(1000, "The largest `limit` a list query accepts.", minimum=1)
    session_header: str = key(
        "x-hansa-session",
        "Read-your-writes across requests: after a request carrying this header wrote to a"
        " database, that session's reads go to the primary for `read_your_writes_secs`.",
    )
    read_your_writes_secs: float = key(
        5.0, "How long a session reads the primary after it wrote (replica lag).", minimum=0.0
    )


@dataclass
class HansaConfig:
    gateway: GatewaySection = section(GatewaySection, "The gateway process: what it serves, where.")
    subgraphs: dict[str, SubgraphSection] = key(
        {}, "Per subgraph, by its name in the supergraph: `[subgraphs.NAME]`.", item=SubgraphSection
    )
    limits: LimitsSection = section(LimitsSection, "Request limits and cache sizes.")
    federation: FederationSection = section(
        FederationSection, "How the gateway talks to subgraphs: resilience and degraded answers."
    )
    auth: AuthSection = section(AuthSection, "Authentication.")
    authorization: AuthorizationSection = section(
        AuthorizationSection,
        "`@authenticated`, `@requiresScopes` and `@policy` from the supergraph, always enforced.",
    )
    headers: HeadersSection = section(
        HeadersSection,
        "Header propagation, client → subgraphs and subgraphs → client (besides"
        " `gateway.forward_headers`, which these rules extend).",
    )
    cors: CorsSection = section(CorsSection, "Cross-origin requests from browsers.")
    csrf: CsrfSection = section(CsrfSection, "Cross-site request forgery prevention.")
    multi_tenancy: MultiTenancySection = section(
        MultiTenancySection,
        "Tenants: resolved per request, forwarded to subgraphs, part of every cache key.",
    )
    telemetry: TelemetrySection = section(TelemetrySection, "Metrics for operators.")
    apq: ApqSection = section(ApqSection, "Automatic persisted queries (Apollo's protocol).")
    persisted_queries: PersistedQueriesSection = section(
        PersistedQueriesSection, "Safelisting from a persisted-operation manifest."
    )
    rate_limit: RateLimitSection = section(
        RateLimitSection, "Per-client rate limits (token buckets), checked before parsing."
    )
    registry: RegistrySection = section(
        RegistrySection, "The schema registry process (`hansa registry serve`)."
    )
    databases: dict[str, DatabaseSection] = key(
        {},
        "Databases that database subgraphs read, by the name models use: `[databases.NAME]`.",
        item=DatabaseSection,
    )
    db: DbSection = section(DbSection, "Database subgraphs (`hansa db serve`).")
    demand_control: DemandControlSection = section(
        DemandControlSection,
        "Static operation cost (the IBM cost directives Apollo uses); see"
        " `src/hansa/plugins/demand_control.py` for the formula.",
    )
