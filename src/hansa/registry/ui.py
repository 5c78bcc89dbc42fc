"""The registry's web UI: server-rendered HTML pages over the same ``RegistryService`` as the
JSON API, with one stylesheet (``static/registry.css``) and no script at all.

Pages (``ui_routes`` mounts them; ``/`` is the home):

- ``/ui/login`` (form; sets the ``hansa_registry_token`` cookie the JSON API accepts too),
  ``/ui/logout``;
- ``/`` graphs and variants;
- ``/ui/graphs/{graph}/variants/{variant}`` the variant: its composition, members, canary;
  ``.../schema`` the API schema, one section per type; ``.../history`` compositions, newest
  first; ``.../diff?from=N&to=M`` classified changes and a side-by-side diff;
  ``.../compositions/{n}`` one composition; ``.../checks`` the event log and a check of pasted
  SDL; ``.../deprecations`` deprecated coordinates and their usage;
- ``/ui/graphs/{graph}/subgraphs/{subgraph}`` versions of a subgraph, ``.../versions/{v}`` one
  version's SDL, ``.../diff?from=A&to=B`` the diff between two versions.

Every page needs a token allowed to ``read`` the graph and variant (as the API's guard decides),
the check form one allowed to ``publish``; every value shown is HTML-escaped; every refusal or
failure is a page with its status, never a traceback. Forms post form-encoded bodies, refused
when their ``Origin`` is another site's; the cookie is ``HttpOnly`` and ``SameSite=Strict``.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_specified_scalar_type,
    print_ast,
    print_schema,
)
from graphql.utilities import get_default_value_ast
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from hansa.registry.api import MAX_BODY, Api, bearer
from hansa.registry.db import DatabaseError
from hansa.registry.service import RegistryService
from hansa.registry.store import Composition, RegistryError, Served
from hansa.registry.tokens import Action, Token
from hansa.supergraph import read_supergraph

log = logging.getLogger("hansa.registry.ui")

COOKIE = "hansa_registry_token"
CHALLENGE = 'Bearer realm="hansa-registry"'  # a 401's WWW-Authenticate (browsers prompt for none)
STATIC = Path(__file__).parent / "static"
STYLESHEET = "/ui/static/registry.css"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}
REASONS = {
    400: "Bad request",
    401: "Log in",
    403: "Forbidden",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    415: "Unsupported form",
    422: "Refused",
    500: "Something went wrong",
    503: "Unavailable",
}
TABS = (
    ("overview", "Overview", ""),
    ("schema", "Schema", "/schema"),
    ("history", "History", "/history"),
    ("checks", "Checks", "/checks"),
    ("deprecations", "Deprecations", "/deprecations"),
)
HISTORY_PAGE = 50

Handler = Callable[[Request, Token], Awaitable[Response]]


# -- escaping and links ---------------------------------------------------------------------


def e(value: object) -> str:
    """``value`` as HTML text (attribute-safe too)."""
    return html.escape(str(value), quote=True)


def path(*segments: str) -> str:
    """``/ui/...`` with each segment percent-encoded (a segment never adds a ``/``)."""
    return "/ui/" + "/".join(quote(s, safe="") for s in segments)


def variant_path(graph: str, variant: str, *rest: str) -> str:
    return path("graphs", graph, "variants", variant, *rest)


def subgraph_path(graph: str, subgraph: str, *rest: str) -> str:
    return path("graphs", graph, "subgraphs", subgraph, *rest)


def with_query(url: str, **params: object) -> str:
    given = {k: str(v) for k, v in params.items() if v is not None}
    return f"{url}?{urlencode(given)}" if given else url


def a(href: str, text: object, cls: str | None = None) -> str:
    attr = f' class="{e(cls)}"' if cls else ""
    return f'<a href="{e(href)}"{attr}>{e(text)}</a>'


def badge(text: str, kind: str) -> str:
    return f'<span class="badge {e(kind)}">{e(text)}</span>'


def when(stamp: object) -> str:
    """An ISO timestamp shown as ``YYYY-MM-DD HH:MM:SS UTC`` (the full value on hover)."""
    if not isinstance(stamp, str) or not stamp:
        return '<span class="muted">—</span>'
    shown = stamp[:19].replace("T", " ")
    if stamp.endswith(("+00:00", "Z")):
        shown += " UTC"
    return f'<time datetime="{e(stamp)}" title="{e(stamp)}">{e(shown)}</time>'


def value(item: object) -> str:
    """Any JSON value, escaped and readable: what a page shows of keys it does not know."""
    if item is None:
        return '<span class="muted">—</span>'
    if isinstance(item, bool):
        return "yes" if item else "no"
    if isinstance(item, dict):
        if not item:
            return '<span class="muted">—</span>'
        return "<br>".join(f"<code>{e(k)}</code>: {value(v)}" for k, v in item.items())
    if isinstance(item, list | tuple):
        if not item:
            return '<span class="muted">—</span>'
        return ", ".join(value(v) for v in item)
    return e(item)


def problems(items: object) -> str:
    """Composition errors or hints (``{code, message, locations?}``) as a list."""
    if not isinstance(items, list) or not items:
        return '<p class="muted">None.</p>'
    rows = []
    for item in items:
        if not isinstance(item, dict):
            rows.append(f"<li>{value(item)}</li>")
            continue
        where = ""
        locations = item.get("locations")
        if isinstance(locations, list) and locations:
            places = [
                ":".join(
                    str(loc[k]) for k in ("subgraph", "line", "column") if loc.get(k) is not None
                )
                for loc in locations
                if isinstance(loc, dict)
            ]
            where = f' <span class="muted">({e(", ".join(places))})</span>'
        rows.append(
            f"<li><code>{e(item.get('code', ''))}</code> {e(item.get('message', ''))}{where}</li>"
        )
    return f'<ul class="problems">{"".join(rows)}</ul>'


# -- pages ----------------------------------------------------------------------------------


def page(
    title: str,
    body: str,
    *,
    token: Token | None = None,
    graph: str | None = None,
    variant: str | None = None,
    tab: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """A whole page: the top bar (where you are, who you are, log out), the variant's tabs,
    then ``body`` (already escaped)."""
    crumbs = ""
    if graph is not None:
        crumbs = (
            e(graph)
            if variant is None
            else e(graph) + " &rsaquo; " + a(variant_path(graph, variant), variant)
        )
    who = ""
    if token is not None:
        who = (
            f'<span class="who">{e(token.name)} ({e(token.role)})</span>'
            '<form method="post" action="/ui/logout"><button type="submit">Log out</button></form>'
        )
    tabs = ""
    if graph is not None and variant is not None and token is not None:
        links = "".join(
            a(variant_path(graph, variant) + suffix, label, "here" if key == tab else None)
            for key, label, suffix in TABS
        )
        tabs = f'<nav class="tabs">{links}</nav>'
    document = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)} · Hansa registry</title>"
        f'<link rel="stylesheet" href="{STYLESHEET}"></head><body>'
        f'<header class="top"><a class="brand" href="/">Hansa registry</a>'
        f'<span class="crumbs">{crumbs}</span>{who}</header>{tabs}'
        f"<main>{body}</main></body></html>"
    )
    return HTMLResponse(document, status, headers=SECURITY_HEADERS)


def error_page(
    status: int, message: str, *, code: str | None = None, token: Token | None = None
) -> HTMLResponse:
    heading = REASONS.get(status, "Error")
    detail = f' <span class="muted">({e(code)})</span>' if code else ""
    body = (
        f"<h1>{e(status)} · {e(heading)}</h1>"
        f'<div class="notice error"><p>{e(message)}{detail}</p></div>'
        f"<p>{a('/', 'Back to the graphs')}</p>"
    )
    return page(heading, body, token=token, status=status)


def login_form(message: str | None = None, next_path: str = "/") -> str:
    notice = f'<div class="notice error"><p>{e(message)}</p></div>' if message else ""
    return (
        '<div class="login card"><h1>Log in</h1>'
        "<p>Paste a registry token (admin, publish or read). It is kept in an HttpOnly cookie"
        " until you log out.</p>"
        f"{notice}"
        '<form class="stack" method="post" action="/ui/login">'
        '<label>Token <input type="password" name="token" autocomplete="current-password"'
        " required autofocus></label>"
        f'<input type="hidden" name="next" value="{e(next_path)}">'
        '<button class="primary" type="submit">Log in</button></form></div>'
    )


def safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 0x21 or ord(c) == 0x7F for c in target)  # browsers drop tabs, newlines
    ):
        return "/"
    return target


def same_origin(request: Request) -> bool:
    """False for a form posted from another site (an ``Origin`` that is not this host, or a
    browser saying ``Sec-Fetch-Site: cross-site``)."""
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("host", "")
    parts = urlsplit(origin)
    return bool(host) and parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


async def form_of(request: Request) -> dict[str, str]:
    """A form-encoded body (no ``python-multipart`` needed), size-limited."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise RegistryError(
            415, "UNSUPPORTED_MEDIA_TYPE", "forms are posted as application/x-www-form-urlencoded"
        )
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise RegistryError(413, "PAYLOAD_TOO_LARGE", f"forms are limited to {MAX_BODY} bytes")
    try:
        pairs = parse_qsl(
            raw.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=50
        )
    except ValueError as error:
        raise RegistryError(400, "BAD_REQUEST", f"the form could not be read: {error}") from None
    return dict(pairs)


def query_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise RegistryError(400, "BAD_REQUEST", f"{name}={raw!r} is not a number") from None


# -- the side-by-side diff ------------------------------------------------------------------

_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def side_by_side(lines: list[str], left: str, right: str) -> str:
    """Unified diff lines (``difflib.unified_diff``'s) as a two-column table: removed lines on
    the left, added ones on the right, a change paired on one row."""
    if not lines:
        return '<p class="muted">No differences in the schema text.</p>'
    rows: list[str] = []
    removed: list[tuple[int, str]] = []
    added: list[tuple[int, str]] = []
    old_no = new_no = 0
    in_hunk = False

    def cell(line: tuple[int, str] | None, kind: str) -> str:
        if line is None:
            return '<td class="num"></td><td class="empty"></td>'
        return f'<td class="num">{line[0]}</td><td class="{kind}">{e(line[1])}</td>'

    def flush() -> None:
        for i in range(max(len(removed), len(added))):
            old = removed[i] if i < len(removed) else None
            new = added[i] if i < len(added) else None
            strong = " strong" if old is None or new is None else ""
            rows.append(
                '<tr class="change">'
                + cell(old, "del" + strong)
                + cell(new, "add" + strong)
                + "</tr>"
            )
        removed.clear()
        added.clear()

    for line in lines:
        hunk = _HUNK.match(line)
        if hunk:
            flush()
            old_no, new_no, in_hunk = int(hunk[1]), int(hunk[2]), True
            rows.append(f'<tr class="hunk"><td colspan="4">{e(line)}</td></tr>')
        elif not in_hunk:
            continue  # the --- / +++ header
        elif line.startswith("-"):
            removed.append((old_no, line[1:]))
            old_no += 1
        elif line.startswith("+"):
            added.append((new_no, line[1:]))
            new_no += 1
        elif line.startswith("\\"):
            continue  # "\ No newline at end of file"
        else:
            flush()
            text = line[1:] if line.startswith(" ") else line
            rows.append(
                f'<tr class="same">{cell((old_no, text), "same")}{cell((new_no, text), "same")}</tr>'
            )
            old_no += 1
            new_no += 1
    flush()
    return (
        '<table class="diff"><colgroup><col class="num"><col><col class="num"><col></colgroup>'
        f'<thead><tr><th colspan="2">{e(left)}</th><th colspan="2">{e(right)}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def changes_table(changes: object) -> str:
    """Classified changes (``Change.to_json()``), breaking first."""
    if not isinstance(changes, list) or not changes:
        return '<p class="muted">No changes for clients.</p>'
    order = {"breaking": 0, "dangerous": 1, "safe": 2}
    entries = [c for c in changes if isinstance(c, dict)]
    entries.sort(key=lambda c: order.get(str(c.get("severity")), 3))
    counts: dict[str, int] = {}
    for change in entries:
        counts[str(change.get("severity"))] = counts.get(str(change.get("severity")), 0) + 1
    summary = " ".join(badge(f"{n} {severity}", severity) for severity, n in counts.items())
    rows = []
    for change in entries:
        severity = str(change.get("severity", ""))
        note = ""
        if change.get("downgraded"):
            note = f'<br><span class="muted">downgraded: {e(change["downgraded"])}</span>'
        rows.append(
            f'<tr class="{e(severity)}"><td>{badge(severity, severity)}</td>'
            f"<td><code>{e(change.get('code', ''))}</code></td>"
            f"<td><code>{e(change.get('coordinate', ''))}</code></td>"
            f"<td>{e(change.get('message', ''))}{note}</td></tr>"
        )
    return (
        f"<p>{summary}</p>"
        '<table class="changes"><thead><tr><th>Severity</th><th>Code</th><th>Coordinate</th>'
        f"<th>Message</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


# -- the schema browser ---------------------------------------------------------------------

_KINDS: tuple[tuple[type, str], ...] = (
    (GraphQLObjectType, "type"),
    (GraphQLInterfaceType, "interface"),
    (GraphQLUnionType, "union"),
    (GraphQLEnumType, "enum"),
    (GraphQLInputObjectType, "input"),
    (GraphQLScalarType, "scalar"),
)


_DEPRECATED = ' class="deprecated"'


def kind_of(named: GraphQLNamedType) -> str:
    return next((name for cls, name in _KINDS if isinstance(named, cls)), "type")


def type_ref(type_: Any, shown: set[str]) -> str:
    """``[User!]!`` with ``User`` linked to its section when the page has one."""
    text, named = str(type_), get_named_type(type_).name
    before, _, after = text.partition(named)
    inner = a(f"#type-{named}", named) if named in shown else e(named)
    return f"<code>{e(before)}{inner}{e(after)}</code>"


def default_of(arg: GraphQLArgument | GraphQLInputField) -> str:
    node = get_default_value_ast(arg)
    return "" if node is None else f" = <code>{e(print_ast(node))}</code>"


def deprecation(reason: str | None) -> str:
    if reason is None:
        return ""
    return f' {badge("deprecated", "warn")} <span class="muted">{e(reason)}</span>'


def description(text: str | None) -> str:
    return f'<div class="desc">{e(text)}</div>' if text else ""


def field_item(
    owner: str, name: str, item: GraphQLField | GraphQLInputField, shown: set[str]
) -> str:
    reason = item.deprecation_reason
    args = ""
    if isinstance(item, GraphQLField) and item.args:
        parts = [
            f"{e(arg_name)}: {type_ref(arg.type, shown)}{default_of(arg)}"
            f"{deprecation(arg.deprecation_reason)}"
            for arg_name, arg in item.args.items()
        ]
        args = "(" + ", ".join(parts) + ")"
    default = default_of(item) if isinstance(item, GraphQLInputField) else ""
    cls = _DEPRECATED if reason is not None else ""
    return (
        f'<li id="field-{e(owner)}.{e(name)}"><code{cls}>{e(name)}</code>{args}: '
        f"{type_ref(item.type, shown)}{default}{deprecation(reason)}"
        f"{description(item.description)}</li>"
    )


def type_section(named: GraphQLNamedType, shown: set[str]) -> str:
    kind = kind_of(named)
    extra = ""
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) and named.interfaces:
        extra = " implements " + " &amp; ".join(type_ref(i, shown) for i in named.interfaces)
    items = ""
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        items = "".join(field_item(named.name, name, f, shown) for name, f in named.fields.items())
    elif isinstance(named, GraphQLUnionType):
        items = "".join(f"<li>{type_ref(t, shown)}</li>" for t in named.types)
    elif isinstance(named, GraphQLEnumType):
        items = "".join(
            f'<li id="field-{e(named.name)}.{e(name)}">'
            f"<code{_DEPRECATED if v.deprecation_reason is not None else ''}>"
            f"{e(name)}</code>{deprecation(v.deprecation_reason)}{description(v.description)}</li>"
            for name, v in named.values.items()
        )
    listing = f'<ul class="fields">{items}</ul>' if items else ""
    return (
        f'<section class="card type" id="type-{e(named.name)}">'
        f'<h3><span class="kind">{e(kind)}</span> {e(named.name)}{extra}</h3>'
        f"{description(named.description)}{listing}</section>"
    )


def schema_sections(schema: GraphQLSchema) -> tuple[str, int]:
    roots = [
        t.name for t in (schema.query_type, schema.mutation_type, schema.subscription_type) if t
    ]
    types = [
        t
        for name, t in schema.type_map.items()
        if not name.startswith("__") and not is_specified_scalar_type(t)
    ]
    types.sort(
        key=lambda t: (t.name not in roots, roots.index(t.name) if t.name in roots else 0, t.name)
    )
    shown = {t.name for t in types}
    toc = "".join(
        f'<li>{a(f"#type-{t.name}", t.name)} <span class="muted">{e(kind_of(t))}</span></li>'
        for t in types
    )
    body = f'<ul class="toc">{toc}</ul>' + "".join(type_section(t, shown) for t in types)
    return body, len(types)


# -- the UI ---------------------------------------------------------------------------------


class Ui:
    def __init__(self, api: Api) -> None:
        self.api = api

    @property
    def service(self) -> RegistryService:
        return self.api.service

    def routes(self) -> list[BaseRoute]:
        v = "/ui/graphs/{graph}/variants/{variant}"
        s = "/ui/graphs/{graph}/subgraphs/{subgraph}"
        return [
            Mount("/ui/static", app=StaticFiles(directory=STATIC), name="registry-ui-static"),
            Route("/", self.guarded("read", self.home), methods=["GET"]),
            Route("/ui/login", self.login_get, methods=["GET"]),
            Route("/ui/login", self.login_post, methods=["POST"]),
            Route("/ui/logout", self.logout, methods=["POST"]),
            Route(v, self.guarded("read", self.variant), methods=["GET"]),
            Route(f"{v}/schema", self.guarded("read", self.schema), methods=["GET"]),
            Route(f"{v}/history", self.guarded("read", self.history), methods=["GET"]),
            Route(f"{v}/diff", self.guarded("read", self.diff), methods=["GET"]),
            Route(
                f"{v}/compositions/{{number:int}}",
                self.guarded("read", self.composition),
                methods=["GET"],
            ),
            Route(f"{v}/checks", self.guarded("read", self.checks), methods=["GET", "POST"]),
            Route(f"{v}/deprecations", self.guarded("read", self.deprecations), methods=["GET"]),
            Route(s, self.guarded("read", self.subgraph), methods=["GET"]),
            Route(f"{s}/diff", self.guarded("read", self.subgraph_diff), methods=["GET"]),
            Route(
                f"{s}/versions/{{version:path}}",
                self.guarded("read", self.version),
                methods=["GET"],
            ),
            Route("/ui/{rest:path}", self.not_found, methods=["GET", "POST"]),
        ]

    # -- authentication -----------------------------------------------------------------

    async def token_of(self, request: Request) -> Token | None:
        secret = bearer(request) or request.cookies.get(COOKIE)
        if not secret:
            return None
        return await self.service.registry.authenticate(secret)

    def guarded(self, action: Action, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        """Authenticate (cookie or bearer), check the token may ``action`` on the path's
        graph, variant and subgraph as the API does, run ``handler``; refusals and failures
        become pages."""

        async def endpoint(request: Request) -> Response:
            token: Token | None = None
            try:
                if request.method == "POST" and not same_origin(request):
                    return error_page(403, "this form was posted from another site", code="CSRF")
                token = await self.token_of(request)
                if token is None:
                    return self.login_required(request)
                p = request.path_params
                if not token.allows(action, p.get("graph"), p.get("variant"), p.get("subgraph")):
                    return error_page(
                        403,
                        f"token {token.name!r} ({token.role}) may not {action} here",
                        code="FORBIDDEN",
                        token=token,
                    )
                return await handler(request, token)
            except RegistryError as error:
                return error_page(error.status, error.message, code=error.code, token=token)
            except DatabaseError as error:
                log.error("database error: %s", error)
                return error_page(503, "the registry's database failed", token=token)
            except Exception:
                log.exception("unexpected error in %s %s", request.method, request.url.path)
                return error_page(500, "unexpected error (see the registry's log)", token=token)

        return endpoint

    def login_required(self, request: Request) -> Response:
        given = request.cookies.get(COOKIE) or bearer(request)
        message = "That token is unknown or revoked." if given else None
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = page("Log in", login_form(message, safe_next(target)), status=401)
        response.headers["www-authenticate"] = CHALLENGE
        if request.cookies.get(COOKIE):
            response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response

    async def login_get(self, request: Request) -> Response:
        return page("Log in", login_form(None, safe_next(request.query_params.get("next"))))

    async def login_post(self, request: Request) -> Response:
        try:
            if not same_origin(request):
                return error_page(403, "this form was posted from another site", code="CSRF")
            form = await form_of(request)
            secret = form.get("token", "").strip()
            next_path = safe_next(form.get("next"))
            token = await self.service.registry.authenticate(secret) if secret else None
            if token is None:
                refused = page(
                    "Log in", login_form("That token is unknown or revoked.", next_path), status=401
                )
                refused.headers["www-authenticate"] = CHALLENGE
                return refused
            response = RedirectResponse(next_path, status_code=303)
            response.set_cookie(
                COOKIE,
                secret,
                httponly=True,
                samesite="strict",
                path="/",
                secure=request.url.scheme == "https",
            )
            return response
        except RegistryError as error:
            return error_page(error.status, error.message, code=error.code)
        except DatabaseError as error:
            log.error("database error: %s", error)
            return error_page(503, "the registry's database failed")
        except Exception:
            log.exception("unexpected error logging in")
            return error_page(500, "unexpected error (see the registry's log)")

    async def logout(self, request: Request) -> Response:
        if not same_origin(request):
            return error_page(403, "this form was posted from another site", code="CSRF")
        response = RedirectResponse("/ui/login", status_code=303)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response

    async def not_found(self, request: Request) -> Response:
        return error_page(404, f"there is no page {request.url.path}", code="NOT_FOUND")

    # -- pages --------------------------------------------------------------------------

    async def home(self, request: Request, token: Token) -> Response:
        graphs = await self.service.registry.graphs()
        rows = []
        for graph in graphs:
            g = graph["name"]
            for variant in graph["variants"]:
                v, current = variant["name"], variant["current"]
                if not token.allows("read", g, v):
                    continue
                number = (
                    a(variant_path(g, v, "compositions", str(current)), f"#{current}")
                    if current is not None
                    else '<span class="muted">none yet</span>'
                )
                canary = (
                    badge("canary", "warn") if variant["canary"] else '<span class="muted">—</span>'
                )
                rows.append(
                    f"<tr><td>{e(g)}</td><td>{a(variant_path(g, v), v)}</td>"
                    f"<td>{number}</td><td>{canary}</td></tr>"
                )
        if rows:
            listing = (
                '<table class="graphs"><thead><tr><th>Graph</th><th>Variant</th>'
                "<th>Composition</th><th>Canary</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>"
            )
        else:
            listing = (
                '<p class="muted">No graphs yet (or none this token may read). Publish a subgraph'
                " with <code>hansa registry publish</code> to create one.</p>"
            )
        return page(
            "Graphs", f'<h1>Graphs</h1><section class="card">{listing}</section>', token=token
        )

    async def served_or_none(self, graph: str, variant: str) -> Served | None:
        try:
            return await self.service.registry.served(graph, variant)
        except RegistryError as error:
            if error.code == "NO_SUPERGRAPH":
                return None
            raise

    async def variant(self, request: Request, token: Token) -> Response:
        g, v = request.path_params["graph"], request.path_params["variant"]
        served = await self.served_or_none(g, v)
        if served is None:
            body = (
                f"<h1>{e(g)} @ {e(v)}</h1>"
                '<div class="notice warn"><p>This variant has no valid composition yet; its '
                f"{a(variant_path(g, v, 'history'), 'history')} shows what was recorded.</p></div>"
            )
            return page(f"{g}@{v}", body, token=token, graph=g, variant=v, tab="overview")
        current = served.current
        parts = [
            f"<h1>{e(g)} @ {e(v)}</h1>",
            '<section class="card"><h2>Current composition</h2>',
            self.facts(current),
            "<h3>Members</h3>",
            self.members(g, current),
            "<p>"
            + " · ".join(
                [
                    a(variant_path(g, v, "schema"), "Browse the schema"),
                    a(variant_path(g, v, "history"), "History"),
                    a(variant_path(g, v, "checks"), "Checks and events"),
                    a(variant_path(g, v, "deprecations"), "Deprecations"),
                ]
            )
            + "</p></section>",
        ]
        canary = served.canary
        if canary is None:
            parts.append(
                '<section class="card"><h2>Canary</h2><p class="muted">No canary.</p></section>'
            )
        else:
            c = canary.composition
            number = a(variant_path(g, v, "compositions", str(c.number)), f"#{c.number}")
            compare = with_query(
                variant_path(g, v, "diff"), **{"from": current.number, "to": c.number}
            )
            parts.append(
                '<section class="card canary"><h2>Canary</h2><dl class="facts">'
                f"<dt>Composition</dt><dd>{number} ({a(compare, 'diff with current')})</dd>"
                f"<dt>Share</dt><dd>{e(canary.percent)}% of clients</dd>"
                f"<dt>Key</dt><dd><code>{e(canary.key)}</code></dd>"
                f"<dt>Always</dt><dd>{value(canary.allow)}</dd>"
                f"<dt>Never</dt><dd>{value(canary.deny)}</dd>"
                f"</dl><h3>Canary members</h3>{self.members(g, c)}</section>"
            )
        return page(f"{g}@{v}", "".join(parts), token=token, graph=g, variant=v, tab="overview")

    def facts(self, c: Composition) -> str:
        state = (
            badge("valid", "valid")
            if c.valid
            else badge(
                "forced (invalid)" if c.forced else "invalid", "forced" if c.forced else "invalid"
            )
        )
        signature = (
            f'<code title="{e(c.signature)}">{e(c.signature[:16])}…</code>'
            if c.signature
            else '<span class="muted">unsigned</span>'
        )
        return (
            '<dl class="facts">'
            f"<dt>Number</dt><dd>{a(variant_path(c.graph, c.variant, 'compositions', str(c.number)), f'#{c.number}')} {state}</dd>"
            f"<dt>When</dt><dd>{when(c.created_at)}</dd>"
            f"<dt>By</dt><dd>{e(c.created_by)}</dd>"
            f"<dt>Reason</dt><dd>{e(c.reason)}</dd>"
            f"<dt>Signature</dt><dd>{signature}</dd></dl>"
        )

    def members(self, graph: str, c: Composition) -> str:
        if not c.members:
            return '<p class="muted">No subgraphs.</p>'
        rows = "".join(
            f"<tr><td>{a(subgraph_path(graph, name), name)}</td>"
            f"<td>{a(subgraph_path(graph, name, 'versions', m.version), m.version)}</td>"
            f"<td><code>{e(m.url)}</code></td></tr>"
            for name, m in sorted(c.members.items())
        )
        return (
            '<table class="members"><thead><tr><th>Subgraph</th><th>Version</th>'
            f"<th>Routing URL</th></tr></thead><tbody>{rows}</tbody></table>"
        )

    async def composition(self, request: Request, token: Token) -> Response:
        g, v = request.path_params["graph"], request.path_params["variant"]
        c = await self.service.registry.composition(g, v, request.path_params["number"])
        links = [a(variant_path(g, v, "history"), "History")]
        if c.valid:
            links.insert(
                0, a(with_query(variant_path(g, v, "schema"), composition=c.number), "Schema")
            )
            links.insert(
                1,
                a(
                    with_query(variant_path(g, v, "diff"), to=c.number),
                    "Diff with the previous valid composition",
                ),
            )
        body = (
            f"<h1>Composition #{e(c.number)}</h1>"
            f'<section class="card">{self.facts(c)}<p>{" · ".join(links)}</p></section>'
            f'<section class="card"><h2>Members</h2>{self.members(g, c)}</section>'
            f'<section class="card"><h2>Errors</h2>{problems(c.errors)}</section>'
            f'<section class="card"><h2>Hints</h2>{problems(c.hints)}</section>'
        )
        return page(f"#{c.number} · {g}@{v}", body, token=token, graph=g, variant=v, tab="history")

    async def schema(self, request: Request, token: Token) -> Response:
        g, v = request.path_params["graph"], request.path_params["variant"]
        number = query_int(request, "composition")
        if number is None:
            served = await self.served_or_none(g, v)
            if served is None:
                raise RegistryError(404, "NO_SUPERGRAPH", f"{g}@{v} has no valid composition yet")
            c = served.current
        else:
            c = await self.service.registry.composition(g, v, number)
        if c.supergraph_sdl is None:
            raise RegistryError(
                400,
                "INVALID_COMPOSITION",
                f"composition #{c.number} is not valid: it has no schema",
            )
        schema = read_supergraph(c.supergraph_sdl).api_schema
        sections, count = schema_sections(schema)
        body = (
            f"<h1>Schema of {e(g)} @ {e(v)}</h1>"
            f'<p class="muted">The API schema clients see, from composition '
            f"{a(variant_path(g, v, 'compositions', str(c.number)), f'#{c.number}')}: "
            f"{count} {'type' if count == 1 else 'types'}.</p>{sections}"
            f'<section class="card"><details><summary>The schema as SDL</summary>'
            f"<pre>{e(print_schema(schema))}</pre></details></section>"
        )
        return page(f"Schema · {g}@{v}", body, token=token, graph=g, variant=v, tab="schema")

    async def history(self, request: Request, token: Token) -> Response:
        g, v = request.path_params["graph"], request.path_params["variant"]
        before = query_int(request, "before")
        answer = await self.service.registry.history(g, v, limit=HISTORY_PAGE, before=before)
        compositions: list[dict[str, Any]] = answer["compositions"]
        complete = len(compositions) < HISTORY_PAGE  # nothing older than this page
        rows = []
        for i, c in enumerate(compositions):
            number = c["number"]
            if c["valid"]:
                state = badge("valid", "valid")
            else:
                state = badge("forced", "forced") if c["forced"] else badge("invalid", "invalid")
            if number == answer["current"]:
                state += " " + badge("current", "current")
            diff = '<span class="muted">—</span>'
            if c["valid"]:
                earlier = next((o["number"] for o in compositions[i + 1 :] if o["valid"]), None)
                if earlier is not None:
                    diff = a(
                        with_query(variant_path(g, v, "diff"), **{"from": earlier, "to": number}),
                        f"diff #{earlier} → #{number}",
                    )
                elif not complete:
                    diff = a(
                        with_query(variant_path(g, v, "diff"), to=number), "diff with previous"
                    )
                else:
                    diff = '<span class="muted">first</span>'
            rows.append(
                f'<tr id="composition-{e(number)}">'
                f"<td>{a(variant_path(g, v, 'compositions', str(number)), f'#{number}')}</td>"
                f"<td>{when(c['created_at'])}</td><td>{e(c['created_by'])}</td>"
                f"<td>{e(c['reason'])}</td><td>{state}</td><td>{diff}</td></tr>"
            )
        if rows:
            listing = (
                '<table class="history"><thead><tr><th>#</th><th>When</th><th>Who</th>'
                "<th>Reason</th><th>State</th><th>Diff</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>"
            )
        else:
            listing = '<p class="muted">No compositions yet.</p>'
        more = ""
        if not complete and compositions:
            older = with_query(variant_path(g, v, "history"), before=compositions[-1]["number"])
            more = f"<p>{a(older, 'Older compositions →')}</p>"
        body = f'<h1>History of {e(g)} @ {e(v)}</h1><section class="card">{listing}{more}</section>'
        return page(f"History · {g}@{v}", body, token=token, graph=g, variant=v, tab="history")

    async def diff(self, request: Request, token: Token) -> Response:
        g, v = request.path_params["graph"], request.path_params["variant"]
        answer = await self.service.diff(g, v, query_int(request, "from"), query_int(request, "to"))
        start, end = answer["from"], answer["to"]

        def link(n: int) -> str:
            return a(variant_path(g, v, "compositions", str(n)), f"#{n}")

        body = (
            f"<h1>Composition #{e(start)} → #{e(end)}</h1>"
            f'<p class="muted">Changes to the API schema of {e(g)} @ {e(v)} between '
            f"{link(start)} and {link(end)}.</p>"
            f'<section class="card"><h2>Changes</h2>{changes_table(answer["changes"])}</section>'
            f'<section class="card"><h2>Schema diff</h2>'
            f"{side_by_side(answer['diff'], f'#{start}', f'#{end}')}</section>"
        )
        return page(
            f"#{start} → #{end} · {g}@{v}", body, token=token, graph=g, variant=v, tab="history"
        )

    async def subgraph(self, request: Request, token: Token) -> Response:
        g, s = request.path_params["graph"], request.path_params["subgraph"]
        versions = await self.service.registry.subgraph_versions(g, s)
        if not versions:
            raise RegistryError(404, "NOT_FOUND", f"no versions of subgraph {s!r} in {g!r}")
        rows = []
        for i, row in enumerate(versions):
            version = str(row["version"])
            diff = '<span class="muted">first</span>'
            if i + 1 < len(versions):
                previous = str(versions[i + 1]["version"])
                diff = a(
                    with_query(subgraph_path(g, s, "diff"), **{"from": previous, "to": version}),
                    f"diff {previous} → {version}",
                )
            rows.append(
                f"<tr><td>{a(subgraph_path(g, s, 'versions', version), version)}</td>"
                f"<td>{when(row['published_at'])}</td><td>{e(row['published_by'])}</td>"
                f"<td><code>{e(row['routing_url'])}</code></td>"
                f'<td><code title="{e(row["sha256"])}">{e(str(row["sha256"])[:12])}</code></td>'
                f"<td>{diff}</td></tr>"
            )
        names = [str(r["version"]) for r in versions]

        def options(chosen: str) -> str:
            return "".join(
                f'<option value="{e(n)}"{" selected" if n == chosen else ""}>{e(n)}</option>'
                for n in names
            )

        compare = (
            f'<form class="stack" method="get" action="{e(subgraph_path(g, s, "diff"))}">'
            f'<label>From <select name="from">{options(names[min(1, len(names) - 1)])}</select></label>'
            f'<label>To <select name="to">{options(names[0])}</select></label>'
            '<button class="primary" type="submit">Compare</button></form>'
        )
        body = (
            f'<h1>Subgraph {e(s)} <span class="muted">in {e(g)}</span></h1>'
            '<section class="card"><table class="versions"><thead><tr><th>Version</th>'
            "<th>Published</th><th>By</th><th>Routing URL</th><th>SHA-256</th><th>Diff</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
            f'<section class="card"><h2>Compare two versions</h2>{compare}</section>'
        )
        return page(f"{s} · {g}", body, token=token, graph=g)

    async def version(self, request: Request, token: Token) -> Response:
        p = request.path_params
        g, s, version = p["graph"], p["subgraph"], p["version"]
        sdl = await self.service.registry.subgraph_sdl(g, s, version)
        body = (
            f"<h1>{e(s)} @ {e(version)}</h1>"
            f"<p>{a(subgraph_path(g, s), 'All versions of ' + s)}</p><pre>{e(sdl)}</pre>"
        )
        return page(f"{s}@{version} · {g}", body, token=token, graph=g)

    async def subgraph_diff(self, request: Request, token: Token) -> Response:
        g, s = request.path_params["graph"], request.path_params["subgraph"]
        start, end = request.query_params.get("from"), request.query_params.get("to")
        if not start or not end:
            raise RegistryError(400, "BAD_REQUEST", "give ?from=VERSION&to=VERSION")
        answer = await self.service.subgraph_diff(g, s, start, end)
        body = (
            f"<h1>{e(s)}: {e(start)} → {e(end)}</h1>"
            f"<p>{a(subgraph_path(g, s), 'All versions of ' + s)}</p>"
            f'<section class="card"><h2>Subgraph schema diff</h2>'
            f"{side_by_side(answer['diff'], f'{s}@{start}', f'{s}@{end}')}</section>"
        )
        return page(f"{s} {start} → {end} · {g}", body, token=token, graph=g)

    async def checks(self, request: Request, token: Token) -> Response:
        g, v = request.path_params["graph"], request.path_params["variant"]
        served = await self.served_or_none(g, v)
        members = sorted(served.current.members) if served is not None else []
        result, status, form = "", 200, {"subgraph": "", "sdl": "", "url": ""}
        if request.method == "POST":
            form = {**form, **await form_of(request)}
            subgraph, sdl = form["subgraph"].strip(), form["sdl"]
            if not subgraph or not sdl.strip():
                raise RegistryError(400, "BAD_REQUEST", "a check needs a subgraph name and its SDL")
            if not token.allows("publish", g, v, subgraph):
                return error_page(
                    403,
                    f"token {token.name!r} ({token.role}) may not publish {subgraph} here,"
                    " so it may not check it either",
                    code="FORBIDDEN",
                    token=token,
                )
            report = await self.service.check(g, v, subgraph, sdl, url=form["url"].strip() or None)
            result = self.check_result(subgraph, report)
        events = [
            ev
            for ev in await self.service.registry.events(g, 100)
            if ev.get("variant") in (v, None)
        ]
        body = (
            f"<h1>Checks of {e(g)} @ {e(v)}</h1>{result}"
            f'<section class="card"><h2>Check a subgraph schema</h2>'
            f"{self.check_form(g, v, members, form, token)}</section>"
            f'<section class="card"><h2>Events</h2>{self.events_table(g, events)}</section>'
        )
        return page(
            f"Checks · {g}@{v}", body, token=token, graph=g, variant=v, tab="checks", status=status
        )

    def check_form(
        self, g: str, v: str, members: list[str], form: dict[str, str], token: Token
    ) -> str:
        note = ""
        if not token.allows("publish", g, v):
            note = (
                '<div class="notice warn"><p>This token may read but not publish, so it may not'
                " run checks.</p></div>"
            )
        options = "".join(f'<option value="{e(m)}">' for m in members)
        return (
            f'{note}<p class="muted">Composes the variant with this schema in place of the'
            " subgraph's and classifies the changes against usage; nothing is recorded.</p>"
            f'<form class="stack" method="post" action="{e(variant_path(g, v, "checks"))}">'
            f'<label>Subgraph <input type="text" name="subgraph" list="members" required'
            f' value="{e(form["subgraph"])}"></label><datalist id="members">{options}</datalist>'
            '<label>Routing URL (optional) <input type="text" name="url"'
            f' value="{e(form["url"])}"></label>'
            f'<label>SDL <textarea name="sdl" required spellcheck="false">{e(form["sdl"])}</textarea></label>'
            '<button class="primary" type="submit">Run the check</button></form>'
        )

    def check_result(self, subgraph: str, report: dict[str, Any]) -> str:
        ok = bool(report.get("ok"))
        composition = report.get("composition") or {}
        banner = (
            f'<div class="notice ok check-result"><p>{badge("pass", "ok")} Publishing this schema'
            f" of {e(subgraph)} would be safe.</p></div>"
            if ok
            else f'<div class="notice error check-result"><p>{badge("fail", "fail")} This schema'
            f" of {e(subgraph)} fails the check.</p></div>"
        )
        valid = composition.get("valid")
        regressions = report.get("plan_regressions") or []
        if regressions:
            keys: list[str] = []
            for r in regressions:
                for k in r if isinstance(r, dict) else ():
                    if k not in keys:
                        keys.append(k)
            head = "".join(f"<th>{e(k.replace('_', ' '))}</th>" for k in keys)
            rows = "".join(
                "<tr>" + "".join(f"<td>{value(r.get(k))}</td>" for k in keys) + "</tr>"
                for r in regressions
                if isinstance(r, dict)
            )
            plans = f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        else:
            plans = '<p class="muted">No plan regressions.</p>'
        mode = report.get("plan_regression")
        mode_note = f' <span class="muted">(mode: {e(mode)})</span>' if mode else ""
        return (
            f"{banner}"
            '<section class="card"><h2>Composition</h2>'
            f"<p>{badge('composes', 'valid') if valid else badge('does not compose', 'invalid')}</p>"
            f"<h3>Errors</h3>{problems(composition.get('errors'))}"
            f"<h3>Hints</h3>{problems(composition.get('hints'))}</section>"
            f'<section class="card"><h2>Changes</h2>{changes_table(report.get("changes"))}</section>'
            f'<section class="card"><h2>Plan regressions{mode_note}</h2>{plans}</section>'
        )

    def events_table(self, graph: str, events: list[dict[str, Any]]) -> str:
        if not events:
            return '<p class="muted">No events yet.</p>'
        rows = []
        for ev in events:
            kind = str(ev.get("kind", ""))
            raw = ev.get("detail")
            detail: dict[str, Any] = raw if isinstance(raw, dict) else {}
            if kind == "publish_refused":
                what = f"{detail.get('subgraph', '?')}@{detail.get('version', '?')}"
                shown = (
                    f"<strong>{e(what)}</strong> would not compose:{problems(detail.get('errors'))}"
                )
                kind_html = badge(kind, "fail")
            else:
                shown = self.event_detail(graph, ev.get("variant"), detail)
                kind_html = f"<code>{e(kind)}</code>"
            rows.append(
                f'<tr class="event {e(kind)}"><td>{when(ev.get("at"))}</td>'
                f"<td>{e(ev.get('actor', ''))}</td><td>{kind_html}</td>"
                f"<td>{value(ev.get('variant'))}</td><td>{shown}</td></tr>"
            )
        return (
            '<table class="events"><thead><tr><th>When</th><th>Who</th><th>Event</th>'
            f"<th>Variant</th><th>Detail</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    @staticmethod
    def event_detail(graph: str, variant: object, detail: dict[str, Any]) -> str:
        """One line: ``subgraph@version``, the composition it made (linked), the rest."""
        parts, rest = [], dict(detail)
        if "subgraph" in rest:
            subgraph = str(rest.pop("subgraph"))
            version = rest.pop("version", None)
            shown = subgraph if version is None else f"{subgraph}@{version}"
            parts.append(f"<strong>{e(shown)}</strong>")
        number = rest.pop("composition", None)
        if isinstance(number, int) and isinstance(variant, str):
            parts.append(a(variant_path(graph, variant, "compositions", str(number)), f"#{number}"))
        elif number is not None:
            rest["composition"] = number
        parts.extend(f'<span class="muted">{e(k)}</span> {value(x)}' for k, x in rest.items())
        return " · ".join(parts) if parts else '<span class="muted">—</span>'

    async def deprecations(self, request: Request, token: Token) -> Response:
        g, v = request.path_params["graph"], request.path_params["variant"]
        days = query_int(request, "days")
        status, content = 200, ""
        try:
            answer = await self.service.deprecations(g, v, days)
        except RegistryError as error:
            status = error.status
            content = f'<div class="notice error"><p>{e(error.message)} <span class="muted">({e(error.code)})</span></p></div>'
        except Exception as error:  # the checks module is young: say what failed, keep the page
            log.exception("deprecations of %s@%s failed", g, v)
            content = (
                '<div class="notice error"><p>The deprecations could not be computed: '
                f"{e(type(error).__name__)}: {e(error)}</p></div>"
            )
        else:
            window = answer.get("window_days", days)
            days = window if isinstance(window, int) else days
            content = self.deprecations_table(answer.get("deprecations"), window)
        form = (
            f'<form method="get" action="{e(variant_path(g, v, "deprecations"))}">'
            f'<label>Window (days) <input type="number" name="days" min="1" value="{e(days or "")}"></label> '
            '<button class="primary" type="submit">Show</button></form>'
        )
        body = (
            f"<h1>Deprecations in {e(g)} @ {e(v)}</h1>"
            f'<section class="card">{form}</section><section class="card">{content}</section>'
        )
        return page(
            f"Deprecations · {g}@{v}",
            body,
            token=token,
            graph=g,
            variant=v,
            tab="deprecations",
            status=status,
        )

    def deprecations_table(self, entries: object, window: object) -> str:
        if not isinstance(entries, list) or not entries:
            return '<p class="muted">Nothing in the schema is deprecated.</p>'
        known = ("coordinate", "kind", "reason", "clients", "last_used", "removable", "window_days")
        rows = []
        for entry in entries:
            if not isinstance(entry, dict):
                rows.append(f'<tr><td colspan="7">{value(entry)}</td></tr>')
                continue
            removable = entry.get("removable")
            verdict = (
                badge("removable", "ok")
                if removable is True
                else badge("in use", "warn")
                if removable is False
                else value(removable)
            )
            others = {k: x for k, x in entry.items() if k not in known}
            rows.append(
                f"<tr><td><code>{e(entry.get('coordinate', ''))}</code></td>"
                f"<td>{value(entry.get('kind'))}</td><td>{value(entry.get('reason'))}</td>"
                f"<td>{self.clients(entry.get('clients'))}</td>"
                f"<td>{value(entry.get('last_used'))}</td><td>{verdict}</td>"
                f"<td>{value(others) if others else ''}</td></tr>"
            )
        return (
            f'<p class="muted">Usage over the last {e(window)} days.</p>'
            '<table class="deprecations"><thead><tr><th>Coordinate</th><th>Kind</th>'
            "<th>Reason</th><th>Usage per client</th><th>Last used</th><th>Verdict</th>"
            f"<th></th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    @staticmethod
    def clients(usage: object) -> str:
        if isinstance(usage, dict):
            if not usage:
                return '<span class="muted">unused</span>'
            return "<br>".join(f"{e(name)}: {value(count)}" for name, count in usage.items())
        return value(usage)


def ui_routes(api: Api) -> list[BaseRoute]:
    """The web UI's routes, mounted at ``/`` by ``create_registry_app``."""
    return Ui(api).routes()
