"""A real registry on loopback, over SQLite or a fresh PostgreSQL database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hansa.http.serve import serving
from hansa.registry.app import RegistrySettings, create_registry_app
from tests.support.http import Response, request
from tests.support.services import postgres_database

ADMIN = "admin-secret-for-tests"


class Client:
    """JSON calls to a registry, as any HTTP client makes them."""

    def __init__(self, url: str, token: str | None = ADMIN) -> None:
        self.url, self.token = url, token

    def call(self, method: str, path: str, body: Any = None, token: str | None = ...) -> Response:  # type: ignore[assignment]
        headers = {"content-type": "application/json"}
        secret = self.token if token is ... else token
        if secret is not None:
            headers["authorization"] = f"Bearer {secret}"
        data = None if body is None else json.dumps(body).encode()
        return request(self.url + path, method=method, body=data, headers=headers)

    def publish(
        self,
        subgraph: str,
        version: str,
        sdl: str,
        *,
        graph: str = "shop",
        variant: str = "prod",
        url: str | None = None,
        force: bool = False,
        token: str | None = ...,
    ) -> Response:  # type: ignore[assignment]
        body = {
            "version": version,
            "url": url or f"http://127.0.0.1:1/{subgraph}",
            "sdl": sdl,
            "force": force,
        }
        path = f"/graphs/{graph}/variants/{variant}/subgraphs/{subgraph}/versions"
        return self.call("POST", path, body, token=token)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/registry.db"
    else:
        with postgres_database() as url:
            yield url


@pytest.fixture
def registry(database: str, tmp_path: Path) -> Iterator[Client]:
    settings = RegistrySettings(
        database=database, admin_token=ADMIN, publish_dir=tmp_path / "published"
    )
    with serving(create_registry_app(settings)) as (url,):
        yield Client(url)
