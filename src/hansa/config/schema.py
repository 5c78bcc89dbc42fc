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
    watch: bool = key(False, "Reload when the supergraph (or a subgraph schema) file changes.")
    introspection: bool = key(True, "Answer introspection queries.")
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
    plugins: list[str] = key(
        [],
        'Plugins to load after the built-in ones, as `"package.module:Name"` (a `Plugin`'
        " subclass or a factory called without arguments); see `docs/plugins.md`.",
    )


@dataclass
class SubgraphSection:
    url: str | None = key(None, "The subgraph's URL, instead of the one in the supergraph.")
    timeout_ms: int | None = key(
        None,
        "Time a request to this subgraph may take (default: `gateway.subgraph_timeout_ms`).",
        minimum=1,
    )
    headers: dict[str, str] = key(
        {},
        'Headers sent with every request to this subgraph (`{ authorization = "Bearer'
        " ${TOKEN}\" }`), after the gateway's own and before forwarded ones.",
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
    request_timeout_ms: int = key(
        30_000,
        "Time a whole request may take before it is answered 504 with `GATEWAY_TIMEOUT`.",
        minimum=1,
    )
    max_cached_documents: int = key(1000, "Parsed and validated documents kept.", minimum=1)
    max_cached_document_bytes: int = key(
        16 * 1024 * 1024,
        "Bytes of document text the document cache keeps (about half its memory).",
        minimum=1,
    )
    max_cached_plans: int = key(1000, "Query plans kept.", minimum=1)


@dataclass
class HansaConfig:
    gateway: GatewaySection = section(GatewaySection, "The gateway process: what it serves, where.")
    subgraphs: dict[str, SubgraphSection] = key(
        {}, "Per subgraph, by its name in the supergraph: `[subgraphs.NAME]`.", item=SubgraphSection
    )
    limits: LimitsSection = section(LimitsSection, "Request limits and cache sizes.")
