"""A supergraph from the directory a registry publishes to (``[registry] publish_dir``, synced
to any shared or object storage): ``PATH/GRAPH/VARIANT/supergraph.json``, the same answer the
registry's API gives, with the same signature checks and disk copy. Polling costs one ``stat``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from hansa.gateway.sources import SourceError
from hansa.gateway.sources.registry import PublishedSource


class DirectorySource(PublishedSource):
    def __init__(
        self,
        root: Path,
        graph: str,
        variant: str = "prod",
        *,
        interval: float = 10.0,
        public_key: str | None = None,
        cache_dir: Path | None = None,
    ) -> None:
        super().__init__(
            graph, variant, interval=interval, public_key=public_key, cache_dir=cache_dir
        )
        self.file = root / graph / variant / "supergraph.json"
        self._seen: float | None = None

    def describe(self) -> str:
        return str(self.file)

    async def fetch(self) -> dict[str, Any] | None:
        try:
            stamp = self.file.stat().st_mtime
            if stamp == self._seen:
                return None
            answer = orjson.loads(self.file.read_bytes())
        except (OSError, orjson.JSONDecodeError) as error:
            raise SourceError(f"cannot read {self.file}: {error}") from None
        self._seen = stamp
        if not isinstance(answer, dict):
            raise SourceError(f"{self.file} is not a published supergraph")
        return answer
