"""The GraphiQL page's files over real loopback HTTP: each URL the page names answers with the
packaged file, its content type and a long cache lifetime; nothing else under ``/graphiql/``
is reachable; ``graphiql = false`` turns the page and its files off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from hansa.demo import accounts, products, reviews
from hansa.server.graphiql import CONTENT_SECURITY_POLICY
from tests.server.mount import mounted
from tests.support.federation import federation
from tests.support.http import Response, request, without_request_ids

STATIC = Path(__file__).resolve().parents[2] / "src/hansa/server/static/graphiql"
HTML = {"accept": "text/html"}
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
NOT_FOUND = {"errors": [{"message": "Not found.", "extensions": {"code": "NOT_FOUND"}}]}


def referenced(page: bytes) -> list[str]:
    """The URLs of the page's scripts and stylesheets."""
    return re.findall(r'(?:src|href)="([^"]+)"', page.decode())


@pytest.fixture(scope="module")
def gateway() -> Iterator[str]:
    with federation(accounts, products, reviews) as url:
        yield url


@pytest.fixture(scope="module")
def page(gateway: str) -> Response:
    return request(gateway, method="GET", headers=HTML)


def test_the_page_loads_only_its_own_files(gateway: str, page: Response) -> None:
    assert page.status == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    urls = referenced(page.body)
    names = [urlsplit(u).path.removeprefix("/graphiql/") for u in urls]
    assert names == [
        "graphiql.min.css",
        "hansa-graphiql.css",
        "react.production.min.js",
        "react-dom.production.min.js",
        "graphiql.min.js",
        "hansa-graphiql.js",
    ]
    assert all(u.startswith("/graphiql/") for u in urls)
    assert b"https://" not in page.body and b"http://" not in page.body


def test_each_file_the_page_names_is_served(gateway: str, page: Response) -> None:
    origin = gateway.removesuffix("/graphql")
    for url in referenced(page.body):
        name = urlsplit(url).path.rsplit("/", 1)[1]
        answer = request(f"{origin}{url}", method="GET")
        assert answer.status == 200, url
        assert answer.headers["content-type"] == TYPES[Path(name).suffix], url
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable", url
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.body == (STATIC / name).read_bytes(), url


def test_a_file_at_another_version_is_not_kept(gateway: str) -> None:
    """Only the URL with the current digest is immutable: an old page's URL, or one typed by
    hand, may name other bytes after an upgrade."""
    origin = gateway.removesuffix("/graphql")
    for query in ("", "?v=0123456789abcdef"):
        answer = request(f"{origin}/graphiql/graphiql.min.css{query}", method="GET")
        assert answer.status == 200
        assert answer.headers["cache-control"] == "no-cache"


def test_head_and_other_methods(gateway: str, page: Response) -> None:
    origin = gateway.removesuffix("/graphql")
    url = f"{origin}{referenced(page.body)[-1]}"
    head = request(url, method="HEAD")
    assert head.status == 200
    assert head.body == b""
    assert int(head.headers["content-length"]) == (STATIC / "hansa-graphiql.js").stat().st_size
    post = request(url, method="POST", body=b"{}")
    assert post.status == 405
    assert post.headers["allow"] == "GET, HEAD"
    assert without_request_ids(post.json(), post.headers["x-request-id"]) == {
        "errors": [{"message": "Use GET.", "extensions": {"code": "METHOD_NOT_ALLOWED"}}]
    }


@pytest.mark.parametrize(
    "path",
    [
        "/graphiql/",
        "/graphiql/README.md",
        "/graphiql/LICENSE-react",
        "/graphiql/graphiql.min.js.map",
        "/graphiql/../graphiql.py",
        "/graphiql/%2e%2e/graphiql.py",
        "/graphiql/..%2f..%2fapp.py",
        "/graphiql//etc/passwd",
        "/graphiql/static/graphiql/graphiql.min.js",
        "/graphiql/GRAPHIQL.MIN.JS",
    ],
)
def test_nothing_else_is_reachable(gateway: str, path: str) -> None:
    answer = request(gateway.removesuffix("/graphql") + path, method="GET")
    assert answer.status == 404
    assert answer.headers["content-type"] == "application/json"
    assert without_request_ids(answer.json(), answer.headers["x-request-id"]) == NOT_FOUND


def test_graphiql_off_turns_the_files_off_too(page: Response) -> None:
    with federation(accounts, products, reviews, graphiql=False) as gateway:
        origin = gateway.removesuffix("/graphql")
        off = request(gateway, method="GET", headers=HTML)
        assert off.status == 406
        assert not off.headers["content-type"].startswith("text/html")
        for url in referenced(page.body):
            answer = request(f"{origin}{url}", method="GET")
            assert answer.status == 404, url
            assert without_request_ids(answer.json()) == NOT_FOUND


def test_mounted_under_a_prefix() -> None:
    with federation(accounts, products, reviews, wrap=mounted("/api")) as gateway:
        origin = gateway.removesuffix("/graphql")
        page = request(f"{origin}/api/graphql", method="GET", headers=HTML)
        assert page.status == 200
        urls = referenced(page.body)
        assert len(urls) == 6
        for url in urls:
            assert url.startswith("/api/graphiql/"), url
            assert request(f"{origin}{url}", method="GET").status == 200, url
