"""GraphiQL in a real browser, offline: headless Chromium (Debian's) driven by playwright-core
(``tests/browser/graphiql.mjs``) opens the page with every request off loopback refused, runs
``{ me { name } }`` with the run button and reads the answer from the result pane.

Needs ``/usr/bin/chromium`` (Debian's ``chromium``), Node and ``tests/browser/node_modules``
(``make browser``, part of ``make test``); skipped without them, failed under
``HANSA_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from hansa.demo import accounts, products, reviews
from tests.server.mount import mounted
from tests.support.browser import chromium, run_page_script
from tests.support.federation import federation


def open_graphiql(url: str, browser: str) -> dict[str, Any]:
    """What the browser saw on the page at ``url`` (``graphiql.mjs``'s report)."""
    return run_page_script("graphiql.mjs", url, browser=browser)


@pytest.mark.parametrize("prefix", ["", "/api"])
def test_graphiql_runs_a_query_offline(prefix: str) -> None:
    browser = chromium("GraphiQL browser test")
    wrap = mounted(prefix) if prefix else None
    with federation(accounts, products, reviews, wrap=wrap) as gateway:
        origin = gateway.removesuffix("/graphql")
        page = f"{origin}{prefix}/graphql"
        report = open_graphiql(page, browser)
    assert report.get("failure") is None, (report["failure"], report.get("body"))
    assert report["status"] == 200
    # Nothing even tried to leave loopback, and the page ran under its own CSP.
    assert report["blocked"] == []
    assert report["csp"].startswith("default-src 'none'; script-src 'self'")
    assert report["violations"] == []
    assert report["pageErrors"] == []
    assert report["consoleErrors"] == []
    loaded = {urlsplit(u).path for u in report["requests"]}
    assert f"{prefix}/graphiql/graphiql.min.js" in loaded
    assert all(u.startswith(origin) for u in report["requests"])
    assert report["query"] == "{ me { name } }"
    assert json.loads(report["result"]) == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert '"Ada Lovelace"' in report["resultText"]
