"""Subgraph lists for composition: Rover's ``supergraph.yaml`` shape (YAML or TOML).

```yaml
subgraphs:
  products:
    routing_url: http://localhost:4001/graphql
    schema:
      file: ./products.graphql          # a file, relative to this config
  reviews:
    routing_url: http://localhost:4002/graphql
    schema:
      subgraph_url: http://localhost:4002/graphql   # a running subgraph: { _service { sdl } }
```

``federation_version`` is accepted and ignored (we always compose Federation 2). GraphOS
sources (``graphref``) need Apollo's cloud and are refused with a clear message.
"""

from __future__ import annotations

import asyncio
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import yaml

from hansa.composition import SubgraphInput


class ConfigError(ValueError):
    """The config file is unreadable or malformed; the message says where."""


@dataclass(frozen=True)
class SubgraphSource:
    name: str
    routing_url: str
    file: Path | None = None
    introspect_url: str | None = None

    def describe(self) -> str:
        return str(self.file) if self.file is not None else str(self.introspect_url)


def load_config(path: Path) -> list[SubgraphSource]:
    try:
        text = path.read_text()
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    try:
        data: Any = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(
            f"{path} is not valid {'TOML' if path.suffix == '.toml' else 'YAML'}: {error}"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("subgraphs"), dict):
        raise ConfigError(f"{path}: expected a top-level 'subgraphs' mapping")
    sources: list[SubgraphSource] = []
    for name, entry in data["subgraphs"].items():
        where = f"{path}: subgraphs.{name}"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where} must be a mapping")
        schema = entry.get("schema")
        if not isinstance(schema, dict):
            raise ConfigError(f"{where}.schema must be a mapping with 'file' or 'subgraph_url'")
        routing_url = entry.get("routing_url")
        if "file" in schema:
            file = (path.parent / str(schema["file"])).resolve()
            if not isinstance(routing_url, str):
                raise ConfigError(f"{where}.routing_url is required with a schema file")
            sources.append(SubgraphSource(str(name), routing_url, file=file))
        elif "subgraph_url" in schema:
            url = str(schema["subgraph_url"])
            sources.append(SubgraphSource(str(name), str(routing_url or url), introspect_url=url))
        elif "graphref" in schema:
            raise ConfigError(
                f"{where}.schema.graphref needs Apollo GraphOS; use 'file' or 'subgraph_url'"
            )
        else:
            raise ConfigError(f"{where}.schema must have 'file' or 'subgraph_url'")
    if not sources:
        raise ConfigError(f"{path}: no subgraphs listed")
    return sources


async def _introspect(session: aiohttp.ClientSession, source: SubgraphSource) -> str:
    assert source.introspect_url is not None
    try:
        async with session.post(
            source.introspect_url,
            json={"query": "{ _service { sdl } }"},
            timeout=aiohttp.ClientTimeout(total=30),
        ) as response:
            body = orjson.loads(await response.read())
    except (aiohttp.ClientError, TimeoutError, OSError, orjson.JSONDecodeError) as error:
        raise ConfigError(
            f"cannot read the schema of '{source.name}' from {source.introspect_url}: {error or type(error).__name__}"
        ) from None
    sdl = (
        ((body.get("data") or {}).get("_service") or {}).get("sdl")
        if isinstance(body, dict)
        else None
    )
    if not isinstance(sdl, str):
        raise ConfigError(
            f"'{source.name}' at {source.introspect_url} did not answer {{ _service {{ sdl }} }}"
        )
    return sdl


async def read_sources(sources: list[SubgraphSource]) -> list[SubgraphInput]:
    """The SDL of every subgraph: files read, running subgraphs asked (concurrently)."""
    remote = [s for s in sources if s.introspect_url is not None]
    sdls: dict[str, str] = {}
    if remote:
        async with aiohttp.ClientSession() as session:
            fetched = await asyncio.gather(*(_introspect(session, s) for s in remote))
        sdls.update({s.name: sdl for s, sdl in zip(remote, fetched, strict=True)})
    for source in sources:
        if source.file is not None:
            try:
                sdls[source.name] = source.file.read_text()
            except OSError as error:
                raise ConfigError(
                    f"cannot read the schema of '{source.name}' from {source.file}: {error.strerror}"
                ) from None
    return [SubgraphInput(s.name, s.routing_url, sdls[s.name]) for s in sources]
