"""The registry's HTTP JSON API (``docs/registry.md``, ``/openapi.json``).

Every request but ``/health`` and ``/openapi.json`` carries ``Authorization: Bearer TOKEN``;
every refusal is ``{"error": {"code", "message", ...}}`` with a 4xx status, and nothing the
database or composition raises reaches a client as a traceback.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hansa.registry.checks.usage import Usage, UsageError
from hansa.registry.db import DatabaseError
from hansa.registry.service import RegistryService
from hansa.registry.store import RegistryError
from hansa.registry.tokens import Action, Token

log = logging.getLogger("hansa.registry")

MAX_BODY = 16 * 1024 * 1024  # a supergraph's subgraph SDL, a usage report, a manifest

Handler = Callable[[Request, Token], Awaitable[Response]]


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(body), status, headers=headers, media_type="application/json")


def refusal(status: int, code: str, message: str, **detail: Any) -> Response:
    return json_response({"error": {"code": code, "message": message, **detail}}, status)


async def body_of(request: Request) -> dict[str, Any]:
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise RegistryError(413, "PAYLOAD_TOO_LARGE", f"bodies are limited to {MAX_BODY} bytes")
    try:
        body = orjson.loads(raw or b"{}")
    except orjson.JSONDecodeError as error:
        raise RegistryError(400, "BAD_REQUEST", f"the body is not JSON: {error}") from None
    if not isinstance(body, dict):
        raise RegistryError(400, "BAD_REQUEST", "the body must be a JSON object")
    return body


def field(body: dict[str, Any], name: str, kind: type, default: Any = ...) -> Any:
    """``body[name]`` checked against ``kind``; a readable 400 otherwise."""
    if name not in body or body[name] is None:
        if default is ...:
            raise RegistryError(400, "BAD_REQUEST", f"'{name}' is required")
        return default
    value = body[name]
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise RegistryError(400, "BAD_REQUEST", f"'{name}' must be a {kind.__name__}")
    return value


def strings(body: dict[str, Any], name: str) -> list[str]:
    values = field(body, name, list, [])
    if not all(isinstance(v, str) for v in values):
        raise RegistryError(400, "BAD_REQUEST", f"'{name}' must be a list of strings")
    return list(values)


def bearer(request: Request) -> str | None:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


class Api:
    """Routes of the JSON API over one ``RegistryService``, bound once it is open (in the
    app's lifespan)."""

    def __init__(self, service: RegistryService | None = None) -> None:
        self._service = service

    def bind(self, service: RegistryService) -> None:
        self._service = service

    @property
    def service(self) -> RegistryService:
        if self._service is None:
            raise RegistryError(503, "STARTING", "the registry is starting")
        return self._service

    def guard(self, action: Action, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Authenticate, check the token may do ``action`` on the path's graph, variant and
        subgraph, run ``handler``, and turn refusals into coded answers."""

        async def endpoint(request: Request) -> Response:
            try:
                secret = bearer(request) or request.cookies.get("hansa_registry_token")
                if secret is None:
                    return refusal(401, "UNAUTHENTICATED", "send Authorization: Bearer TOKEN")
                token = await self.service.registry.authenticate(secret)
                if token is None:
                    return refusal(401, "UNAUTHENTICATED", "unknown or revoked token")
                p = request.path_params
                if not token.allows(action, p.get("graph"), p.get("variant"), p.get("subgraph")):
                    return refusal(
                        403,
                        "FORBIDDEN",
                        f"token {token.name!r} ({token.role}) may not {action} here",
                    )
                return await handler(request, token)
            except RegistryError as error:
                return refusal(error.status, error.code, error.message, **error.detail)
            except DatabaseError as error:
                log.error("database error: %s", error)
                return refusal(503, "DATABASE_UNAVAILABLE", "the registry's database failed")
            except Exception:
                log.exception("unexpected error in %s %s", request.method, request.url.path)
                return refusal(500, "INTERNAL_SERVER_ERROR", "unexpected error (see the log)")

        return endpoint

    def table(self) -> list[tuple[str, str, Action, Handler]]:
        """Every endpoint: method, path, the role it needs, handler (whose docstring is its
        summary in ``/openapi.json``)."""
        g, v = "/graphs/{graph}", "/graphs/{graph}/variants/{variant}"
        return [
            ("GET", "/graphs", "read", self.list_graphs),
            ("GET", "/tokens", "admin", self.list_tokens),
            ("POST", "/tokens", "admin", self.create_token),
            ("DELETE", "/tokens/{name}", "admin", self.revoke_token),
            ("GET", "/events", "admin", self.events),
            ("GET", "/signing-key", "read", self.signing_key),
            ("POST", f"{v}/subgraphs/{{subgraph}}/versions", "publish", self.publish),
            ("DELETE", f"{v}/subgraphs/{{subgraph}}", "publish", self.remove_subgraph),
            ("POST", f"{v}/check", "publish", self.check),
            ("POST", f"{g}/compose", "read", self.compose),
            ("GET", f"{v}/supergraph", "read", self.supergraph),
            ("GET", f"{v}/supergraph.graphql", "read", self.supergraph_sdl),
            ("GET", f"{v}/compositions/{{number:int}}", "read", self.composition),
            ("GET", f"{v}/history", "read", self.history),
            ("GET", f"{v}/diff", "read", self.diff),
            ("POST", f"{v}/rollback", "admin", self.rollback),
            ("POST", f"{v}/promote", "admin", self.promote),
            ("PUT", f"{v}/canary", "admin", self.set_canary),
            ("DELETE", f"{v}/canary", "admin", self.kill_canary),
            ("POST", f"{v}/canary/promote", "admin", self.promote_canary),
            ("POST", f"{v}/usage", "read", self.usage),
            ("GET", f"{v}/usage", "read", self.usage_reports),
            ("GET", f"{v}/deprecations", "read", self.deprecations),
            ("GET", f"{g}/subgraphs/{{subgraph}}/versions", "read", self.versions),
            ("GET", f"{g}/subgraphs/{{subgraph}}/versions/{{version}}", "read", self.version_sdl),
            ("GET", f"{g}/subgraphs/{{subgraph}}/diff", "read", self.subgraph_diff),
            ("PUT", f"{g}/clients/{{client}}/persisted-operations", "publish", self.put_manifest),
            ("GET", f"{g}/persisted-operations", "read", self.manifest),
        ]

    def routes(self) -> list[Route]:
        return [
            Route(path, self.guard(action, handler), methods=[method])
            for method, path, action, handler in self.table()
        ]

    # -- handlers -------------------------------------------------------------------------

    async def list_graphs(self, request: Request, token: Token) -> Response:
        """Graphs and their variants, with the composition each serves."""
        graphs = await self.service.registry.graphs()
        return json_response({"graphs": [x for x in graphs if token.allows("read", x["name"])]})

    async def list_tokens(self, request: Request, token: Token) -> Response:
        """Tokens (names, roles, scopes; never secrets)."""
        return json_response({"tokens": await self.service.registry.tokens()})

    async def create_token(self, request: Request, token: Token) -> Response:
        """Create a token; its secret is in this answer only."""
        body = await body_of(request)
        secret = await self.service.registry.create_token(
            field(body, "name", str),
            field(body, "role", str),
            graph=field(body, "graph", str, None),
            variant=field(body, "variant", str, None),
            subgraph=field(body, "subgraph", str, None),
            actor=token.name,
        )
        return json_response({"name": body["name"], "token": secret}, 201)

    async def revoke_token(self, request: Request, token: Token) -> Response:
        """Revoke a token."""
        await self.service.registry.revoke_token(request.path_params["name"], token.name)
        return json_response({"revoked": request.path_params["name"]})

    async def events(self, request: Request, token: Token) -> Response:
        """The event log, newest first."""
        graph = request.query_params.get("graph")
        limit = _int(request.query_params.get("limit"), 100)
        return json_response({"events": await self.service.registry.events(graph, limit)})

    async def signing_key(self, request: Request, token: Token) -> Response:
        """The Ed25519 public key gateways verify supergraphs with."""
        return json_response({"algorithm": "ed25519", "public_key": self.service.public_key})

    async def publish(self, request: Request, token: Token) -> Response:
        """Publish a subgraph version; 201 with the new composition, 422 with the errors."""
        p, body = request.path_params, await body_of(request)
        outcome = await self.service.publish(
            p["graph"],
            p["variant"],
            p["subgraph"],
            field(body, "version", str),
            field(body, "url", str),
            field(body, "sdl", str),
            force=field(body, "force", bool, False),
            actor=token.name,
        )
        if outcome.composition is None:
            return refusal(
                422,
                "COMPOSITION_FAILED",
                f"{p['graph']}@{p['variant']} would not compose with {p['subgraph']}"
                f"@{body['version']}; nothing changed (publish with force to record it anyway)",
                errors=outcome.errors,
                hints=outcome.hints,
            )
        return json_response(
            {"created": outcome.created, "composition": outcome.composition.to_json(sdl=False)},
            201 if outcome.created else 200,
        )

    async def remove_subgraph(self, request: Request, token: Token) -> Response:
        """Compose the variant without this subgraph."""
        p = request.path_params
        outcome = await self.service.remove_subgraph(
            p["graph"], p["variant"], p["subgraph"], actor=token.name
        )
        if outcome.composition is None:
            return refusal(
                422,
                "COMPOSITION_FAILED",
                "the variant would not compose without it",
                errors=outcome.errors,
            )
        return json_response({"composition": outcome.composition.to_json(sdl=False)})

    async def check(self, request: Request, token: Token) -> Response:
        """Check a proposed subgraph schema: composition, changes weighed by usage, plan regressions."""
        p, body = request.path_params, await body_of(request)
        report = await self.service.check(
            p["graph"],
            p["variant"],
            field(body, "subgraph", str),
            field(body, "sdl", str),
            url=field(body, "url", str, None),
            usage_days=field(body, "usage_days", int, None),
            exclude_clients=strings(body, "exclude_clients") or None,
            threshold=field(body, "threshold", int, None),
            usage_reports=field(body, "usage_reports", list, None),
        )
        return json_response(report)

    async def compose(self, request: Request, token: Token) -> Response:
        """The supergraph of exactly these versions, or the last valid one, saying which."""
        body = await body_of(request)
        services = field(body, "services", list)
        pairs = []
        for entry in services:
            if not isinstance(entry, dict):
                raise RegistryError(400, "BAD_REQUEST", "services are {name, version} objects")
            pairs.append((field(entry, "name", str), field(entry, "version", str)))
        answer = await self.service.registry.compose_versions(
            request.path_params["graph"], pairs, field(body, "variant", str, None)
        )
        return json_response(answer)

    async def supergraph(self, request: Request, token: Token) -> Response:
        """What gateways serve (current and canary); ETag and If-None-Match."""
        p = request.path_params
        served = await self.service.registry.served(p["graph"], p["variant"])
        headers = {"etag": served.etag, "cache-control": "no-cache"}
        if served.etag in _etags(request.headers.get("if-none-match")):
            return Response(status_code=304, headers=headers)
        return json_response(served.to_json(), headers=headers)

    async def supergraph_sdl(self, request: Request, token: Token) -> Response:
        """The current supergraph SDL as text."""
        p = request.path_params
        served = await self.service.registry.served(p["graph"], p["variant"])
        return Response(
            served.current.supergraph_sdl or "",
            media_type="text/plain; charset=utf-8",
            headers={"etag": served.etag},
        )

    async def composition(self, request: Request, token: Token) -> Response:
        """One composition, with its supergraph, errors and hints."""
        p = request.path_params
        found = await self.service.registry.composition(p["graph"], p["variant"], p["number"])
        return json_response(found.to_json())

    async def history(self, request: Request, token: Token) -> Response:
        """Compositions and events of the variant, newest first."""
        p, q = request.path_params, request.query_params
        before = q.get("before")
        answer = await self.service.registry.history(
            p["graph"],
            p["variant"],
            limit=_int(q.get("limit"), 50),
            before=None if before is None else _int(before, 0),
        )
        return json_response(answer)

    async def diff(self, request: Request, token: Token) -> Response:
        """Changes between two compositions, classified, and the schema text diff."""
        p, q = request.path_params, request.query_params
        answer = await self.service.diff(
            p["graph"], p["variant"], _opt_int(q.get("from")), _opt_int(q.get("to"))
        )
        return json_response(answer)

    async def rollback(self, request: Request, token: Token) -> Response:
        """Serve an earlier composition again (as a new composition)."""
        p, body = request.path_params, await body_of(request)
        composition = await self.service.rollback(
            p["graph"], p["variant"], field(body, "to", int), actor=token.name
        )
        return json_response({"composition": composition.to_json(sdl=False)})

    async def promote(self, request: Request, token: Token) -> Response:
        """Serve a composition of another variant in this one."""
        p, body = request.path_params, await body_of(request)
        composition = await self.service.promote(
            p["graph"],
            field(body, "from_variant", str),
            p["variant"],
            field(body, "composition", int, None),
            actor=token.name,
        )
        return json_response({"composition": composition.to_json(sdl=False)})

    async def set_canary(self, request: Request, token: Token) -> Response:
        """Serve a composition to a share of clients chosen by a stable key."""
        p, body = request.path_params, await body_of(request)
        served = await self.service.set_canary(
            p["graph"],
            p["variant"],
            field(body, "composition", int),
            field(body, "percent", int),
            allow=strings(body, "allow"),
            deny=strings(body, "deny"),
            key=field(body, "key", str, "header:x-hansa-canary-key"),
            actor=token.name,
        )
        return json_response(served.to_json(sdl=False))

    async def kill_canary(self, request: Request, token: Token) -> Response:
        """The kill switch: every gateway drops the canary at its next poll."""
        p = request.path_params
        served = await self.service.end_canary(
            p["graph"], p["variant"], promote=False, actor=token.name
        )
        return json_response(served.to_json(sdl=False))

    async def promote_canary(self, request: Request, token: Token) -> Response:
        """The canary becomes the current composition for every client."""
        p = request.path_params
        served = await self.service.end_canary(
            p["graph"], p["variant"], promote=True, actor=token.name
        )
        return json_response(served.to_json(sdl=False))

    async def usage(self, request: Request, token: Token) -> Response:
        """A gateway usage report (hansa.plugins.usage format)."""
        p, body = request.path_params, await body_of(request)
        if not isinstance(body.get("operations"), list):
            raise RegistryError(400, "BAD_REQUEST", "a usage report has an 'operations' list")
        try:  # read as a check would: a report that cannot be read is refused, not stored
            Usage.from_reports([body])
        except UsageError as error:
            raise RegistryError(400, "BAD_REQUEST", f"unreadable usage report: {error}") from None
        await self.service.registry.add_usage(p["graph"], p["variant"], body)
        return json_response({"accepted": True}, 202)

    async def usage_reports(self, request: Request, token: Token) -> Response:
        """The variant's usage reports of the last ?days= (30), oldest first."""
        p = request.path_params
        days = _int(request.query_params.get("days"), 30)
        reports = await self.service.registry.usage_reports(p["graph"], p["variant"], days)
        return json_response({"reports": reports})

    async def deprecations(self, request: Request, token: Token) -> Response:
        """Deprecated fields, their use per client, and whether they can go."""
        p, q = request.path_params, request.query_params
        answer = await self.service.deprecations(p["graph"], p["variant"], _opt_int(q.get("days")))
        return json_response(answer)

    async def versions(self, request: Request, token: Token) -> Response:
        """Versions of a subgraph, newest first."""
        p = request.path_params
        rows = await self.service.registry.subgraph_versions(p["graph"], p["subgraph"])
        return json_response({"subgraph": p["subgraph"], "versions": rows})

    async def version_sdl(self, request: Request, token: Token) -> Response:
        """One version's SDL as text."""
        p = request.path_params
        sdl = await self.service.registry.subgraph_sdl(p["graph"], p["subgraph"], p["version"])
        return Response(sdl, media_type="text/plain; charset=utf-8")

    async def subgraph_diff(self, request: Request, token: Token) -> Response:
        """Text diff between two versions of a subgraph."""
        p, q = request.path_params, request.query_params
        if "from" not in q or "to" not in q:
            raise RegistryError(400, "BAD_REQUEST", "give ?from=VERSION&to=VERSION")
        answer = await self.service.subgraph_diff(p["graph"], p["subgraph"], q["from"], q["to"])
        return json_response(answer)

    async def put_manifest(self, request: Request, token: Token) -> Response:
        """Replace a client's persisted operations (Apollo's manifest format)."""
        p, body = request.path_params, await body_of(request)
        operations = field(body, "operations", list)
        found: dict[str, str] = {}
        for op in operations:
            if not isinstance(op, dict):
                raise RegistryError(400, "BAD_REQUEST", "operations are {id, body} objects")
            found[field(op, "id", str)] = field(op, "body", str)
        count = await self.service.registry.put_persisted_operations(
            p["graph"], p["client"], found, actor=token.name
        )
        return json_response({"client": p["client"], "operations": count})

    async def manifest(self, request: Request, token: Token) -> Response:
        """Persisted operations (all clients, or ?client=)."""
        manifest = await self.service.registry.persisted_operations(
            request.path_params["graph"], request.query_params.get("client")
        )
        body = orjson.dumps(manifest)
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if etag in _etags(request.headers.get("if-none-match")):
            return Response(status_code=304, headers={"etag": etag})
        return Response(body, media_type="application/json", headers={"etag": etag})


def _etags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {tag.strip().removeprefix("W/") for tag in header.split(",")}


def _int(value: str | None, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise RegistryError(400, "BAD_REQUEST", f"{value!r} is not a number") from None


def _opt_int(value: str | None) -> int | None:
    return None if value is None else _int(value, 0)
