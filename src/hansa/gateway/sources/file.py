"""A supergraph SDL file (written by Rover, ``@apollo/composition``, ``hansa compose`` or a CI
job); changes are noticed by modification time, so polling costs one ``stat``."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hansa.gateway.sources import Loaded, SourceError, SupergraphSource


class FileSource(SupergraphSource):
    def __init__(self, path: Path, interval: float | None = None) -> None:
        self.path = path
        self.interval = interval
        self._seen: float | None = None

    def describe(self) -> str:
        return str(self.path)

    async def load(self) -> Loaded | None:
        try:
            stamp = self.path.stat().st_mtime
            if stamp == self._seen:
                return None
            text = self.path.read_text()
        except OSError as error:
            raise SourceError(f"cannot read {self.path}: {error.strerror or error}") from None
        self._seen = stamp
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        return Loaded(text, digest, str(self.path))
