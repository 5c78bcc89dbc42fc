"""Compose at start-up from a subgraph list (Rover's ``supergraph.yaml``): schema files are
read, running subgraphs asked for ``_service { sdl }``. Polling recomposes when a schema file
changes; subgraphs read over HTTP are read again then too."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from hansa.composition import Result, compose
from hansa.composition.config import ConfigError, SubgraphSource, load_config, read_sources
from hansa.files import modified
from hansa.gateway.sources import Loaded, SourceError, SupergraphSource

log = logging.getLogger("hansa.gateway")


class CompositionFailed(SourceError):
    """The subgraphs do not compose; ``result`` holds Apollo's errors and hints."""

    def __init__(self, result: Result, sources: list[SubgraphSource]) -> None:
        self.result = result
        self.sources = sources
        super().__init__("composition failed:\n" + "\n".join(f"  {e}" for e in result.errors))


class ComposeSource(SupergraphSource):
    def __init__(self, config: Path, interval: float | None = None) -> None:
        self.config = config
        self.interval = interval
        self.sources: list[SubgraphSource] = []
        self.result: Result | None = None  # the last composition, with its hints
        self._seen: tuple[float, ...] | None = None

    def describe(self) -> str:
        return str(self.config)

    def _stamp(self) -> tuple[float, ...]:
        files = [self.config, *(s.file for s in self.sources if s.file is not None)]
        return tuple(modified(path) for path in files)

    async def load(self) -> Loaded | None:
        if self.sources and self._stamp() == self._seen:
            return None
        try:
            self.sources = load_config(self.config)
            self._seen = self._stamp()
            inputs = await read_sources(self.sources)
        except ConfigError as error:
            raise SourceError(str(error)) from None
        result = compose(inputs)
        self.result = result
        if result.supergraph_sdl is None:
            raise CompositionFailed(result, self.sources)
        digest = hashlib.sha256(result.supergraph_sdl.encode()).hexdigest()[:12]
        return Loaded(result.supergraph_sdl, digest, f"{len(inputs)} subgraphs")
