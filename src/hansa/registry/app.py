"""The registry process: one Starlette app serving the JSON API, its OpenAPI document, the web
UI and a health check, over one database opened (and migrated) at start-up.

On first start (no token exists) the admin token comes from ``admin_token`` /
``HANSA_REGISTRY_ADMIN_TOKEN`` or is generated and printed once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hansa.registry.api import Api, json_response
from hansa.registry.db import open_database
from hansa.registry.openapi import openapi_document
from hansa.registry.publishing import BucketPublisher, DirectoryPublisher, Publisher
from hansa.registry.service import CheckSettings, RegistryService
from hansa.registry.store import Registry

log = logging.getLogger("hansa.registry")


@dataclass
class RegistrySettings:
    database: str = "sqlite:///registry.db"
    admin_token: str | None = None
    signing_key: str | None = None
    publish_dir: Path | None = None
    publish_bucket: str | None = None  # s3://BUCKET/PREFIX
    s3_endpoint_url: str | None = None  # an S3-compatible service's URL (MinIO, Ceph, ...)
    checks: CheckSettings = field(default_factory=CheckSettings)


def publishers_for(settings: RegistrySettings) -> list[Publisher]:
    """The targets served supergraphs are also written to; ``PublishError`` when one cannot
    be set up (so the registry refuses to start rather than silently not publishing)."""
    publishers: list[Publisher] = []
    if settings.publish_dir is not None:
        publishers.append(DirectoryPublisher(settings.publish_dir))
    if settings.publish_bucket is not None:
        publishers.append(BucketPublisher(settings.publish_bucket, settings.s3_endpoint_url))
    return publishers


async def open_service(
    settings: RegistrySettings, publishers: list[Publisher], out: TextIO = sys.stdout
) -> RegistryService:
    """The database opened and migrated, the signing key loaded, the first admin token made."""
    db = await open_database(settings.database)
    registry = await Registry.open(db, settings.signing_key)
    if not await registry.has_tokens():
        given = settings.admin_token or os.environ.get("HANSA_REGISTRY_ADMIN_TOKEN")
        secret = await registry.create_token("admin", "admin", secret=given or None)
        if not given:
            print(
                f"First start: the admin token is {secret}\n"
                "It is shown only this once; keep it (HANSA_REGISTRY_TOKEN) to create others.",
                file=out,
                flush=True,
            )
    service = RegistryService(registry, settings.checks, publishers)
    await service.sync_published()
    return service


def create_registry_app(settings: RegistrySettings) -> Starlette:
    publishers = publishers_for(settings)
    api = Api()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        service = await open_service(settings, publishers)
        api.bind(service)
        log.info("registry ready; signing key (public) %s", service.public_key)
        try:
            yield
        finally:
            await service.registry.db.close()

    routes: list[BaseRoute] = [
        Route("/health", _health, methods=["GET"]),
        Route("/openapi.json", _openapi, methods=["GET"]),
        *api.routes(),
    ]
    from hansa.registry.ui import ui_routes

    routes.extend(ui_routes(api))
    return Starlette(routes=routes, lifespan=lifespan)


async def _health(request: Request) -> Response:
    return json_response({"status": "ok"})


async def _openapi(request: Request) -> Response:
    return json_response(openapi_document())
