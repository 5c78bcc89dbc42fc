"""Canary rollouts: a second gateway, on the registry's next composition, serves a stable
share of clients. A client's key (a header, or a JWT claim) is hashed into one of 100 buckets;
buckets below ``percent`` get the canary, so one client stays on one side as the share grows.

The claim is read from the bearer token without verifying it: it only picks which schema
version answers, and the chosen gateway's own authentication still verifies the token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

import orjson

from hansa.gateway.gateway import Gateway
from hansa.http.asgi import Scope, header


def bucket(key: str) -> int:
    """The key's bucket, 0-99, the same in every gateway process."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") % 100


def _claim(scope: Scope, name: str) -> str | None:
    scheme, _, token = (header(scope, b"authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    parts = token.strip().split(".")
    if len(parts) != 3:
        return None
    try:
        claims = orjson.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return None
    value = claims.get(name) if isinstance(claims, dict) else None
    return None if value is None or isinstance(value, dict | list) else str(value)


@dataclass
class CanaryRoute:
    gateway: Gateway
    percent: int
    allow: frozenset[str]
    deny: frozenset[str]
    key: str  # "header:NAME" or "claim:NAME"

    def key_of(self, scope: Scope) -> str | None:
        kind, _, name = self.key.partition(":")
        if kind == "claim":
            return _claim(scope, name)
        return header(scope, name.lower().encode("latin-1"))

    def picks(self, scope: Scope) -> bool:
        key = self.key_of(scope)
        if key is None or key in self.deny:
            return False
        return key in self.allow or bucket(key) < self.percent
