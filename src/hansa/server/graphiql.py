"""The GraphiQL page served to browsers on the GraphQL endpoint, and the files it loads.

GraphiQL, React and ReactDOM ship inside the package (``static/graphiql/``, refreshed by
``scripts/update-graphiql``) and are served under ``/graphiql/``, so the page works on a
machine without internet and under a strict ``Content-Security-Policy``.
"""

from __future__ import annotations

import functools
import hashlib
import html
from dataclasses import dataclass
from importlib import resources
from urllib.parse import parse_qs

from hansa.http.graphql_over_http import APPLICATION_JSON, error_body

# Under the app's root_path, like every other route.
ASSETS_PATH = "/graphiql/"

# The only files served (nothing else in the directory is reachable), in the page's order.
STYLESHEETS = ("graphiql.min.css", "hansa-graphiql.css")
SCRIPTS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "hansa-graphiql.js",
)
CONTENT_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

# URLs carry each file's digest (``?v=``): such a response never changes, so browsers keep it.
IMMUTABLE = b"public, max-age=31536000, immutable"

# What the page needs and nothing more: its own scripts and styles, GraphiQL's inlined fonts,
# and requests to the gateway it came from.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src data:; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'"
)
PAGE_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
]

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Hansa GraphiQL</title>
{stylesheets}
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
{scripts}
</body>
</html>
"""


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    digest: str  # the first 16 hex digits of the body's SHA-256


@functools.cache
def assets() -> dict[str, Asset]:
    """The served files, read from the package once (about 4 MB, on the first page view)."""
    directory = resources.files("hansa.server").joinpath("static", "graphiql")
    found = {}
    for name in (*STYLESHEETS, *SCRIPTS):
        body = directory.joinpath(name).read_bytes()
        suffix = name[name.rindex(".") :]
        found[name] = Asset(body, CONTENT_TYPES[suffix], hashlib.sha256(body).hexdigest()[:16])
    return found


@functools.lru_cache(maxsize=16)
def graphiql_page(root_path: str = "") -> bytes:
    """The page, loading its files from under ``root_path`` (where the app is mounted)."""
    files = assets()
    base = html.escape(root_path.rstrip("/") + ASSETS_PATH, quote=True)

    def url(name: str) -> str:
        return f"{base}{name}?v={files[name].digest}"

    stylesheets = "\n".join(f'  <link rel="stylesheet" href="{url(n)}">' for n in STYLESHEETS)
    scripts = "\n".join(f'  <script src="{url(n)}"></script>' for n in SCRIPTS)
    return PAGE.format(stylesheets=stylesheets, scripts=scripts).encode()


def graphiql_asset(
    path: str, method: str, query_string: bytes, request_id: str
) -> tuple[int, bytes, str, list[tuple[bytes, bytes]]] | None:
    """The answer to a request for ``path`` (under ``ASSETS_PATH``): status, body, content type
    and headers; None when no such file is served (the caller's 404). Names are looked up
    exactly, so no path reaches any other file."""
    asset = assets().get(path.removeprefix(ASSETS_PATH))
    if asset is None:
        return None
    if method not in ("GET", "HEAD"):
        body = error_body(
            [{"message": "Use GET.", "extensions": {"code": "METHOD_NOT_ALLOWED"}}], request_id
        )
        return 405, body, APPLICATION_JSON, [(b"allow", b"GET, HEAD")]
    # Asked for at the current digest, the file is immutable; at any other URL (by hand, or an
    # old page's) it may change with the next release, so it is not kept.
    versions = parse_qs(query_string.decode("latin-1")).get("v", [])
    cache = IMMUTABLE if versions == [asset.digest] else b"no-cache"
    headers = [(b"cache-control", cache), (b"x-content-type-options", b"nosniff")]
    return 200, asset.body, asset.content_type, headers
