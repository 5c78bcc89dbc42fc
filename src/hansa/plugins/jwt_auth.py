"""JWT authentication: the request's bearer token verified against a JWKS (a URL, cached and
refreshed, or a file) or a shared secret, before anything is parsed.

- No token: the request goes on as anonymous, unless ``require_authentication``.
- A token that is malformed, unsigned (``alg: none``), signed with an algorithm not allowed or
  by a key not in the set, expired, not yet valid, from another issuer, for another audience,
  tampered with or larger than ``max_token_bytes``: 401 ``UNAUTHENTICATED`` with a
  ``WWW-Authenticate`` header, and nothing else happens.
- A valid token: its claims are in ``context.state["claims"]`` and its scopes (the
  ``scopes_claim``, space-separated or a list) in ``context.state["scopes"]``, for the
  authorization plugin, policies, rate-limit keys and your own plugins.

Asymmetric algorithms only take keys from the JWKS, and ``HS256`` only the configured secret,
so a token cannot pick its own key (the RS256/HS256 confusion). A ``kid`` the cached set does
not have triggers one refresh of the set, at most once per ``jwks_min_refresh_secs``; the set is
also refreshed when older than ``jwks_cache_secs``. Uses ``pyjwt`` with ``cryptography``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp

from hansa.pipeline.context import GatewayResponse, RequestContext, SubgraphRequest
from hansa.pipeline.plugin import Plugin

if TYPE_CHECKING:
    import jwt

log = logging.getLogger("hansa.auth")

ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA")


@dataclass(frozen=True)
class JwtPolicy:
    jwks_url: str | None = None
    jwks_file: str | None = None
    secret: str | None = None  # HS256 is accepted only when this is set
    issuer: str | None = None
    audiences: tuple[str, ...] = ()
    algorithms: tuple[str, ...] = ASYMMETRIC
    scopes_claim: str = "scope"
    require_authentication: bool = False
    clock_skew: float = 60.0
    header: str = "authorization"
    scheme: str = "Bearer"
    cookie: str | None = None
    max_token_bytes: int = 8192
    jwks_cache_secs: float = 300.0
    jwks_min_refresh_secs: float = 10.0
    # Sent to every subgraph: the client's token (as ``authorization: Bearer ...``), and
    # header -> claim for selected claims.
    forward_token: bool = False
    forward_claims: Mapping[str, str] = field(default_factory=dict)


class InvalidToken(Exception):
    """Why a token was refused, in words safe to show the client."""


class KeySet:
    """The JWKS: keys by ``kid``, loaded from a file once or from a URL with caching."""

    def __init__(self, policy: JwtPolicy) -> None:
        self.policy = policy
        self.keys: dict[str | None, jwt.PyJWK] = {}
        self.loaded_at = 0.0
        self.refreshed_at = -float("inf")
        self._lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None
        if policy.jwks_file is not None:
            self._load(json.loads(Path(policy.jwks_file).read_text()))

    def _load(self, document: Any) -> None:
        import jwt

        keys: dict[str | None, jwt.PyJWK] = {}
        for entry in document.get("keys", []) if isinstance(document, dict) else []:
            try:
                key = jwt.PyJWK(entry)
            except (jwt.PyJWKError, jwt.InvalidKeyError, KeyError, ValueError) as error:
                log.warning("JWKS key %s skipped: %s", entry.get("kid"), error)
                continue
            keys[key.key_id] = key
        self.keys = keys
        self.loaded_at = time.monotonic()

    async def key_for(self, kid: str | None, algorithm: str) -> jwt.PyJWK:
        if self.policy.jwks_url is not None:
            stale = time.monotonic() - self.loaded_at > self.policy.jwks_cache_secs
            if stale or (kid is not None and kid not in self.keys):
                await self._refresh()
        if kid is not None:
            key = self.keys.get(kid)
            if key is None:
                raise InvalidToken("the token's key is not known")
            return key
        matching = [k for k in self.keys.values() if k.algorithm_name in (algorithm, None)]
        if len(matching) != 1:
            raise InvalidToken("the token names no key (kid) and the key set has several")
        return matching[0]

    async def _refresh(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if now - self.refreshed_at < self.policy.jwks_min_refresh_secs:
                return
            self.refreshed_at = now
            assert self.policy.jwks_url is not None
            if self._session is None or self._session.closed:
                self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
            try:
                async with self._session.get(self.policy.jwks_url) as response:
                    response.raise_for_status()
                    document = await response.json(content_type=None)
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                log.error("cannot fetch the JWKS from %s: %s", self.policy.jwks_url, error)
                return  # keep the keys we have
            self._load(document)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()


class JwtAuthentication(Plugin):
    name = "jwt"

    def __init__(self, policy: JwtPolicy) -> None:
        if policy.jwks_url is None and policy.jwks_file is None and policy.secret is None:
            raise ValueError("[auth.jwt] needs jwks_url, jwks_file or secret")
        self.policy = policy
        self.keys = KeySet(policy)
        self.refused = 0

    def token_of(self, context: RequestContext) -> str | None:
        policy = self.policy
        value = context.headers.get(policy.header.lower())
        if value is not None:
            scheme, _, token = value.strip().partition(" ")
            if not policy.scheme:
                return value.strip()
            if scheme.lower() == policy.scheme.lower() and token.strip():
                return token.strip()
            raise InvalidToken(f"the {policy.header} header is not '{policy.scheme} <token>'")
        if policy.cookie is not None:
            return _cookie(context.headers.get("cookie", ""), policy.cookie)
        return None

    async def verify(self, token: str) -> dict[str, Any]:
        import jwt  # here, not at import: a gateway without [auth.jwt] never loads it

        policy = self.policy
        if len(token) > policy.max_token_bytes:
            raise InvalidToken("the token is too large")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise InvalidToken("the token is malformed") from None
        algorithm = header.get("alg")
        if algorithm == "HS256" and policy.secret is not None:
            key: Any = policy.secret
        elif algorithm in policy.algorithms and algorithm in ASYMMETRIC:
            if policy.jwks_url is None and policy.jwks_file is None:
                raise InvalidToken(f"tokens signed with {algorithm} are not accepted")
            kid = header.get("kid")
            key = await self.keys.key_for(kid if isinstance(kid, str) else None, algorithm)
        else:
            raise InvalidToken(f"tokens signed with {algorithm!r} are not accepted")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=list(policy.audiences) or None,
                issuer=policy.issuer,
                leeway=policy.clock_skew,
                options={"verify_aud": bool(policy.audiences)},
            )
        except jwt.PyJWTError as error:
            raise InvalidToken(_reason(error)) from None
        return claims

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        try:
            token = self.token_of(context)
            if token is None:
                if self.policy.require_authentication:
                    raise InvalidToken("this graph needs a token")
                return None
            claims = await self.verify(token)
        except InvalidToken as reason:
            self.refused += 1
            answer = GatewayResponse.refusal(
                401, "UNAUTHENTICATED", f"Authentication failed: {reason}."
            )
            answer.headers.append(("www-authenticate", 'Bearer error="invalid_token"'))
            return answer
        context.state["claims"] = claims
        context.state["scopes"] = _scopes(claims.get(self.policy.scopes_claim))
        context.state["token"] = token
        context.identity.append(("jwt", token))
        return None

    def health(self) -> dict[str, Any] | None:
        return {"keys": len(self.keys.keys), "refused": self.refused}

    async def close(self) -> None:
        await self.keys.close()


class IdentityForwarding(Plugin):
    """Sends the verified token and selected claims to every subgraph (``forward_token``,
    ``forward_claims``); a separate plugin so that a gateway forwarding nothing pays no
    per-fetch hook."""

    name = "jwt_forwarding"

    def __init__(self, policy: JwtPolicy) -> None:
        self.policy = policy

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        context = request.context
        if context is None or "claims" not in context.state:
            return None
        if self.policy.forward_token:
            request.headers["authorization"] = f"Bearer {context.state['token']}"
        claims = context.state["claims"]
        for header, claim in self.policy.forward_claims.items():
            value = claims.get(claim)
            if value is not None:
                request.headers[header] = value if isinstance(value, str) else json.dumps(value)
        return None


def _reason(error: Exception) -> str:
    """Why pyjwt refused a token, in words safe to show the client."""
    import jwt

    reasons = (
        (jwt.ExpiredSignatureError, "the token has expired"),
        (jwt.ImmatureSignatureError, "the token is not valid yet"),
        (jwt.InvalidIssuerError, "the token's issuer is not accepted"),
        (jwt.InvalidAudienceError, "the token's audience is not accepted"),
        (jwt.InvalidSignatureError, "the token's signature does not verify"),
    )
    for kind, reason in reasons:
        if isinstance(error, kind):
            return reason
    return "the token is invalid"


def _scopes(value: Any) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset(value.split())
    if isinstance(value, list):
        return frozenset(v for v in value if isinstance(v, str))
    return frozenset()


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None
