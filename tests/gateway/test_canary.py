"""Canary routing inside the gateway app: the key from a JWT claim (read, not verified: it only
picks the schema version), hashed into 100 buckets; allow and deny lists; no key, no canary."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from hansa.demo import accounts, products, reviews
from hansa.gateway.gateway import Gateway
from hansa.server.app import GatewayApp
from hansa.server.canary import CanaryRoute, bucket
from tests.support.federation import federation
from tests.support.http import post_graphql


def token(claims: dict[str, Any]) -> str:
    """A JWT-shaped bearer token (the signature is not looked at by the router)."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}.c2ln"


def with_canary(app: GatewayApp) -> GatewayApp:
    main = app.gateway
    main.composition = "1"
    canary = Gateway(main.supergraph.sdl, main.config, pipeline=main.pipeline)
    canary.composition = "2"
    app.set_canary(
        CanaryRoute(canary, 40, frozenset({"vip"}), frozenset({"bank"}), "claim:company")
    )
    return app


def test_a_jwt_claim_picks_the_side_by_its_bucket() -> None:
    with federation(accounts, products, reviews, wrap=with_canary) as url:

        def served(headers: dict[str, str]) -> str:
            answer = post_graphql(url, "{ me { name } }", headers=headers)
            assert answer.json() == {"data": {"me": {"name": "Ada Lovelace"}}}
            return answer.headers["x-hansa-composition"]

        companies = [f"c{i}" for i in range(50)]
        seen = {c: served({"authorization": f"Bearer {token({'company': c})}"}) for c in companies}
        assert seen == {c: "2" if bucket(c) < 40 else "1" for c in companies}
        assert served({"authorization": f"Bearer {token({'company': 'vip'})}"}) == "2"
        assert served({"authorization": f"Bearer {token({'company': 'bank'})}"}) == "1"
        # No token, a token without the claim, or one that is not a JWT: the current side.
        assert served({}) == "1"
        assert served({"authorization": f"Bearer {token({'sub': 'x'})}"}) == "1"
        assert served({"authorization": "Bearer not-a-jwt"}) == "1"


def test_buckets_are_stable_and_spread() -> None:
    # sha256 of the key, first 8 bytes, modulo 100: the same in every process and release.
    assert bucket("acme") == int.from_bytes(hashlib.sha256(b"acme").digest()[:8], "big") % 100
    counts = [0] * 10
    for i in range(10_000):
        counts[bucket(f"key-{i}") // 10] += 1
    assert all(900 < c < 1100 for c in counts)  # each decile about a tenth
