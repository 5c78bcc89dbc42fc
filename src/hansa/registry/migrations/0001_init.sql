-- The registry's model (docs/registry.md). Timestamps are ISO-8601 UTC text, JSON is text,
-- booleans are 0/1: the same values in SQLite and PostgreSQL. {ID} is the dialect's identity key.

CREATE TABLE graphs (
    id {ID},
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE variants (
    id {ID},
    graph_id BIGINT NOT NULL REFERENCES graphs (id),
    name TEXT NOT NULL,
    current_composition_id BIGINT,
    canary_composition_id BIGINT,
    canary_percent INTEGER NOT NULL DEFAULT 0,
    canary_allow TEXT NOT NULL DEFAULT '[]',
    canary_deny TEXT NOT NULL DEFAULT '[]',
    canary_key TEXT NOT NULL DEFAULT 'header:x-hansa-canary-key',
    created_at TEXT NOT NULL,
    UNIQUE (graph_id, name)
);

-- Immutable: a (subgraph, version) pair names one SDL forever.
CREATE TABLE schema_versions (
    id {ID},
    graph_id BIGINT NOT NULL REFERENCES graphs (id),
    subgraph TEXT NOT NULL,
    version TEXT NOT NULL,
    sdl TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    routing_url TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by TEXT NOT NULL,
    UNIQUE (graph_id, subgraph, version)
);

-- A set of versions and what composing them gave. members: {subgraph: {version, url}}.
CREATE TABLE compositions (
    id {ID},
    variant_id BIGINT NOT NULL REFERENCES variants (id),
    number INTEGER NOT NULL,
    members TEXT NOT NULL,
    supergraph_sdl TEXT,
    errors TEXT NOT NULL DEFAULT '[]',
    hints TEXT NOT NULL DEFAULT '[]',
    valid INTEGER NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    signature TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    UNIQUE (variant_id, number)
);

-- Append-only: every change, who made it and when. History is read from here.
CREATE TABLE events (
    id {ID},
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    graph TEXT NOT NULL,
    variant TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX events_by_variant ON events (graph, variant, id);

-- Only SHA-256 digests of tokens are kept. role: admin | publish | read; graph, variant and
-- subgraph narrow what a token may touch (NULL: any).
CREATE TABLE tokens (
    id {ID},
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    graph TEXT,
    variant TEXT,
    subgraph TEXT,
    digest TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Gateways' usage reports (hansa.plugins.usage) merged into one per variant and day (UTC, of
-- each report's end): a window of N days is N rows however many gateways report.
CREATE TABLE usage_days (
    graph TEXT NOT NULL,
    variant TEXT NOT NULL,
    day TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    report TEXT NOT NULL,
    PRIMARY KEY (graph, variant, day)
);

-- Persisted-operation manifests, per graph and client; a publish replaces the client's set.
CREATE TABLE persisted_operations (
    graph TEXT NOT NULL,
    client TEXT NOT NULL,
    operation_id TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at TEXT NOT NULL,
    PRIMARY KEY (graph, client, operation_id)
);

-- The registry's own settings, such as its signing key.
CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
