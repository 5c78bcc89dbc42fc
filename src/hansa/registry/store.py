"""The registry's operations on its database: publish, compose by version set, history,
rollback, promote, canary, tokens, usage and persisted operations.

Every write is one transaction that appends its event to the log. A publish locks its variant
for the whole transaction — read the head composition, compose, insert the next number, move
the pointer — so concurrent publishes to one variant queue up and each composes on the one
before: compositions 1, 2, 3, ... form a linear history with nothing lost or interleaved.
Composing runs in a worker thread so reads keep being answered meanwhile.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from hansa.composition import Result, SubgraphInput, compose
from hansa.registry.db import Connection, Database, Row
from hansa.registry.signing import Signer
from hansa.registry.tokens import ROLES, Role, Token, digest, new_secret


class RegistryError(Exception):
    """A refusal with an HTTP status and a stable code; ``detail`` goes into the answer."""

    def __init__(
        self, status: int, code: str, message: str, detail: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.detail = status, code, message, detail or {}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


@dataclass(frozen=True)
class Member:
    version: str
    url: str


@dataclass(frozen=True)
class Composition:
    id: int
    graph: str
    variant: str
    number: int
    members: dict[str, Member]
    supergraph_sdl: str | None
    errors: list[dict[str, Any]]
    hints: list[dict[str, Any]]
    valid: bool
    forced: bool
    signature: str | None
    created_at: str
    created_by: str
    reason: str

    def to_json(self, *, sdl: bool = True) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "id": self.id,
            "graph": self.graph,
            "variant": self.variant,
            "number": self.number,
            "members": {
                name: {"version": m.version, "url": m.url} for name, m in self.members.items()
            },
            "valid": self.valid,
            "forced": self.forced,
            "errors": self.errors,
            "hints": self.hints,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "reason": self.reason,
            "signature": self.signature,
        }
        if sdl:
            answer["supergraph_sdl"] = self.supergraph_sdl
        return answer


@dataclass(frozen=True)
class Canary:
    composition: Composition
    percent: int
    allow: list[str]
    deny: list[str]
    key: str  # "header:NAME" or "claim:NAME": what a gateway hashes to pick clients

    def to_json(self) -> dict[str, Any]:
        return {
            "composition": self.composition.to_json(),
            "percent": self.percent,
            "allow": self.allow,
            "deny": self.deny,
            "key": self.key,
        }


@dataclass(frozen=True)
class Served:
    """What gateways of a variant serve: the current composition and, during a rollout, the
    canary. ``etag`` changes whenever either does."""

    current: Composition
    canary: Canary | None

    def to_json(self, *, sdl: bool = True) -> dict[str, Any]:
        """The supergraph endpoint's answer (and a published ``supergraph.json``)."""
        return {
            "graph": self.current.graph,
            "variant": self.current.variant,
            "etag": self.etag,
            "current": self.current.to_json(sdl=sdl),
            "canary": None if self.canary is None else self.canary.to_json(),
        }

    @property
    def etag(self) -> str:
        parts = [str(self.current.id)]
        if self.canary is not None:
            c = self.canary
            parts.append(
                f"{c.composition.id}:{c.percent}:{','.join(c.allow)}:{','.join(c.deny)}:{c.key}"
            )
        return '"' + hashlib.sha256("|".join(parts).encode()).hexdigest()[:20] + '"'


@dataclass
class PublishResult:
    composition: Composition | None  # None when refused
    created: bool
    errors: list[dict[str, Any]] = field(default_factory=list)
    hints: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """What composing gave, as stored: the supergraph (``None`` when it failed), Apollo's
    errors and hints as JSON objects."""

    sdl: str | None
    errors: list[dict[str, Any]]
    hints: list[dict[str, Any]]

    @classmethod
    def of(cls, result: Result) -> Outcome:
        errors = [
            {
                "code": e.code,
                "message": e.message,
                "locations": [
                    {"subgraph": loc.subgraph, "line": loc.line, "column": loc.column}
                    for loc in e.locations
                ],
            }
            for e in result.errors
        ]
        hints = [{"code": h.code, "message": h.message} for h in result.hints]
        return cls(result.supergraph_sdl if result.ok else None, errors, hints)


class Registry:
    """The registry's model over a ``Database``; the HTTP API and tests call this."""

    def __init__(self, db: Database, signer: Signer) -> None:
        self.db = db
        self.signer = signer

    @classmethod
    async def open(cls, db: Database, signing_key: str | None = None) -> Registry:
        """The registry over ``db``: the signing key given, else the one stored, else a new one
        (stored, so every composition of this registry is signed by one key)."""
        if signing_key is not None:
            return cls(db, Signer.from_text(signing_key))
        async with db.write() as tx:
            stored = await tx.fetchval("SELECT value FROM settings WHERE name = 'signing_key'")
            if stored is None:
                signer = Signer.generate()
                await tx.execute(
                    "INSERT INTO settings (name, value) VALUES ('signing_key', $1)",
                    signer.private_text(),
                )
                return cls(db, signer)
        return cls(db, Signer.from_text(stored))

    # -- tokens ---------------------------------------------------------------------------

    async def create_token(
        self,
        name: str,
        role: str,
        *,
        graph: str | None = None,
        variant: str | None = None,
        subgraph: str | None = None,
        actor: str = "registry",
        secret: str | None = None,
    ) -> str:
        """A new token's secret (shown once; only its digest is kept)."""
        if role not in ROLES:
            raise RegistryError(400, "BAD_REQUEST", f"role must be one of {', '.join(ROLES)}")
        if not name:
            raise RegistryError(400, "BAD_REQUEST", "a token needs a name")
        secret = secret or new_secret()
        async with self.db.write() as tx:
            taken = await tx.fetchval("SELECT id FROM tokens WHERE name = $1", name)
            if taken is not None:
                raise RegistryError(409, "TOKEN_EXISTS", f"a token named {name!r} exists")
            await tx.execute(
                "INSERT INTO tokens (name, role, graph, variant, subgraph, digest, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                name,
                role,
                graph,
                variant,
                subgraph,
                digest(secret),
                now(),
            )
            await self._event(
                tx,
                actor,
                "token_created",
                graph or "*",
                variant,
                {"name": name, "role": role, "subgraph": subgraph},
            )
        return secret

    async def revoke_token(self, name: str, actor: str) -> None:
        async with self.db.write() as tx:
            row = await tx.fetchrow(
                "SELECT graph FROM tokens WHERE name = $1 AND revoked_at IS NULL", name
            )
            if row is None:
                raise RegistryError(404, "NOT_FOUND", f"no active token named {name!r}")
            await tx.execute("UPDATE tokens SET revoked_at = $1 WHERE name = $2", now(), name)
            await self._event(tx, actor, "token_revoked", row["graph"] or "*", None, {"name": name})

    async def has_tokens(self) -> bool:
        async with self.db.read() as db:
            return bool(await db.fetchval("SELECT COUNT(*) FROM tokens"))

    async def tokens(self) -> list[dict[str, Any]]:
        async with self.db.read() as db:
            rows = await db.fetch(
                "SELECT name, role, graph, variant, subgraph, created_at, revoked_at"
                " FROM tokens ORDER BY id"
            )
        return rows

    async def authenticate(self, secret: str) -> Token | None:
        async with self.db.read() as db:
            row = await db.fetchrow(
                "SELECT name, role, graph, variant, subgraph FROM tokens"
                " WHERE digest = $1 AND revoked_at IS NULL",
                digest(secret),
            )
        if row is None:
            return None
        role: Role = row["role"]
        return Token(row["name"], role, row["graph"], row["variant"], row["subgraph"])

    # -- graphs and variants --------------------------------------------------------------

    async def _lock_variant(self, tx: Connection, graph: str, variant: str) -> tuple[int, Row]:
        """The graph's id and the variant's row, created if new, locked until COMMIT."""
        stamp = now()
        await tx.execute(
            "INSERT INTO graphs (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            graph,
            stamp,
        )
        graph_id = await tx.fetchval("SELECT id FROM graphs WHERE name = $1", graph)
        await tx.execute(
            "INSERT INTO variants (graph_id, name, created_at) VALUES ($1, $2, $3)"
            " ON CONFLICT (graph_id, name) DO NOTHING",
            graph_id,
            variant,
            stamp,
        )
        row = await tx.fetchrow(
            "SELECT * FROM variants WHERE graph_id = $1 AND name = $2" + self.db.for_update,
            graph_id,
            variant,
        )
        assert row is not None
        return graph_id, row

    async def _variant(self, db: Connection, graph: str, variant: str) -> Row:
        row = await db.fetchrow(
            "SELECT v.*, g.id AS gid FROM variants v JOIN graphs g ON g.id = v.graph_id"
            " WHERE g.name = $1 AND v.name = $2",
            graph,
            variant,
        )
        if row is None:
            raise RegistryError(404, "NOT_FOUND", f"no variant {graph}@{variant}")
        return row

    async def graphs(self) -> list[dict[str, Any]]:
        async with self.db.read() as db:
            rows = await db.fetch(
                "SELECT g.name AS graph, v.name AS variant, c.number AS current,"
                " v.canary_composition_id AS canary FROM graphs g"
                " JOIN variants v ON v.graph_id = g.id"
                " LEFT JOIN compositions c ON c.id = v.current_composition_id"
                " ORDER BY g.name, v.name"
            )
        graphs: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            graphs.setdefault(row["graph"], []).append(
                {
                    "name": row["variant"],
                    "current": row["current"],
                    "canary": row["canary"] is not None,
                }
            )
        return [{"name": name, "variants": variants} for name, variants in graphs.items()]

    # -- compositions ---------------------------------------------------------------------

    async def _composition(self, db: Connection, where: str, *args: Any) -> Composition | None:
        row = await db.fetchrow(
            "SELECT c.*, v.name AS variant, g.name AS graph FROM compositions c"
            " JOIN variants v ON v.id = c.variant_id JOIN graphs g ON g.id = v.graph_id"
            " WHERE " + where,
            *args,
        )
        return None if row is None else _composition(row)

    async def composition(self, graph: str, variant: str, number: int) -> Composition:
        async with self.db.read() as db:
            found = await self._composition(
                db, "g.name = $1 AND v.name = $2 AND c.number = $3", graph, variant, number
            )
        if found is None:
            raise RegistryError(404, "NOT_FOUND", f"no composition {number} in {graph}@{variant}")
        return found

    async def _head(self, db: Connection, variant_id: int) -> Composition | None:
        """The variant's latest composition (valid or forced): what the next publish builds on."""
        return await self._composition(
            db,
            "c.variant_id = $1 ORDER BY c.number DESC LIMIT 1",
            variant_id,
        )

    async def served(self, graph: str, variant: str) -> Served:
        """What the variant's gateways serve now."""
        async with self.db.read() as db:
            row = await self._variant(db, graph, variant)
            if row["current_composition_id"] is None:
                raise RegistryError(
                    404, "NO_SUPERGRAPH", f"{graph}@{variant} has no valid composition yet"
                )
            current = await self._composition(db, "c.id = $1", row["current_composition_id"])
            assert current is not None
            canary = None
            if row["canary_composition_id"] is not None:
                composition = await self._composition(db, "c.id = $1", row["canary_composition_id"])
                assert composition is not None
                canary = Canary(
                    composition,
                    row["canary_percent"],
                    orjson.loads(row["canary_allow"]),
                    orjson.loads(row["canary_deny"]),
                    row["canary_key"],
                )
        return Served(current, canary)

    async def _compose(self, db: Connection, graph_id: int, members: dict[str, Member]) -> Result:
        return await asyncio.to_thread(compose, await self._inputs(db, graph_id, members))

    async def _inputs(
        self, db: Connection, graph_id: int, members: dict[str, Member]
    ) -> list[SubgraphInput]:
        """The members' stored SDLs, as composition inputs."""
        inputs = []
        for name, member in sorted(members.items()):
            sdl = await db.fetchval(
                "SELECT sdl FROM schema_versions WHERE graph_id = $1 AND subgraph = $2"
                " AND version = $3",
                graph_id,
                name,
                member.version,
            )
            if sdl is None:
                raise RegistryError(
                    404, "UNKNOWN_VERSION", f"no version {member.version!r} of subgraph {name!r}"
                )
            inputs.append(SubgraphInput(name, member.url, sdl))
        return inputs

    async def _record(
        self,
        tx: Connection,
        graph: str,
        variant: Row,
        members: dict[str, Member],
        outcome: Outcome,
        *,
        actor: str,
        reason: str,
        event: tuple[str, dict[str, Any]],
        forced: bool = False,
    ) -> Composition:
        """Insert the variant's next composition, serve it when it has a supergraph, and
        append ``event`` (its detail gains the composition's number)."""
        sdl, errors, hints = outcome.sdl, outcome.errors, outcome.hints
        last = await tx.fetchval(
            "SELECT MAX(number) FROM compositions WHERE variant_id = $1", variant["id"]
        )
        number = (last or 0) + 1
        signature = None if sdl is None else self.signer.sign(graph, variant["name"], number, sdl)
        new_id = await tx.fetchval(
            "INSERT INTO compositions (variant_id, number, members, supergraph_sdl, errors,"
            " hints, valid, forced, signature, created_at, created_by, reason)"
            " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            variant["id"],
            number,
            _json({n: {"version": m.version, "url": m.url} for n, m in members.items()}),
            sdl,
            _json(errors),
            _json(hints),
            int(sdl is not None and not errors),
            int(forced),
            signature,
            now(),
            actor,
            reason,
        )
        if sdl is not None:
            await tx.execute(
                "UPDATE variants SET current_composition_id = $1 WHERE id = $2",
                new_id,
                variant["id"],
            )
        kind, detail = event
        await self._event(
            tx, actor, kind, graph, variant["name"], {**detail, "composition": number}
        )
        found = await self._composition(tx, "c.id = $1", new_id)
        assert found is not None
        return found

    async def publish(
        self,
        graph: str,
        variant: str,
        subgraph: str,
        version: str,
        url: str,
        sdl: str,
        *,
        force: bool = False,
        actor: str,
    ) -> PublishResult:
        """Record ``subgraph@version`` and compose the variant with it. Refused (nothing but
        the version and a ``publish_refused`` event recorded) when the variant would not
        compose, unless ``force``: then the composition is recorded, later publishes build on
        it, and gateways keep the last valid supergraph."""
        for what, value in (("graph", graph), ("variant", variant), ("subgraph", subgraph)):
            _check_name(what, value)
        if not version:
            raise RegistryError(400, "BAD_REQUEST", "a version is required")
        if not url:
            raise RegistryError(400, "BAD_REQUEST", "a routing URL is required")
        sha = hashlib.sha256(sdl.encode()).hexdigest()
        async with self.db.write() as tx:
            graph_id, row = await self._lock_variant(tx, graph, variant)
            known = await tx.fetchrow(
                "SELECT sha256 FROM schema_versions WHERE graph_id = $1 AND subgraph = $2"
                " AND version = $3",
                graph_id,
                subgraph,
                version,
            )
            if known is None:
                await tx.execute(
                    "INSERT INTO schema_versions (graph_id, subgraph, version, sdl, sha256,"
                    " routing_url, published_at, published_by)"
                    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    graph_id,
                    subgraph,
                    version,
                    sdl,
                    sha,
                    url,
                    now(),
                    actor,
                )
            elif known["sha256"] != sha:
                raise RegistryError(
                    409,
                    "VERSION_EXISTS",
                    f"{subgraph}@{version} was published with a different schema; versions"
                    " are immutable, publish under a new version",
                )
            head = await self._head(tx, row["id"])
            members = dict(head.members) if head is not None else {}
            members[subgraph] = Member(version, url)
            if head is not None and head.members == members and head.valid:
                return PublishResult(head, created=False)
            outcome = Outcome.of(await self._compose(tx, graph_id, members))
            detail = {"subgraph": subgraph, "version": version, "url": url}
            failed = outcome.sdl is None
            if failed and not force:
                refusal = {**detail, "errors": outcome.errors}
                await self._event(tx, actor, "publish_refused", graph, variant, refusal)
                return PublishResult(None, False, outcome.errors, outcome.hints)
            composition = await self._record(
                tx,
                graph,
                row,
                members,
                outcome,
                actor=actor,
                reason=f"publish {subgraph}@{version}",
                event=("force_publish" if failed else "publish", {**detail, "valid": not failed}),
                forced=failed,
            )
        return PublishResult(composition, True, outcome.errors, outcome.hints)

    async def remove_subgraph(
        self, graph: str, variant: str, subgraph: str, *, actor: str
    ) -> PublishResult:
        """Compose the variant without ``subgraph`` (refused if that does not compose)."""
        async with self.db.write() as tx:
            graph_id, row = await self._lock_variant(tx, graph, variant)
            head = await self._head(tx, row["id"])
            if head is None or subgraph not in head.members:
                raise RegistryError(404, "NOT_FOUND", f"{subgraph!r} is not in {graph}@{variant}")
            members = {n: m for n, m in head.members.items() if n != subgraph}
            if not members:
                raise RegistryError(400, "BAD_REQUEST", "a variant keeps at least one subgraph")
            outcome = Outcome.of(await self._compose(tx, graph_id, members))
            if outcome.sdl is None:
                return PublishResult(None, False, outcome.errors, outcome.hints)
            composition = await self._record(
                tx,
                graph,
                row,
                members,
                outcome,
                actor=actor,
                reason=f"remove {subgraph}",
                event=("remove_subgraph", {"subgraph": subgraph}),
            )
        return PublishResult(composition, True, hints=outcome.hints)

    async def proposed_members(self, graph: str, variant: str) -> list[SubgraphInput]:
        """The variant's latest members as composition inputs: what a check replaces one of
        (none for a variant not published yet)."""
        async with self.db.read() as db:
            graph_id = await db.fetchval("SELECT id FROM graphs WHERE name = $1", graph)
            variant_id = await db.fetchval(
                "SELECT id FROM variants WHERE graph_id = $1 AND name = $2", graph_id, variant
            )
            head = None if variant_id is None else await self._head(db, variant_id)
            return [] if head is None else await self._inputs(db, graph_id, head.members)

    async def compose_versions(
        self, graph: str, services: list[tuple[str, str]], variant: str | None = None
    ) -> dict[str, Any]:
        """The supergraph of exactly these ``(subgraph, version)`` pairs if they compose, else
        the last valid composition (of ``variant``, or the graph's newest), saying which."""
        async with self.db.read() as db:
            graph_id = await db.fetchval("SELECT id FROM graphs WHERE name = $1", graph)
            if graph_id is None:
                raise RegistryError(404, "NOT_FOUND", f"no graph {graph!r}")
            members: dict[str, Member] = {}
            for name, version in services:
                url = await db.fetchval(
                    "SELECT routing_url FROM schema_versions WHERE graph_id = $1"
                    " AND subgraph = $2 AND version = $3",
                    graph_id,
                    name,
                    version,
                )
                if url is None:
                    members = {}
                    missing = f"no version {version!r} of subgraph {name!r}"
                    break
                members[name] = Member(version, url)
            else:
                missing = ""
            if members:
                outcome = Outcome.of(await self._compose(db, graph_id, members))
                if outcome.sdl is not None:
                    return {
                        "composed": True,
                        "supergraph_sdl": outcome.sdl,
                        "members": {
                            n: {"version": m.version, "url": m.url} for n, m in members.items()
                        },
                        "hints": outcome.hints,
                    }
                errors = outcome.errors
            else:
                errors = [{"code": "UNKNOWN_VERSION", "message": missing, "locations": []}]
            where = "g.name = $1 AND c.valid = 1"
            args: list[Any] = [graph]
            if variant is not None:
                where += " AND v.name = $2 AND c.id = v.current_composition_id"
                args.append(variant)
            fallback = await self._composition(db, where + " ORDER BY c.id DESC LIMIT 1", *args)
        if fallback is None:
            raise RegistryError(
                422,
                "COMPOSITION_FAILED",
                "the versions do not compose and no valid composition exists to fall back on",
                {"errors": errors},
            )
        return {
            "composed": False,
            "errors": errors,
            "fallback": fallback.to_json(),
            "supergraph_sdl": fallback.supergraph_sdl,
        }

    async def rollback(self, graph: str, variant: str, to: int, *, actor: str) -> Composition:
        """Serve composition ``to`` again, as a new composition (history stays linear and
        gateways see a new ETag); later publishes build on its members."""
        async with self.db.write() as tx:
            _, row = await self._lock_variant(tx, graph, variant)
            target = await self._composition(
                tx, "c.variant_id = $1 AND c.number = $2", row["id"], to
            )
            if target is None or not target.valid:
                raise RegistryError(
                    404, "NOT_FOUND", f"no valid composition {to} in {graph}@{variant}"
                )
            composition = await self._record(
                tx,
                graph,
                row,
                target.members,
                Outcome(target.supergraph_sdl, [], target.hints),
                actor=actor,
                reason=f"rollback to {to}",
                event=("rollback", {"to": to}),
            )
        return composition

    async def promote(
        self, graph: str, source: str, target: str, number: int | None, *, actor: str
    ) -> Composition:
        """Serve ``source``'s composition ``number`` (default: its current) in ``target``;
        the routing URLs are the target's own where it has the subgraph already."""
        if source == target:
            raise RegistryError(400, "BAD_REQUEST", "promote between two different variants")
        async with self.db.write() as tx:
            _, source_row = await self._lock_variant(tx, graph, source)
            if number is None:
                picked = source_row["current_composition_id"]
                chosen = (
                    None if picked is None else await self._composition(tx, "c.id = $1", picked)
                )
            else:
                chosen = await self._composition(
                    tx, "c.variant_id = $1 AND c.number = $2", source_row["id"], number
                )
            if chosen is None or not chosen.valid:
                raise RegistryError(
                    404, "NOT_FOUND", f"no valid composition to promote in {graph}@{source}"
                )
            graph_id, target_row = await self._lock_variant(tx, graph, target)
            head = await self._head(tx, target_row["id"])
            members = {
                name: Member(
                    m.version, head.members[name].url if head and name in head.members else m.url
                )
                for name, m in chosen.members.items()
            }
            outcome = Outcome.of(await self._compose(tx, graph_id, members))
            if outcome.sdl is None:
                problem = {"errors": outcome.errors}
                raise RegistryError(
                    422, "COMPOSITION_FAILED", "the promoted set does not compose", problem
                )
            composition = await self._record(
                tx,
                graph,
                target_row,
                members,
                outcome,
                actor=actor,
                reason=f"promote {source}#{chosen.number}",
                event=("promote", {"from": source, "from_composition": chosen.number}),
            )
        return composition

    # -- canary ---------------------------------------------------------------------------

    async def set_canary(
        self,
        graph: str,
        variant: str,
        number: int,
        percent: int,
        *,
        allow: list[str],
        deny: list[str],
        key: str,
        actor: str,
    ) -> Served:
        if not 0 <= percent <= 100:
            raise RegistryError(400, "BAD_REQUEST", "percent must be between 0 and 100")
        if not key.startswith(("header:", "claim:")) or len(key.partition(":")[2]) == 0:
            raise RegistryError(400, "BAD_REQUEST", "key must be header:NAME or claim:NAME")
        async with self.db.write() as tx:
            _, row = await self._lock_variant(tx, graph, variant)
            target = await self._composition(
                tx, "c.variant_id = $1 AND c.number = $2", row["id"], number
            )
            if target is None or not target.valid:
                raise RegistryError(
                    404, "NOT_FOUND", f"no valid composition {number} in {graph}@{variant}"
                )
            if row["current_composition_id"] is None:
                raise RegistryError(409, "NO_SUPERGRAPH", "a canary needs a current composition")
            await tx.execute(
                "UPDATE variants SET canary_composition_id = $1, canary_percent = $2,"
                " canary_allow = $3, canary_deny = $4, canary_key = $5 WHERE id = $6",
                target.id,
                percent,
                _json(allow),
                _json(deny),
                key,
                row["id"],
            )
            await self._event(
                tx,
                actor,
                "canary",
                graph,
                variant,
                {
                    "composition": number,
                    "percent": percent,
                    "allow": allow,
                    "deny": deny,
                    "key": key,
                },
            )
        return await self.served(graph, variant)

    async def end_canary(self, graph: str, variant: str, *, promote: bool, actor: str) -> Served:
        """The kill switch (every gateway drops the canary at its next poll), or, with
        ``promote``, the canary becomes the current composition for everyone."""
        async with self.db.write() as tx:
            _, row = await self._lock_variant(tx, graph, variant)
            canary = row["canary_composition_id"]
            if canary is None:
                raise RegistryError(404, "NOT_FOUND", f"{graph}@{variant} has no canary")
            update = "canary_composition_id = NULL, canary_percent = 0"
            if promote:
                update += ", current_composition_id = canary_composition_id"
            await tx.execute(f"UPDATE variants SET {update} WHERE id = $1", row["id"])
            number = await tx.fetchval("SELECT number FROM compositions WHERE id = $1", canary)
            await self._event(
                tx,
                actor,
                "canary_promoted" if promote else "canary_killed",
                graph,
                variant,
                {"composition": number},
            )
        return await self.served(graph, variant)

    # -- history --------------------------------------------------------------------------

    async def history(
        self, graph: str, variant: str, *, limit: int = 50, before: int | None = None
    ) -> dict[str, Any]:
        """Compositions (newest first, without SDL) and the variant's events."""
        async with self.db.read() as db:
            row = await self._variant(db, graph, variant)
            where = "c.variant_id = $1" + (" AND c.number < $2" if before is not None else "")
            args: list[Any] = [row["id"]] + ([before] if before is not None else [])
            rows = await db.fetch(
                f"SELECT c.*, ${len(args) + 1} AS variant, ${len(args) + 2} AS graph"
                f" FROM compositions c WHERE {where}"
                f" ORDER BY c.number DESC LIMIT {max(1, min(limit, 500))}",
                *args,
                variant,
                graph,
            )
            events = await db.fetch(
                "SELECT id, at, actor, kind, detail FROM events WHERE graph = $1 AND variant = $2"
                " ORDER BY id DESC LIMIT $3",
                graph,
                variant,
                max(1, min(limit, 500)) * 2,
            )
        compositions = [_composition(r) for r in rows]
        current = row["current_composition_id"]
        return {
            "graph": graph,
            "variant": variant,
            "current": next((c.number for c in compositions if c.id == current), None),
            "compositions": [c.to_json(sdl=False) for c in compositions],
            "events": [{**e, "detail": orjson.loads(e["detail"])} for e in events],
        }

    async def subgraph_versions(self, graph: str, subgraph: str) -> list[dict[str, Any]]:
        async with self.db.read() as db:
            rows = await db.fetch(
                "SELECT s.version, s.sha256, s.routing_url, s.published_at, s.published_by"
                " FROM schema_versions s JOIN graphs g ON g.id = s.graph_id"
                " WHERE g.name = $1 AND s.subgraph = $2 ORDER BY s.id DESC",
                graph,
                subgraph,
            )
        return rows

    async def subgraph_sdl(self, graph: str, subgraph: str, version: str) -> str:
        async with self.db.read() as db:
            sdl = await db.fetchval(
                "SELECT s.sdl FROM schema_versions s JOIN graphs g ON g.id = s.graph_id"
                " WHERE g.name = $1 AND s.subgraph = $2 AND s.version = $3",
                graph,
                subgraph,
                version,
            )
        if sdl is None:
            raise RegistryError(404, "NOT_FOUND", f"no version {version!r} of {subgraph!r}")
        return str(sdl)

    async def events(self, graph: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        async with self.db.read() as db:
            if graph is None:
                rows = await db.fetch("SELECT * FROM events ORDER BY id DESC LIMIT $1", limit)
            else:
                rows = await db.fetch(
                    "SELECT * FROM events WHERE graph = $1 ORDER BY id DESC LIMIT $2", graph, limit
                )
        return [{**e, "detail": orjson.loads(e["detail"])} for e in rows]

    # -- usage and persisted operations ---------------------------------------------------

    async def add_usage(self, graph: str, variant: str, report: dict[str, Any]) -> None:
        """Merge a gateway's report into its day's (the day its period ended, UTC)."""
        from hansa.registry.checks.usage import merge_reports

        day = str(report.get("to") or now())[:10]
        async with self.db.write() as tx:
            await tx.execute(
                "INSERT INTO usage_days (graph, variant, day, updated_at, report)"
                " VALUES ($1, $2, $3, $4, 'null') ON CONFLICT (graph, variant, day) DO NOTHING",
                graph,
                variant,
                day,
                now(),
            )
            stored = await tx.fetchval(
                "SELECT report FROM usage_days WHERE graph = $1 AND variant = $2 AND day = $3"
                + self.db.for_update,
                graph,
                variant,
                day,
            )
            merged = merge_reports(orjson.loads(stored), report)
            await tx.execute(
                "UPDATE usage_days SET report = $1, updated_at = $2"
                " WHERE graph = $3 AND variant = $4 AND day = $5",
                _json(merged),
                now(),
                graph,
                variant,
                day,
            )

    async def usage_reports(self, graph: str, variant: str, days: int) -> list[dict[str, Any]]:
        """One merged report per day of the last ``days``, oldest first."""
        since = (datetime.now(UTC) - timedelta(days=days)).date().isoformat()
        async with self.db.read() as db:
            rows = await db.fetch(
                "SELECT report FROM usage_days WHERE graph = $1 AND variant = $2 AND day >= $3"
                " ORDER BY day",
                graph,
                variant,
                since,
            )
        return [orjson.loads(r["report"]) for r in rows]

    async def put_persisted_operations(
        self, graph: str, client: str, operations: dict[str, str], *, actor: str
    ) -> int:
        _check_name("client", client)
        stamp = now()
        async with self.db.write() as tx:
            await tx.execute(
                "DELETE FROM persisted_operations WHERE graph = $1 AND client = $2", graph, client
            )
            for operation_id, body in operations.items():
                await tx.execute(
                    "INSERT INTO persisted_operations (graph, client, operation_id, body,"
                    " published_at) VALUES ($1, $2, $3, $4, $5)",
                    graph,
                    client,
                    operation_id,
                    body,
                    stamp,
                )
            await self._event(
                tx,
                actor,
                "persisted_operations",
                graph,
                None,
                {"client": client, "operations": len(operations)},
            )
        return len(operations)

    async def persisted_operations(self, graph: str, client: str | None = None) -> dict[str, Any]:
        """The graph's manifest (Apollo's persisted query list format), one client's or all."""
        async with self.db.read() as db:
            if client is None:
                rows = await db.fetch(
                    "SELECT client, operation_id, body FROM persisted_operations WHERE graph = $1"
                    " ORDER BY client, operation_id",
                    graph,
                )
            else:
                rows = await db.fetch(
                    "SELECT client, operation_id, body FROM persisted_operations WHERE graph = $1"
                    " AND client = $2 ORDER BY operation_id",
                    graph,
                    client,
                )
        return {
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [
                {"id": r["operation_id"], "body": r["body"], "clientName": r["client"]}
                for r in rows
            ],
        }

    # -- the event log --------------------------------------------------------------------

    async def _event(
        self,
        tx: Connection,
        actor: str,
        kind: str,
        graph: str,
        variant: str | None,
        detail: dict[str, Any],
    ) -> None:
        await tx.execute(
            "INSERT INTO events (at, actor, kind, graph, variant, detail)"
            " VALUES ($1, $2, $3, $4, $5, $6)",
            now(),
            actor,
            kind,
            graph,
            variant,
            _json(detail),
        )


def _composition(row: Row) -> Composition:
    return Composition(
        id=row["id"],
        graph=row["graph"],
        variant=row["variant"],
        number=row["number"],
        members={
            name: Member(m["version"], m["url"]) for name, m in orjson.loads(row["members"]).items()
        },
        supergraph_sdl=row["supergraph_sdl"],
        errors=orjson.loads(row["errors"]),
        hints=orjson.loads(row["hints"]),
        valid=bool(row["valid"]),
        forced=bool(row["forced"]),
        signature=row["signature"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        reason=row["reason"],
    )


def _check_name(what: str, value: str) -> None:
    if not value or len(value) > 128 or not all(c.isalnum() or c in "-_." for c in value):
        raise RegistryError(
            400, "BAD_REQUEST", f"a {what} name is 1-128 letters, digits, '-', '_' or '.'"
        )
