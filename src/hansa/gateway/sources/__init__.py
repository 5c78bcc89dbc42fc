"""Where the gateway's supergraph comes from: one ``SupergraphSource`` per kind of place, each
its own module (``file``, ``compose``, ``registry``, ``directory``), polled by one loop
(``hansa.gateway.reload.poll``).

A source answers ``load()`` with a ``Loaded`` supergraph, with ``None`` when nothing changed
since its last answer, or raises ``SourceError`` with a readable reason. Whether the SDL is
usable is decided by the gateway, not the source: only after the gateway swapped it in does it
call ``accepted()``, so a source that keeps a copy (the registry's disk cache) never keeps one
that failed to load.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass


class SourceError(Exception):
    """The source cannot give a supergraph now; the message says why (and where)."""


@dataclass(frozen=True)
class CanaryRollout:
    """A second supergraph served to ``percent`` of clients, picked by a stable key (a header
    or a JWT claim, ``header:NAME`` / ``claim:NAME``) hashed modulo 100; keys in ``allow``
    always get it, keys in ``deny`` never."""

    sdl: str
    version: str
    percent: int
    allow: frozenset[str]
    deny: frozenset[str]
    key: str


@dataclass(frozen=True)
class Loaded:
    """A supergraph as a source gave it.

    ``version`` identifies it at the source (a composition number, a file's digest), shown in
    logs and, for registry compositions, in the ``x-hansa-composition`` response header."""

    sdl: str
    version: str
    origin: str  # where it came from, for log lines: a path, a URL
    canary: CanaryRollout | None = None
    composition: str | None = None  # a registry's composition number, for x-hansa-composition


class SupergraphSource(ABC):
    """A place the gateway gets its supergraph from."""

    #: Seconds between polls once serving; ``None``: loaded once, at start.
    interval: float | None = None

    @abstractmethod
    async def load(self) -> Loaded | None:
        """The supergraph, or ``None`` when it is unchanged since the last answer."""

    def accepted(self, loaded: Loaded) -> None:  # noqa: B027 (most sources keep nothing)
        """The gateway now serves ``loaded`` (it parsed and planned with it)."""

    @abstractmethod
    def describe(self) -> str:
        """Where this source reads from, for messages."""
