"""The registry's web UI over real HTTP: a registry on loopback, demo subgraphs published
through the JSON API, pages fetched with the login cookie; and, in headless Chromium
(``tests/browser/registry.mjs``), log in, open the history, click through to a diff.

The browser test needs ``/usr/bin/chromium`` (Debian's ``chromium``), Node and
``tests/browser/node_modules`` (``make browser``); skipped without them, failed under
``HANSA_REQUIRE_SERVICES=1`` (as the GraphiQL browser test).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from starlette.applications import Starlette

from hansa.demo import SUBGRAPHS, accounts
from hansa.http.serve import serving
from hansa.registry.api import Api
from hansa.registry.app import RegistrySettings, create_registry_app
from hansa.registry.ui import ui_routes
from tests.support.browser import chromium, run_page_script
from tests.support.http import Response

ADMIN = "admin-secret"
COOKIE = "hansa_registry_token"

# accounts v2: a new field, and a deprecation (with markup in its reason) for the pages to show.
ACCOUNTS_V2 = accounts.sdl.replace(
    "  birthYear: Int\n",
    '  birthYear: Int @deprecated(reason: "use <b>age</b> & friends")\n  email: String\n',
)
HOSTILE = '<script>alert("x")</script>'
_QUOTED = HOSTILE.replace('"', '\\"')
HOSTILE_SDL = f'''
"""{HOSTILE} a type's description"""
type Query {{
  """<img src=x onerror=alert(1)>"""
  evil(arg: String = "{_QUOTED}"): String @deprecated(reason: "</li><script>bad()</script>")
}}
'''
HOSTILE_URL = "http://127.0.0.1:1/<script>alert(2)</script>&x='y'"
BROKEN_SDL = "type Query { broken: Nope }"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 303 after logging in is the answer under test, not a page to follow


_OPENER = urllib.request.build_opener(_NoRedirects)


def request(
    url: str, *, method: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> Response:
    """One HTTP exchange, redirects not followed (``tests.support.http.request`` follows)."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=30) as resp:
            return Response(
                resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
            )
    except urllib.error.HTTPError as error:
        return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


@dataclass
class Registry:
    url: str
    compositions: int

    def api(self, method: str, path: str, body: Any = None, token: str = ADMIN) -> Response:
        data = None if body is None else json.dumps(body).encode()
        headers = {"content-type": "application/json", "authorization": f"Bearer {token}"}
        return request(self.url + path, method=method, body=data, headers=headers)

    def publish(self, subgraph: str, version: str, sdl: str, **extra: Any) -> Response:
        variant = extra.pop("variant", "prod")
        body = {"version": version, "url": f"http://127.0.0.1:1/{subgraph}", "sdl": sdl, **extra}
        path = f"/graphs/shop/variants/{variant}/subgraphs/{subgraph}/versions"
        return self.api("POST", path, body)

    def get(self, path: str, token: str | None = ADMIN, **headers: str) -> Response:
        if token is not None:
            headers["cookie"] = f"{COOKIE}={token}"
        return request(self.url + path, method="GET", headers=headers)

    def post_form(
        self, path: str, fields: dict[str, str], token: str | None = ADMIN, **headers: str
    ) -> Response:
        headers = {"content-type": "application/x-www-form-urlencoded", **headers}
        if token is not None:
            headers["cookie"] = f"{COOKIE}={token}"
        body = urlencode(fields).encode()
        return request(self.url + path, method="POST", body=body, headers=headers)

    def token(self, name: str, role: str, **scope: str) -> str:
        answer = self.api("POST", "/tokens", {"name": name, "role": role, **scope})
        assert answer.status == 201, answer.body
        secret: str = answer.json()["token"]
        return secret


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """shop@prod: #1 accounts, #2 products, #3 reviews, #4 accounts v2 (adds User.email); a
    refused publish; and shop@evil with a hostile schema and routing URL."""
    folder = tmp_path_factory.mktemp("registry-ui")
    settings = RegistrySettings(database=f"sqlite:///{folder}/r.db", admin_token=ADMIN)
    with serving(create_registry_app(settings)) as (url,):
        registry = Registry(url, 0)
        for subgraph in SUBGRAPHS:
            assert registry.publish(subgraph.name, "v1", subgraph.sdl).status == 201
        assert registry.publish("accounts", "v2", ACCOUNTS_V2).status == 201
        assert registry.publish("products", "v2-broken", BROKEN_SDL).status == 422
        hostile = registry.api(
            "POST",
            "/graphs/shop/variants/evil/subgraphs/evil/versions",
            {"version": "1", "url": HOSTILE_URL, "sdl": HOSTILE_SDL},
        )
        assert hostile.status == 201, hostile.body
        registry.compositions = 4
        yield registry


def text(response: Response) -> str:
    return response.body.decode()


def visible(response: Response) -> str:
    """The page's text without tags, entities decoded: what a reader sees."""
    return unescape(re.sub(r"<[^>]+>", " ", text(response)))


def cookie_attributes(response: Response) -> list[str]:
    header = response.headers["set-cookie"]
    return [part.strip().lower() for part in header.split(";")]


# -- login, logout, refusals ------------------------------------------------------------------


def test_pages_need_a_token(registry: Registry) -> None:
    for path in ("/", "/ui/graphs/shop/variants/prod/history"):
        answer = registry.get(path, token=None)
        assert answer.status == 401
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert answer.headers["content-type"].startswith("text/html")
        assert '<form class="stack" method="post" action="/ui/login">' in text(answer)
    # The login form brings you back where you were.
    assert 'name="next" value="/ui/graphs/shop/variants/prod/history"' in text(answer)


def test_an_unknown_cookie_is_refused_and_cleared(registry: Registry) -> None:
    answer = registry.get("/", token="hansa_not-a-token")
    assert answer.status == 401
    assert "unknown or revoked" in text(answer)
    assert cookie_attributes(answer)[0].startswith(f"{COOKIE}=")
    assert "max-age=0" in cookie_attributes(answer)


def test_login_sets_the_cookie_and_logout_clears_it(registry: Registry) -> None:
    answer = registry.post_form(
        "/ui/login", {"token": ADMIN, "next": "/ui/graphs/shop/variants/prod"}, token=None
    )
    assert answer.status == 303
    assert answer.headers["location"] == "/ui/graphs/shop/variants/prod"
    attributes = cookie_attributes(answer)
    assert attributes[0] == f"{COOKIE}={ADMIN}"
    assert {"httponly", "samesite=strict", "path=/"} <= set(attributes)
    # The JSON API takes the same cookie.
    graphs = request(
        registry.url + "/graphs", method="GET", headers={"cookie": f"{COOKIE}={ADMIN}"}
    )
    assert graphs.status == 200 and graphs.json()["graphs"][0]["name"] == "shop"

    out = registry.post_form("/ui/logout", {})
    assert out.status == 303 and out.headers["location"] == "/ui/login"
    assert "max-age=0" in cookie_attributes(out)


def test_login_refuses_a_bad_token_another_site_and_a_foreign_next(registry: Registry) -> None:
    bad = registry.post_form("/ui/login", {"token": "nope"}, token=None)
    assert bad.status == 401 and "unknown or revoked" in text(bad)
    assert "set-cookie" not in bad.headers

    host = urlsplit(registry.url).netloc
    cross = registry.post_form(
        "/ui/login", {"token": ADMIN}, token=None, origin="https://evil.example"
    )
    assert cross.status == 403 and "set-cookie" not in cross.headers
    same = registry.post_form("/ui/login", {"token": ADMIN}, token=None, origin=f"http://{host}")
    assert same.status == 303

    for target in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
    ):
        answer = registry.post_form("/ui/login", {"token": ADMIN, "next": target}, token=None)
        assert answer.headers["location"] == "/"


def test_a_cross_site_check_post_is_refused(registry: Registry) -> None:
    answer = registry.post_form(
        "/ui/graphs/shop/variants/prod/checks",
        {"subgraph": "accounts", "sdl": accounts.sdl},
        origin="https://evil.example",
    )
    assert answer.status == 403 and "another site" in text(answer)


def test_a_token_sees_only_what_it_may_read(registry: Registry) -> None:
    other = registry.token("ui-other-reader", "read", graph="other")
    assert registry.get("/", token=other).status == 200
    assert "/ui/graphs/shop/variants/prod" not in text(registry.get("/", token=other))
    for path in (
        "/ui/graphs/shop/variants/prod",
        "/ui/graphs/shop/variants/prod/schema",
        "/ui/graphs/shop/variants/prod/history",
        "/ui/graphs/shop/variants/prod/diff",
        "/ui/graphs/shop/subgraphs/accounts",
    ):
        answer = registry.get(path, token=other)
        assert answer.status == 403, path
        assert "may not read here" in visible(answer)

    staging = registry.token("ui-staging-reader", "read", graph="shop", variant="staging")
    assert registry.get("/ui/graphs/shop/variants/prod", token=staging).status == 403
    assert "/ui/graphs/shop/variants/prod" not in text(registry.get("/", token=staging))


def test_a_read_token_may_not_run_a_check(registry: Registry) -> None:
    reader = registry.token("ui-shop-reader", "read", graph="shop")
    page = registry.get("/ui/graphs/shop/variants/prod/checks", token=reader)
    assert page.status == 200 and "may read but not publish" in text(page)
    answer = registry.post_form(
        "/ui/graphs/shop/variants/prod/checks",
        {"subgraph": "accounts", "sdl": accounts.sdl},
        token=reader,
    )
    assert answer.status == 403 and "may not publish accounts" in visible(answer)


def test_errors_are_pages_with_their_status(registry: Registry) -> None:
    missing = registry.get("/ui/graphs/shop/variants/nope")
    assert missing.status == 404 and "no variant shop@nope" in visible(missing)
    assert registry.get("/ui/no/such/page").status == 404
    bad = registry.get("/ui/graphs/shop/variants/prod/diff?from=x")
    assert bad.status == 400 and "is not a number" in visible(bad)
    for answer in (missing, bad):
        assert answer.headers["content-type"].startswith("text/html")
        assert "Traceback" not in text(answer)


def test_pages_before_the_registry_is_open_are_503() -> None:
    with serving(Starlette(routes=ui_routes(Api()))) as (url,):
        answer = request(url + "/", method="GET", headers={"cookie": f"{COOKIE}=x"})
    assert answer.status == 503 and "starting" in text(answer)
    assert "Traceback" not in text(answer)


# -- the pages --------------------------------------------------------------------------------


def test_home_lists_graphs_and_variants(registry: Registry) -> None:
    answer = registry.get("/")
    assert answer.status == 200
    page = text(answer)
    assert answer.headers["content-security-policy"].startswith("default-src 'none'")
    assert '<link rel="stylesheet" href="/ui/static/registry.css">' in page
    assert '<a href="/ui/graphs/shop/variants/prod">prod</a>' in page
    assert '<a href="/ui/graphs/shop/variants/prod/compositions/4">#4</a>' in page
    assert "admin (admin)" in page  # who is logged in
    css = registry.get("/ui/static/registry.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")


def test_variant_page_shows_the_composition_and_its_members(registry: Registry) -> None:
    answer = registry.get("/ui/graphs/shop/variants/prod")
    assert answer.status == 200
    seen = visible(answer)
    assert "publish accounts@v2" in seen
    for name, version in (("accounts", "v2"), ("products", "v1"), ("reviews", "v1")):
        assert f'<a href="/ui/graphs/shop/subgraphs/{name}">{name}</a>' in text(answer)
        assert f"/ui/graphs/shop/subgraphs/{name}/versions/{version}" in text(answer)
        assert f"http://127.0.0.1:1/{name}" in seen
    assert "No canary." in seen
    for tab in ("schema", "history", "checks", "deprecations"):
        assert f'href="/ui/graphs/shop/variants/prod/{tab}"' in text(answer)


def test_variant_page_shows_a_canary(registry: Registry) -> None:
    registry.publish("accounts", "v1", accounts.sdl, variant="canaried")
    registry.publish("accounts", "v2", ACCOUNTS_V2, variant="canaried")
    answer = registry.api(
        "PUT", "/graphs/shop/variants/canaried/canary", {"composition": 2, "percent": 10}
    )
    assert answer.status == 200, answer.body
    page = registry.get("/ui/graphs/shop/variants/canaried")
    assert page.status == 200
    seen = visible(page)
    assert "10% of clients" in seen and "header:x-hansa-canary-key" in seen
    home = text(registry.get("/"))
    assert 'href="/ui/graphs/shop/variants/canaried"' in home and "canary</span>" in home


def test_schema_page_lists_types_fields_and_deprecations(registry: Registry) -> None:
    answer = registry.get("/ui/graphs/shop/variants/prod/schema")
    assert answer.status == 200
    page = text(answer)
    for name in ("Query", "User", "Product", "Review"):
        assert f'id="type-{name}"' in page
        assert f'<a href="#type-{name}">{name}</a>' in page
    assert 'id="field-User.email"' in page
    assert 'id="field-Query.user"' in page
    assert "id: <code>ID!</code>" in page  # an argument and its type
    assert '<code class="deprecated">birthYear</code>' in page
    assert "use &lt;b&gt;age&lt;/b&gt; &amp; friends" in page
    assert "<b>age</b>" not in page
    # An earlier composition's schema: no email yet.
    older = text(registry.get("/ui/graphs/shop/variants/prod/schema?composition=3"))
    assert 'id="type-User"' in older and 'id="field-User.email"' not in older


def test_schema_and_variant_pages_escape_hostile_text(registry: Registry) -> None:
    schema = registry.get("/ui/graphs/shop/variants/evil/schema")
    assert schema.status == 200
    page = text(schema)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; a type&#x27;s description" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;/li&gt;&lt;script&gt;bad()&lt;/script&gt;" in page
    assert (
        "= <code>&quot;&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt;&quot;</code>" in page
    )
    variant = text(registry.get("/ui/graphs/shop/variants/evil"))
    assert "<script>" not in variant
    assert "/&lt;script&gt;alert(2)&lt;/script&gt;&amp;x=&#x27;y&#x27;" in variant
    versions = text(registry.get("/ui/graphs/shop/subgraphs/evil"))
    assert "<script>" not in versions
    sdl = text(registry.get("/ui/graphs/shop/subgraphs/evil/versions/1"))
    assert "<script>" not in sdl and "&lt;script&gt;" in sdl
    # A hostile name in the address comes back escaped in the error page.
    missing = registry.get("/ui/graphs/%3Cscript%3Ealert(3)%3C%2Fscript%3E/variants/prod")
    assert missing.status == 404
    assert "<script>" not in text(missing) and "&lt;script&gt;alert(3)" in text(missing)


def test_history_lists_compositions_newest_first_with_diff_links(registry: Registry) -> None:
    answer = registry.get("/ui/graphs/shop/variants/prod/history")
    assert answer.status == 200
    page = text(answer)
    numbers = [int(n) for n in re.findall(r'<tr id="composition-(\d+)">', page)]
    assert numbers == [4, 3, 2, 1]
    assert "diff #3 → #4" in page and "diff #1 → #2" in page
    assert "/ui/graphs/shop/variants/prod/diff?from=3&amp;to=4" in page
    seen = visible(answer)
    assert "publish accounts@v2" in seen and "publish reviews@v1" in seen
    assert "current" in seen and "first" in seen


def test_diff_page_shows_classified_changes_and_a_side_by_side_diff(registry: Registry) -> None:
    answer = registry.get("/ui/graphs/shop/variants/prod/diff?from=3&to=4")
    assert answer.status == 200
    page = text(answer)
    assert "Composition #3 → #4" in visible(answer)
    assert "<code>FIELD_ADDED</code>" in page and "<code>User.email</code>" in page
    assert '<span class="badge safe">safe</span>' in page
    assert '<table class="diff">' in page
    added = re.findall(r'<td class="add[^"]*">([^<]*)</td>', page)
    assert any(line.strip() == "email: String" for line in added), added
    removed = re.findall(r'<td class="del[^"]*">([^<]*)</td>', page)
    assert any("birthYear: Int" in line and "@deprecated" not in line for line in removed)
    # Without ?from, the previous valid composition.
    default = visible(registry.get("/ui/graphs/shop/variants/prod/diff?to=4"))
    assert "Composition #3 → #4" in default


def test_composition_page(registry: Registry) -> None:
    answer = registry.get("/ui/graphs/shop/variants/prod/compositions/2")
    assert answer.status == 200
    seen = visible(answer)
    assert "Composition #2" in seen and "publish products@v1" in seen
    assert registry.get("/ui/graphs/shop/variants/prod/compositions/99").status == 404


def test_subgraph_versions_and_their_diff(registry: Registry) -> None:
    answer = registry.get("/ui/graphs/shop/subgraphs/accounts")
    assert answer.status == 200
    page = text(answer)
    assert page.index(">v2</a>") < page.index(">v1</a>")  # newest first
    assert "/ui/graphs/shop/subgraphs/accounts/diff?from=v1&amp;to=v2" in page
    # The compare form starts on the last change: from the previous version to the newest.
    assert (
        '<select name="from"><option value="v2">v2</option>'
        '<option value="v1" selected>v1</option></select>'
    ) in page
    assert '<select name="to"><option value="v2" selected>v2</option>' in page
    diff = registry.get("/ui/graphs/shop/subgraphs/accounts/diff?from=v1&to=v2")
    assert diff.status == 200
    added = re.findall(r'<td class="add[^"]*">([^<]*)</td>', text(diff))
    assert any(line.strip() == "email: String" for line in added), added
    assert registry.get("/ui/graphs/shop/subgraphs/accounts/diff?from=v1").status == 400
    assert registry.get("/ui/graphs/shop/subgraphs/nobody").status == 404
    sdl = visible(registry.get("/ui/graphs/shop/subgraphs/accounts/versions/v2"))
    assert "email: String" in sdl


def test_checks_page_shows_events_with_refusals(registry: Registry) -> None:
    answer = registry.get("/ui/graphs/shop/variants/prod/checks")
    assert answer.status == 200
    page = text(answer)
    assert '<tr class="event publish_refused">' in page
    seen = visible(answer)
    assert "products@v2-broken" in seen and "would not compose" in seen
    assert "Nope" in seen  # the composition error's message
    assert (
        '<form class="stack" method="post" action="/ui/graphs/shop/variants/prod/checks">' in page
    )


def test_a_check_of_pasted_sdl(registry: Registry) -> None:
    safe = registry.post_form(
        "/ui/graphs/shop/variants/prod/checks",
        {
            "subgraph": "accounts",
            "sdl": ACCOUNTS_V2.replace(
                "  email: String\n", "  email: String\n  nickname: String\n"
            ),
        },
    )
    assert safe.status == 200
    assert "would be safe" in visible(safe)
    assert "<code>User.nickname</code>" in text(safe)

    breaking = registry.post_form(
        "/ui/graphs/shop/variants/prod/checks",
        {"subgraph": "accounts", "sdl": ACCOUNTS_V2.replace("  email: String\n", "")},
    )
    assert breaking.status == 200
    assert "fails the check" in visible(breaking)
    assert '<span class="badge breaking">breaking</span>' in text(breaking)
    assert "<code>User.email</code>" in text(breaking)

    broken = registry.post_form(
        "/ui/graphs/shop/variants/prod/checks", {"subgraph": "products", "sdl": BROKEN_SDL}
    )
    assert broken.status == 200
    seen = visible(broken)
    assert "fails the check" in seen and "does not compose" in seen and "Nope" in seen
    # The pasted SDL stays in the form.
    assert "type Query { broken: Nope }" in seen

    empty = registry.post_form("/ui/graphs/shop/variants/prod/checks", {"subgraph": "", "sdl": ""})
    assert empty.status == 400


def test_deprecations_page(registry: Registry) -> None:
    """User.birthYear is deprecated in accounts v2; the usage comes from a gateway's report
    (the registry's API), with a hostile client name."""
    today = datetime.now(UTC).date().isoformat()
    report = {
        "from": f"{today}T00:00:00+00:00",
        "to": f"{today}T00:01:00+00:00",
        "operations": [],
        "fields": {"User.birthYear": 15},
        "clients": {"ios<script>": {"User.birthYear": 12}, "web": {"User.birthYear": 3}},
    }
    sent = registry.api("POST", "/graphs/shop/variants/prod/usage", report)
    assert sent.status == 202, sent.body
    answer = registry.get("/ui/graphs/shop/variants/prod/deprecations?days=7")
    assert answer.status == 200
    page = text(answer)
    assert "Traceback" not in page
    assert 'name="days" min="1" value="7"' in page
    assert "Usage over the last 7 days." in page
    assert "<code>User.birthYear</code>" in page
    assert "use &lt;b&gt;age&lt;/b&gt; &amp; friends" in page
    assert "ios&lt;script&gt;: 12" in page and "web: 3" in page
    assert '<span class="badge warn">in use</span>' in page
    assert "<script>" not in page and "<b>" not in page


# -- the browser ------------------------------------------------------------------------------


def browse(origin: str, token: str, browser: str) -> dict[str, Any]:
    """What the browser saw (``registry.mjs``'s report)."""
    return run_page_script("registry.mjs", origin, token, "shop", "prod", browser=browser)


def test_browser_logs_in_opens_the_history_and_sees_the_diff(registry: Registry) -> None:
    browser = chromium("registry UI browser test")
    report = browse(registry.url, ADMIN, browser)
    assert report.get("failure") is None, (report["failure"], report.get("body"))
    # Not logged in, the home page was the login form (a 401, which the console reports).
    assert report["firstStatus"] == 401
    assert all("401" in line for line in report["consoleErrorsBeforeLogin"])
    assert report["afterLogin"] == "/"
    # Logged in: the cookie is there, and script cannot read it.
    assert report["cookie"] == {"httpOnly": True, "sameSite": "Strict", "path": "/"}
    assert report["documentCookie"] == ""
    assert report["historyNumbers"][:4] == ["#4", "#3", "#2", "#1"]
    assert urlsplit(report["diffUrl"]).path == "/ui/graphs/shop/variants/prod/diff"
    assert "from=3" in report["diffUrl"] and "to=4" in report["diffUrl"]
    assert "Composition #3 → #4" in report["heading"]
    assert "email: String" in [line.strip() for line in report["added"]]
    assert {"severity": "safe", "code": "FIELD_ADDED", "coordinate": "User.email"} in report[
        "changes"
    ]
    # Nothing left loopback, the page ran under its CSP without a complaint.
    assert report["blocked"] == []
    assert report["violations"] == []
    assert report["pageErrors"] == []
    assert report["consoleErrors"] == []
    assert report["stylesheet"] is True
    assert report["addedOnTheRight"] is True
    # Logging out drops the cookie and lands on the login form.
    assert report["afterLogout"] == {"path": "/ui/login", "cookies": 0}
