"""JWT authentication with real keys: RSA, EC and Ed25519 keys made with ``cryptography``, a
JWKS served on loopback (and rotated), tokens signed with ``pyjwt``. Every refusal is 401
``UNAUTHENTICATED`` and reaches no subgraph; the expected outcomes are RFC 7519's and Apollo
Router's (the code and status it uses for an invalid token)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from hansa.http.asgi import Receive, Scope, Send, send_response
from hansa.http.serve import serving
from hansa.plugins.jwt_auth import JwtPolicy
from hansa.plugins.rate_limit import RateLimitPolicy
from hansa.subgraph import Subgraph
from tests.support.federation import federation
from tests.support.http import post_graphql

SDL = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    "type Query { whoami: String }"
)
ISSUER, AUDIENCE = "https://issuer.example", "hansa-tests"

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_NEXT = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
ED_KEY = ed25519.Ed25519PrivateKey.generate()


def _jwk(private: Any, kid: str, alg: str) -> dict[str, Any]:
    encoder = {"RS256": RSAAlgorithm, "ES256": ECAlgorithm, "EdDSA": OKPAlgorithm}[alg]
    jwk: dict[str, Any] = encoder.to_jwk(private.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "alg": alg, "use": "sig"}


class Jwks:
    """A JWKS endpoint whose keys can be rotated; counts its fetches."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.keys = keys
        self.fetches = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        self.fetches += 1
        body = json.dumps({"keys": self.keys}).encode()
        await send_response(send, 200, body, "application/json")


def _token(
    private: Any = RSA_KEY, kid: str | None = "rsa-1", alg: str = "RS256", **claims: Any
) -> str:
    now = int(time.time())
    # A day: tokens made when the tests are collected must outlive a long run of the suite.
    payload = {"sub": "ada", "iss": ISSUER, "aud": AUDIENCE, "exp": now + 86_400, "iat": now}
    payload.update(claims)
    payload = {k: v for k, v in payload.items() if v is not None}
    headers = {"kid": kid} if kid else {}
    return jwt.encode(payload, private, algorithm=alg, headers=headers)


@contextmanager
def _graph(jwks: Jwks, seen: list[dict[str, str]], **policy: Any) -> Iterator[str]:
    subgraph = Subgraph("people", SDL)

    @subgraph.field("Query", "whoami")
    def whoami(_root: Any, info: Any) -> str:
        seen.append(dict(info.context["headers"]))
        return "someone"

    with serving(jwks) as (jwks_base,):
        settings = JwtPolicy(
            jwks_url=f"{jwks_base}/jwks.json",
            issuer=ISSUER,
            audiences=(AUDIENCE,),
            jwks_min_refresh_secs=0.3,
            **policy,
        )
        with federation(subgraph, jwt=settings) as url:
            yield url


def _ask(url: str, token: str | None, header: str = "Bearer") -> tuple[int, Any]:
    headers = {"authorization": f"{header} {token}"} if token is not None else {}
    response = post_graphql(url, "{ whoami }", headers=headers)
    return response.status, response.json_without_request_ids()


KEYS = [
    _jwk(RSA_KEY, "rsa-1", "RS256"),
    _jwk(EC_KEY, "ec-1", "ES256"),
    _jwk(ED_KEY, "ed-1", "EdDSA"),
]


def test_valid_tokens_of_each_algorithm_are_accepted_and_claims_forwarded() -> None:
    seen: list[dict[str, str]] = []
    with _graph(Jwks(KEYS), seen, forward_claims={"x-user-id": "sub"}) as url:
        answers = [
            _ask(url, _token()),
            _ask(url, _token(EC_KEY, "ec-1", "ES256")),
            _ask(url, _token(ED_KEY, "ed-1", "EdDSA")),
        ]
        anonymous = _ask(url, None)
    assert answers == [(200, {"data": {"whoami": "someone"}})] * 3
    assert [s.get("x-user-id") for s in seen] == ["ada", "ada", "ada", None]
    assert anonymous == (200, {"data": {"whoami": "someone"}})


def _unsigned() -> str:
    return jwt.encode({"sub": "ada", "iss": ISSUER, "aud": AUDIENCE}, None, algorithm="none")


def _tampered() -> str:
    head, body, signature = _token().split(".")
    claims = json.loads(jwt.utils.base64url_decode(body))
    claims["sub"] = "root"
    forged = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    return f"{head}.{forged}.{signature}"


def _confused() -> str:
    """HS256 signed with the RSA public key as the secret: the classic algorithm confusion."""
    public = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = jwt.utils.base64url_encode(b'{"alg":"HS256","typ":"JWT","kid":"rsa-1"}').decode()
    body = jwt.utils.base64url_encode(
        json.dumps({"sub": "ada", "iss": ISSUER, "aud": AUDIENCE}).encode()
    ).decode()
    import hashlib
    import hmac

    mac = hmac.new(public, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{jwt.utils.base64url_encode(mac).decode()}"


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (_unsigned(), "tokens signed with 'none' are not accepted"),
        (_token(RSA_STRANGER), "the token's signature does not verify"),
        (_token(RSA_STRANGER, kid="stranger"), "the token's key is not known"),
        (_token(exp=int(time.time()) - 3600), "the token has expired"),
        (_token(nbf=int(time.time()) + 3600), "the token is not valid yet"),
        (_token(iss="https://evil.example"), "the token's issuer is not accepted"),
        (_token(aud="someone-else"), "the token's audience is not accepted"),
        (_tampered(), "the token's signature does not verify"),
        (_token(padding="x" * 9000), "the token is too large"),
        ("not-a-token", "the token is malformed"),
        (_confused(), "tokens signed with 'HS256' are not accepted"),
    ],
    ids=[
        "alg-none", "other-key", "unknown-kid", "expired", "not-yet-valid", "wrong-issuer",
        "wrong-audience", "tampered", "oversized", "malformed", "rs256-hs256-confusion",
    ],
)  # fmt: skip
def test_bad_tokens_are_refused_before_any_fetch(token: str, reason: str) -> None:
    seen: list[dict[str, str]] = []
    with _graph(Jwks(KEYS), seen) as url:
        status, body = _ask(url, token)
    assert status == 401
    assert body == {
        "errors": [
            {
                "message": f"Authentication failed: {reason}.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }
    assert seen == []


def test_a_wrong_scheme_and_a_required_token() -> None:
    seen: list[dict[str, str]] = []
    with _graph(Jwks(KEYS), seen, require_authentication=True) as url:
        basic = _ask(url, "dXNlcjpwYXNz", header="Basic")
        missing = _ask(url, None)
    assert basic[0] == missing[0] == 401
    assert "is not 'Bearer <token>'" in basic[1]["errors"][0]["message"]
    assert missing[1]["errors"][0]["message"] == "Authentication failed: this graph needs a token."
    assert seen == []


def test_a_rotated_key_is_fetched_once_it_is_published() -> None:
    jwks = Jwks(KEYS)
    with _graph(jwks, []) as url:
        assert _ask(url, _token())[0] == 200
        fresh = _token(RSA_NEXT, kid="rsa-2")
        before = [_ask(url, fresh)[0] for _ in range(5)]  # unknown kid: refreshes, rate-limited
        fetches_before = jwks.fetches
        jwks.keys = [*KEYS, _jwk(RSA_NEXT, "rsa-2", "RS256")]
        time.sleep(0.35)
        after = _ask(url, fresh)[0]
    assert before == [401] * 5
    assert fetches_before <= 2  # the first load, and at most one refresh within 0.3 s
    assert after == 200


def test_hs256_needs_a_configured_secret() -> None:
    subgraph = Subgraph("people", SDL)
    subgraph.field("Query", "whoami")(lambda _r, _i: "someone")
    policy = JwtPolicy(secret="s3cret-s3cret-s3cret-s3cret-s3cret", issuer=ISSUER)
    token = jwt.encode({"sub": "ada", "iss": ISSUER}, policy.secret, algorithm="HS256")
    wrong = jwt.encode(
        {"sub": "ada", "iss": ISSUER}, "another-secret-another-secret-xx", algorithm="HS256"
    )
    with federation(subgraph, jwt=policy) as url:
        assert _ask(url, token) == (200, {"data": {"whoami": "someone"}})
        assert _ask(url, wrong)[0] == 401
        assert _ask(url, _token())[0] == 401  # RS256, but this gateway has no key set


def test_rate_limits_can_key_on_a_verified_claim() -> None:
    limit = RateLimitPolicy(requests_per_second=0.1, burst=1, key="jwt:sub")
    subgraph = Subgraph("people", SDL)
    subgraph.field("Query", "whoami")(lambda _r, _i: "someone")
    with serving(Jwks(KEYS)) as (jwks_base,):
        policy = JwtPolicy(jwks_url=f"{jwks_base}/jwks.json", issuer=ISSUER, audiences=(AUDIENCE,))
        with federation(subgraph, jwt=policy, rate_limit=limit) as url:
            ada = [_ask(url, _token())[0] for _ in range(2)]
            grace = [_ask(url, _token(sub="grace"))[0] for _ in range(2)]
    assert ada == [200, 429]
    assert grace == [200, 429]


def test_the_policy_needs_a_key_source() -> None:
    from hansa.plugins.jwt_auth import JwtAuthentication

    with pytest.raises(ValueError, match="needs jwks_url, jwks_file or secret"):
        JwtAuthentication(replace(JwtPolicy(secret="x"), secret=None))


def test_introspection_can_be_kept_for_a_scope() -> None:
    subgraph = Subgraph("people", SDL)
    subgraph.field("Query", "whoami")(lambda _r, _i: "someone")
    policy = JwtPolicy(secret="introspection-secret-introspection-secret")
    developer = jwt.encode({"sub": "d", "scope": "read dev"}, policy.secret, algorithm="HS256")
    reader = jwt.encode({"sub": "r", "scope": "read"}, policy.secret, algorithm="HS256")
    query = "{ __schema { queryType { name } } }"
    with federation(subgraph, jwt=policy, introspection_scopes=("dev",)) as url:
        answers = [
            post_graphql(url, query, headers=headers).json()
            for headers in (
                {"authorization": f"Bearer {developer}"},
                {"authorization": f"Bearer {reader}"},
                {},
            )
        ]
    assert answers[0] == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    for refused in answers[1:]:
        assert refused["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
