"""CORS: which browser origins may call the gateway, answered on preflights (``OPTIONS``) and
on every response. Off (no CORS headers: same-origin pages only) until origins are configured.

``origins`` are exact (``https://app.example.com``) or ``*`` (any origin, never with
credentials: the CORS standard forbids ``*`` with credentials, so that combination is refused
at start); ``match_origins`` are regular expressions matched against the whole origin.
Allowed request headers are ``allow_headers``, or, when empty, whatever the preflight asks
for. Responses vary on ``Origin``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

METHODS = b"GET, POST, OPTIONS"


@dataclass(frozen=True)
class CorsPolicy:
    origins: tuple[str, ...] = ()
    match_origins: tuple[str, ...] = ()
    allow_credentials: bool = False
    allow_headers: tuple[str, ...] = ()
    expose_headers: tuple[str, ...] = ()
    max_age: int = 600


class Cors:
    def __init__(self, policy: CorsPolicy) -> None:
        if policy.allow_credentials and "*" in policy.origins:
            raise ValueError('[cors]: origins = ["*"] cannot be used with allow_credentials')
        self.policy = policy
        self.any = "*" in policy.origins
        self.exact = frozenset(o for o in policy.origins if o != "*")
        self.patterns = [re.compile(p) for p in policy.match_origins]

    @property
    def enabled(self) -> bool:
        return bool(self.policy.origins or self.policy.match_origins)

    def allowed(self, origin: str) -> bool:
        return self.any or origin in self.exact or any(p.fullmatch(origin) for p in self.patterns)

    def response_headers(self, origin: str | None) -> list[tuple[bytes, bytes]]:
        """Headers for an actual response to a request from ``origin``."""
        if origin is None or not self.allowed(origin):
            return [(b"vary", b"origin")] if self.enabled else []
        headers = [
            (b"access-control-allow-origin", b"*" if self.any else origin.encode("latin-1")),
            (b"vary", b"origin"),
        ]
        if self.policy.allow_credentials:
            headers.append((b"access-control-allow-credentials", b"true"))
        if self.policy.expose_headers:
            exposed = ", ".join(self.policy.expose_headers).encode("latin-1")
            headers.append((b"access-control-expose-headers", exposed))
        return headers

    def preflight_headers(
        self, origin: str | None, requested_headers: str | None
    ) -> list[tuple[bytes, bytes]]:
        """Headers for the answer to a preflight; none when ``origin`` is not allowed."""
        if origin is None or not self.allowed(origin):
            return [(b"vary", b"origin")] if self.enabled else []
        headers = self.response_headers(origin)
        headers.append((b"access-control-allow-methods", METHODS))
        allowed: Sequence[str] = self.policy.allow_headers
        if allowed:
            headers.append((b"access-control-allow-headers", ", ".join(allowed).encode("latin-1")))
        elif requested_headers:
            headers.append((b"access-control-allow-headers", requested_headers.encode("latin-1")))
        headers.append((b"access-control-max-age", str(self.policy.max_age).encode("latin-1")))
        return headers
