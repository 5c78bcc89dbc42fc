"""Composition errors and hints, with Apollo's codes so CI output reads the same."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    subgraph: str
    line: int
    column: int


@dataclass(frozen=True)
class CompositionError:
    code: str
    message: str
    locations: tuple[Location, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        where = "".join(
            f"\n    at {loc.subgraph}:{loc.line}:{loc.column}" for loc in self.locations
        )
        return f"{self.code}: {self.message}{where}"


@dataclass(frozen=True)
class Hint:
    code: str
    message: str
    coordinate: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class CompositionFailed(Exception):
    """Raised internally to stop at the first phase that produced errors."""

    def __init__(self, errors: list[CompositionError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors
