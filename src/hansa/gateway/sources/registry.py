"""A supergraph from a Hansa registry (``hansa registry serve``), polled with ``If-None-Match``.

What makes it survive the registry: every answer's signature is verified (when the gateway
has the registry's public key) before it is offered to the gateway, the last supergraph the
gateway accepted is written to ``cache_dir`` (a temporary file renamed over the old copy), and
a gateway that starts while the registry is unreachable starts from that copy. A poll that
fails changes nothing; the next one tries again.
"""

from __future__ import annotations

import asyncio
import logging
import os
from pathlib import Path
from typing import Any

import orjson

from hansa.files import write_atomically
from hansa.gateway.sources import CanaryRollout, Loaded, SourceError, SupergraphSource
from hansa.registry.client import ClientError, RegistryClient, variant_path
from hansa.registry.signing import SignatureError, verify

log = logging.getLogger("hansa.gateway")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hansa"


def manifest_path(cache_dir: Path | None, graph: str) -> Path:
    """Where a gateway keeps the graph's persisted operations fetched from the registry."""
    return (cache_dir or default_cache_dir()) / f"{graph}.persisted-operations.json"


class PublishedSource(SupergraphSource):
    """What the registry's answer and a directory's ``supergraph.json`` share: the answer's
    shape, its signatures, and the disk copy. Subclasses say how to fetch it."""

    def __init__(
        self,
        graph: str,
        variant: str,
        *,
        interval: float,
        public_key: str | None,
        cache_dir: Path | None,
    ) -> None:
        self.graph, self.variant = graph, variant
        self.interval = interval
        self.public_key = public_key
        self.cache_file = (cache_dir or default_cache_dir()) / f"{graph}@{variant}.json"
        self._answers: dict[str, Any] = {}  # Loaded.version → the answer it came from
        self._serving = False
        if public_key is None:
            log.warning(
                "no public key configured for %s@%s: supergraph signatures are not checked",
                graph,
                variant,
            )

    async def fetch(self) -> dict[str, Any] | None:
        """The published answer, ``None`` when unchanged; ``SourceError`` when unreachable."""
        raise NotImplementedError

    async def load(self) -> Loaded | None:
        try:
            answer = await self.fetch()
        except SourceError as error:
            if self._serving:
                raise
            answer = await asyncio.to_thread(self._read_copy, error)
        if answer is None:
            return None
        loaded = self._loaded(answer)
        self._answers = {loaded.version: answer}
        return loaded

    def accepted(self, loaded: Loaded) -> None:
        self._serving = True
        answer = self._answers.get(loaded.version)
        if answer is not None:
            try:
                write_atomically(self.cache_file, orjson.dumps(answer))
            except OSError as error:
                log.warning(
                    "cannot keep a copy of the supergraph in %s: %s", self.cache_file, error
                )

    def _read_copy(self, error: SourceError) -> dict[str, Any]:
        try:
            answer = orjson.loads(self.cache_file.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            raise SourceError(f"{error}; and no usable copy in {self.cache_file}") from None
        log.warning("%s; starting from the copy in %s", error, self.cache_file)
        return dict(answer)

    def _loaded(self, answer: dict[str, Any]) -> Loaded:
        try:
            current = answer["current"]
            sdl, number = self._verified(current)
            canary = None
            if answer.get("canary"):
                c = answer["canary"]
                canary_sdl, canary_number = self._verified(c["composition"])
                canary = CanaryRollout(
                    canary_sdl,
                    f"#{canary_number}",
                    int(c["percent"]),
                    frozenset(c.get("allow") or ()),
                    frozenset(c.get("deny") or ()),
                    str(c.get("key") or "header:x-hansa-canary-key"),
                )
        except (KeyError, TypeError, ValueError) as error:
            raise SourceError(
                f"{self.describe()} answered something unreadable: {error!r}"
            ) from None
        version = str(answer.get("etag") or f"#{number}")
        return Loaded(sdl, version, self.describe(), canary, str(number))

    def _verified(self, composition: dict[str, Any]) -> tuple[str, int]:
        sdl, number = composition["supergraph_sdl"], int(composition["number"])
        if not isinstance(sdl, str):
            raise ValueError("no supergraph in the answer")
        if (
            composition.get("graph", self.graph) != self.graph
            or composition.get("variant", self.variant) != self.variant
        ):
            raise SourceError(f"{self.describe()} answered another graph's supergraph")
        if self.public_key is not None:
            try:
                verify(
                    self.public_key,
                    composition.get("signature"),
                    self.graph,
                    self.variant,
                    number,
                    sdl,
                )
            except SignatureError as error:
                raise SourceError(
                    f"composition #{number} from {self.describe()} refused: {error}"
                ) from None
        return sdl, number


class RegistrySource(PublishedSource):
    def __init__(
        self,
        url: str,
        graph: str,
        variant: str = "prod",
        token: str | None = None,
        *,
        interval: float = 10.0,
        timeout: float = 5.0,
        public_key: str | None = None,
        cache_dir: Path | None = None,
        persisted_operations: bool = False,
    ) -> None:
        super().__init__(
            graph, variant, interval=interval, public_key=public_key, cache_dir=cache_dir
        )
        self.client = RegistryClient(url, token, timeout)
        self._etag: str | None = None
        # The graph's persisted operations, kept beside the supergraph's copy; the
        # persisted-queries plugin reloads the file when it changes.
        self.manifest_file = manifest_path(cache_dir, graph) if persisted_operations else None
        self._manifest_etag: str | None = None

    def describe(self) -> str:
        return f"{self.client.url} ({self.graph}@{self.variant})"

    async def fetch(self) -> dict[str, Any] | None:
        headers = {} if self._etag is None else {"if-none-match": self._etag}
        try:
            answer = await self.client.request(
                "GET",
                f"{variant_path(self.graph, self.variant)}/supergraph",
                headers=headers,
                ok=(200, 304),
            )
        except ClientError as error:
            raise SourceError(
                f"the registry at {self.client.url} did not answer: {error}"
            ) from None
        if self.manifest_file is not None:
            await self._refresh_manifest()
        if answer.status == 304:
            return None
        if not isinstance(answer.body, dict):
            raise SourceError(f"the registry at {self.client.url} answered something unreadable")
        self._etag = answer.headers.get("etag")
        return answer.body

    async def _refresh_manifest(self) -> None:
        """Fetch the persisted operations when they changed; on failure keep the copy."""
        assert self.manifest_file is not None
        headers = {} if self._manifest_etag is None else {"if-none-match": self._manifest_etag}
        try:
            answer = await self.client.request(
                "GET", f"/graphs/{self.graph}/persisted-operations", headers=headers, ok=(200, 304)
            )
        except ClientError as error:
            log.warning("persisted operations not refreshed from the registry: %s", error)
            return
        if answer.status == 304:
            return
        await asyncio.to_thread(write_atomically, self.manifest_file, orjson.dumps(answer.body))
        self._manifest_etag = answer.headers.get("etag")
