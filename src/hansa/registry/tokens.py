"""Access tokens: who may do what. A token is 32 random bytes shown once; the registry keeps
only its SHA-256 digest, looked up by digest (a digest lookup leaks nothing about other
tokens, so no timing-safe comparison of secrets is needed beyond ``hmac.compare_digest``).

Roles: ``admin`` (everything, tokens included), ``publish`` (publish and check schemas, publish
persisted operations, read), ``read`` (gateways: supergraphs, history, usage reports). A token
may be narrowed to one graph, one variant and (for publishing) one subgraph.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "publish", "read"]
ROLES: tuple[Role, ...] = ("admin", "publish", "read")
Action = Literal["admin", "publish", "read"]

_GRANTS: dict[Role, frozenset[Action]] = {
    "admin": frozenset({"admin", "publish", "read"}),
    "publish": frozenset({"publish", "read"}),
    "read": frozenset({"read"}),
}

PREFIX = "hansa_"


def new_secret() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(frozen=True)
class Token:
    name: str
    role: Role
    graph: str | None = None
    variant: str | None = None
    subgraph: str | None = None

    def allows(
        self,
        action: Action,
        graph: str | None = None,
        variant: str | None = None,
        subgraph: str | None = None,
    ) -> bool:
        if action not in _GRANTS[self.role]:
            return False
        return all(
            mine is None or asked is None or mine == asked
            for mine, asked in (
                (self.graph, graph),
                (self.variant, variant),
                (self.subgraph, subgraph),
            )
        )

    def to_json(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "role": self.role,
            "graph": self.graph,
            "variant": self.variant,
            "subgraph": self.subgraph,
        }
