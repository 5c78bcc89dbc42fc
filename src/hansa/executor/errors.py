"""The errors of one response: one ``ResponseError`` type and the ``ErrorCollector`` that holds
them while a plan runs and the response completes.

Errors come from three places: a fetch that failed (transport), errors a subgraph reported
(re-pathed from the subgraph's response to the client's: an ``_entities`` error to the path of
every object that produced that representation), and completion (a null where the schema
forbids one, a leaf value that does not serialize). Each becomes a ``ResponseError``; only the
finished response formats them as JSON objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from hansa.transport.client import SubgraphFetchError

Path = list[str | int]


@dataclass(frozen=True, slots=True)
class ResponseError:
    message: str
    path: Path | None = None
    extensions: dict[str, Any] | None = None

    @property
    def code(self) -> str | None:
        return None if self.extensions is None else self.extensions.get("code")

    @classmethod
    def coded(cls, message: str, code: str, path: Path | None = None) -> ResponseError:
        return cls(message, path, {"code": code})

    @classmethod
    def from_fetch_failure(cls, failure: SubgraphFetchError) -> ResponseError:
        """A fetch that produced no GraphQL response, worded as Apollo Router words it."""
        extensions: dict[str, Any] = {
            "code": failure.code,
            "service": failure.subgraph,
            "reason": failure.reason,
        }
        if failure.status is not None:
            extensions["http"] = {"status": failure.status}
        return cls(failure.message, None, extensions)

    @classmethod
    def from_subgraph(cls, raw: Any, subgraph: str) -> ResponseError:
        """An error as a subgraph reported it, path still in the subgraph's response: keeps
        message and extensions, adds ``serviceName`` and a default code (as Apollo Gateway)."""
        if not isinstance(raw, dict):
            return cls(
                "Subgraph returned a malformed error.",
                None,
                {"code": "SUBREQUEST_MALFORMED_RESPONSE", "serviceName": subgraph},
            )
        raw_path = raw.get("path")
        path: Path | None = None
        if (
            isinstance(raw_path, list)
            and len(raw_path) <= MAX_PATH_LENGTH
            and all(isinstance(p, str | int) for p in raw_path)
        ):
            path = list(raw_path)  # a longer one names no field of a response we send
        extensions = raw.get("extensions")
        extensions = dict(extensions) if isinstance(extensions, dict) else {}
        extensions.setdefault("code", "DOWNSTREAM_SERVICE_ERROR")
        extensions["serviceName"] = subgraph
        return cls(str(raw.get("message", "")), path, extensions)

    def entity_index(self, count: int) -> int | None:
        """The representation an ``_entities`` error is about (``["_entities", i, ...]``)."""
        path = self.path
        if (
            path is not None
            and len(path) >= 2
            and path[0] == "_entities"
            and isinstance(path[1], int)
            and 0 <= path[1] < count
        ):
            return path[1]
        return None

    def at_entity(self, owner_paths: list[Path]) -> list[ResponseError]:
        """An ``_entities[i]`` error at the client's path of each object behind representation
        *i*, the rest of the subgraph's path appended."""
        assert self.path is not None
        below = self.path[2:]
        return [replace(self, path=owner + below) for owner in owner_paths]

    def without_path(self) -> ResponseError:
        return replace(self, path=None)

    def formatted(self) -> dict[str, Any]:
        result: dict[str, Any] = {"message": self.message}
        if self.path is not None:
            result["path"] = self.path
        if self.extensions is not None:
            result["extensions"] = self.extensions
        return result


MAX_ERRORS = 1000  # errors in one response
MAX_PATH_LENGTH = 512  # steps in a subgraph error's path (selections are at most 100 deep)


class ErrorCollector:
    """The errors of one response so far, in the order they happened: each distinct (message,
    path, code) once (errors without a path, one per failed fetch, all), and at most
    ``MAX_ERRORS``, the rest counted in a last error
    (``ERRORS_TRUNCATED``), so a subgraph's error storm cannot grow a response without bound."""

    __slots__ = ("_errors", "_omitted", "_seen")

    def __init__(self) -> None:
        self._errors: list[ResponseError] = []
        self._seen: set[tuple[Any, ...]] = set()
        self._omitted = 0

    def add(self, error: ResponseError) -> None:
        if error.path is not None:  # a pathless error is one per failed fetch: all kept
            identity = (error.message, tuple(error.path), error.code)
            if identity in self._seen:
                return
            self._seen.add(identity)
        if len(self._errors) >= MAX_ERRORS:
            self._omitted += 1
            return
        self._errors.append(error)

    def extend(self, errors: list[ResponseError]) -> None:
        for error in errors:
            self.add(error)

    def retain(self, keep: Callable[[ResponseError], bool]) -> None:
        self._errors = [e for e in self._errors if keep(e)]

    def __iter__(self) -> Iterator[ResponseError]:
        return iter(self._errors)

    def __len__(self) -> int:
        return len(self._errors)

    def formatted(self) -> list[dict[str, Any]]:
        found = [e.formatted() for e in self._errors]
        if self._omitted:
            found.append(
                {
                    "message": f"{self._omitted} more errors were omitted.",
                    "extensions": {"code": "ERRORS_TRUNCATED"},
                }
            )
        return found
