"""CSRF prevention over HTTP, with Apollo Router's rules: a request a browser could send
cross-site without a preflight is refused unless it carries a preflight-forcing header. A
``GET`` is where that bites; a simple ``POST`` is refused even earlier, with 415, because the
gateway reads only JSON bodies (Router answers those 400 ``CSRF_ERROR``; either way the
operation never runs)."""

from __future__ import annotations

import json
from unittest.mock import ANY
from urllib.parse import quote

import pytest

from hansa.demo.accounts import accounts
from tests.support.federation import federation
from tests.support.http import request

QUERY = "{ me { name } }"
ANSWER = {"data": {"me": {"name": "Ada Lovelace"}}}
BODY = json.dumps({"query": QUERY}).encode()


@pytest.mark.parametrize(
    ("method", "headers", "status"),
    [
        ("GET", {}, 400),
        ("GET", {"apollo-require-preflight": "true"}, 200),
        ("GET", {"x-apollo-operation-name": "Me"}, 200),
        # Simple POSTs never run either way: the gateway reads only JSON bodies (415 first).
        ("POST", {"content-type": "text/plain"}, 415),
        ("POST", {"content-type": "application/x-www-form-urlencoded"}, 415),
        ("POST", {"content-type": "multipart/form-data; boundary=x"}, 415),
        ("POST", {}, 415),
        ("POST", {"content-type": "application/json"}, 200),
        ("POST", {"content-type": "application/json; charset=utf-8"}, 200),
        # preflighted by its header, then refused for what it is: not JSON
        ("POST", {"content-type": "text/plain", "apollo-require-preflight": "1"}, 415),
    ],
)
def test_simple_requests_need_a_preflight_header(
    method: str, headers: dict[str, str], status: int
) -> None:
    with federation(accounts) as url:
        if method == "GET":
            answer = request(f"{url}?query={quote(QUERY)}", method="GET", headers=headers)
        else:
            answer = request(url, body=BODY, headers=headers)
    assert answer.status == status, answer.body
    body = json.loads(answer.body)
    if status == 200:
        assert body == ANSWER
    elif status == 400:
        [error] = body["errors"]
        assert error["extensions"] == {"code": "CSRF_ERROR", "requestId": ANY}
        assert error["message"].startswith(
            "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF)."
        )


def test_csrf_prevention_can_be_turned_off() -> None:
    with federation(accounts, csrf_required_headers=None) as url:
        answer = request(f"{url}?query={quote(QUERY)}", method="GET")
    assert json.loads(answer.body) == ANSWER
