"""CORS over HTTP, per the Fetch standard's CORS protocol: preflights answered for allowed
origins only, actual responses carrying the allow-origin header, ``*`` never with
credentials, and no CORS headers at all until origins are configured."""

from __future__ import annotations

import json

import pytest

from hansa.demo.accounts import accounts
from hansa.gateway import Gateway, GatewayConfig
from hansa.http.cors import CorsPolicy
from tests.support.federation import federation, supergraph_of
from tests.support.http import request

BODY = json.dumps({"query": "{ me { name } }"}).encode()
JSON = {"content-type": "application/json"}
APP = "https://app.example.com"


def _preflight(url: str, origin: str) -> dict[str, str]:
    headers = {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
    }
    answer = request(url, method="OPTIONS", headers=headers)
    assert answer.status == 204
    return answer.headers


def test_allowed_origins_get_preflights_and_headers() -> None:
    policy = CorsPolicy(
        origins=(APP,),
        match_origins=(r"https://[a-z0-9]+\.preview\.example\.com",),
        allow_credentials=True,
        expose_headers=("x-request-id",),
    )
    with federation(accounts, cors=policy) as url:
        allowed = _preflight(url, APP)
        matched = _preflight(url, "https://pr42.preview.example.com")
        refused = _preflight(url, "https://evil.example")
        answer = request(url, body=BODY, headers={**JSON, "origin": APP})
        stranger = request(url, body=BODY, headers={**JSON, "origin": "https://evil.example"})
    assert allowed["access-control-allow-origin"] == APP
    assert allowed["access-control-allow-credentials"] == "true"
    assert allowed["access-control-allow-methods"] == "GET, POST, OPTIONS"
    assert allowed["access-control-allow-headers"] == "content-type, authorization"
    assert allowed["access-control-max-age"] == "600"
    assert matched["access-control-allow-origin"] == "https://pr42.preview.example.com"
    assert "access-control-allow-origin" not in refused
    assert answer.headers["access-control-allow-origin"] == APP
    assert answer.headers["access-control-expose-headers"] == "x-request-id"
    assert answer.headers["vary"] == "origin"
    assert json.loads(answer.body) == {"data": {"me": {"name": "Ada Lovelace"}}}
    # A disallowed origin still gets its answer (CORS is the browser's to enforce), unmarked.
    assert "access-control-allow-origin" not in stranger.headers


def test_any_origin_and_none() -> None:
    with federation(accounts, cors=CorsPolicy(origins=("*",))) as url:
        anyone = request(url, body=BODY, headers={**JSON, "origin": "https://x.example"})
    with federation(accounts) as url:
        default = request(url, body=BODY, headers={**JSON, "origin": "https://x.example"})
    assert anyone.headers["access-control-allow-origin"] == "*"
    assert not [h for h in default.headers if h.startswith("access-control-")]


def test_any_origin_with_credentials_is_refused_at_start() -> None:
    from hansa.server.app import GatewayApp

    gateway = Gateway(
        supergraph_of(accounts),
        GatewayConfig(cors=CorsPolicy(origins=("*",), allow_credentials=True)),
    )
    with pytest.raises(ValueError, match="cannot be used with allow_credentials"):
        GatewayApp(gateway)
