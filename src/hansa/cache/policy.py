"""Cache policies: how long an answer may be kept and by whom, merged most-restrictively from
every source (the schema's ``@cacheControl``, the client's ``@cache(ttl:)``, subgraphs'
``Cache-Control`` headers), as Apollo Server merges ``@cacheControl`` hints."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CachePolicy:
    """``max_age`` in seconds (None: nothing limits it); ``private``: only for the user who
    asked; ``no_store``: never kept."""

    max_age: float | None = None
    private: bool = False
    no_store: bool = False

    def restrict(self, other: CachePolicy) -> CachePolicy:
        if self.max_age is None:
            max_age = other.max_age
        elif other.max_age is None:
            max_age = self.max_age
        else:
            max_age = min(self.max_age, other.max_age)
        return CachePolicy(max_age, self.private or other.private, self.no_store or other.no_store)

    def ttl(self, default: float) -> float:
        """Seconds to keep an answer for: 0 when it must not be kept."""
        if self.no_store:
            return 0.0
        return default if self.max_age is None else max(0.0, self.max_age)

    def header(self, default: float) -> str:
        """The ``Cache-Control`` value a client gets for this policy."""
        ttl = self.ttl(default)
        if ttl <= 0:
            return "no-store"
        return f"max-age={int(ttl)}, {'private' if self.private else 'public'}"


UNRESTRICTED = CachePolicy()


def from_header(value: str | None) -> CachePolicy:
    """A subgraph's ``Cache-Control``: ``max-age`` (or ``s-maxage``, which wins for a shared
    cache), ``private``, ``no-store``/``no-cache``; anything else is ignored."""
    if not value:
        return UNRESTRICTED
    max_age: float | None = None
    shared_max_age: float | None = None
    private = no_store = False
    for directive in value.lower().split(","):
        name, _, argument = directive.strip().partition("=")
        if name in ("no-store", "no-cache"):
            no_store = True
        elif name == "private":
            private = True
        elif name in ("max-age", "s-maxage"):
            try:
                seconds = max(0.0, float(argument.strip().strip('"')))
            except ValueError:
                no_store = True  # unreadable: keep nothing rather than guess
                continue
            if name == "max-age":
                max_age = seconds
            else:
                shared_max_age = seconds
    return CachePolicy(shared_max_age if shared_max_age is not None else max_age, private, no_store)


def from_headers(headers: Iterable[tuple[str, str]] | None) -> CachePolicy:
    policy = UNRESTRICTED
    for name, value in headers or ():
        if name.lower() == "cache-control":
            policy = policy.restrict(from_header(value))
    return policy
