"""``/openapi.json``: the API described from the same table that routes it, so the document
cannot list an endpoint that does not exist or miss one that does. Request bodies are
described here, beside their names."""

from __future__ import annotations

import re
from typing import Any

from hansa import __version__

_STRING = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_STRINGS = {"type": "array", "items": _STRING}


def _object(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


BODIES: dict[str, dict[str, Any]] = {
    "create_token": _object(
        ["name", "role"],
        name=_STRING,
        role={"type": "string", "enum": ["admin", "publish", "read"]},
        graph=_STRING,
        variant=_STRING,
        subgraph=_STRING,
    ),
    "publish": _object(
        ["version", "url", "sdl"], version=_STRING, url=_STRING, sdl=_STRING, force=_BOOL
    ),
    "check": _object(
        ["subgraph", "sdl"],
        subgraph=_STRING,
        sdl=_STRING,
        url=_STRING,
        usage_days=_INT,
        exclude_clients=_STRINGS,
        threshold=_INT,
    ),
    "compose": _object(
        ["services"],
        services={
            "type": "array",
            "items": _object(["name", "version"], name=_STRING, version=_STRING),
        },
        variant=_STRING,
    ),
    "rollback": _object(["to"], to=_INT),
    "promote": _object(["from_variant"], from_variant=_STRING, composition=_INT),
    "set_canary": _object(
        ["composition", "percent"],
        composition=_INT,
        percent={"type": "integer", "minimum": 0, "maximum": 100},
        allow=_STRINGS,
        deny=_STRINGS,
        key={"type": "string", "description": "header:NAME or claim:NAME"},
    ),
    "usage": {"type": "object", "description": "One line of a gateway's usage file."},
    "put_manifest": _object(
        ["operations"],
        operations={"type": "array", "items": _object(["id", "body"], id=_STRING, body=_STRING)},
    ),
}

_ERROR = {
    "description": "Refused",
    "content": {
        "application/json": {
            "schema": _object(
                ["error"], error=_object(["code", "message"], code=_STRING, message=_STRING)
            )
        }
    },
}


def openapi_document() -> dict[str, Any]:
    from hansa.registry.api import Api

    paths: dict[str, dict[str, Any]] = {}
    for method, path, role, handler in Api().table():
        template = re.sub(r"\{(\w+):\w+\}", r"{\1}", path)
        operation: dict[str, Any] = {
            "operationId": handler.__name__,
            "summary": (handler.__doc__ or "").strip(),
            "x-hansa-role": role,
            "security": [{"bearer": []}],
            "parameters": [
                {"name": name, "in": "path", "required": True, "schema": _STRING}
                for name in re.findall(r"\{(\w+)", path)
            ],
            "responses": {"200": {"description": "OK"}, "4XX": _ERROR},
        }
        if handler.__name__ in BODIES:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": BODIES[handler.__name__]}},
            }
        paths.setdefault(template, {})[method.lower()] = operation
    paths["/health"] = {
        "get": {
            "operationId": "health",
            "summary": "Liveness.",
            "responses": {"200": {"description": "OK"}},
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hansa schema registry", "version": __version__},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }
