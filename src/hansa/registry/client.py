"""The registry's HTTP client, used by the CLI and by the gateway's registry source.

Every failure is a ``ClientError`` whose message a person can act on: the registry's own
refusal (its code and message), or why it could not be reached.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import aiohttp
import orjson


class ClientError(Exception):
    def __init__(self, message: str, status: int | None = None, body: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.body = body


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: Any


class RegistryClient:
    def __init__(self, url: str, token: str | None, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    async def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        ok: tuple[int, ...] = (200, 201, 202),
    ) -> Answer:
        sent = dict(headers or {})
        if self.token:
            sent["authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = orjson.dumps(body)
            sent["content-type"] = "application/json"
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as session,
                session.request(method, self.url + path, data=data, headers=sent) as response,
            ):
                raw = await response.read()
                status, answer_headers = response.status, dict(response.headers)
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            reason = str(error) or type(error).__name__
            raise ClientError(f"cannot reach the registry at {self.url}: {reason}") from None
        parsed: Any = raw.decode(errors="replace")
        if "json" in answer_headers.get("Content-Type", ""):
            with contextlib.suppress(orjson.JSONDecodeError):
                parsed = orjson.loads(raw)
        if status not in ok:
            raise ClientError(_reason(status, parsed), status, parsed)
        return Answer(status, {k.lower(): v for k, v in answer_headers.items()}, parsed)

    async def get(self, path: str, **kwargs: Any) -> Any:
        return (await self.request("GET", path, **kwargs)).body

    async def post(self, path: str, body: Any, **kwargs: Any) -> Any:
        return (await self.request("POST", path, body, **kwargs)).body


def variant_path(graph: str, variant: str) -> str:
    return f"/graphs/{quote(graph, safe='')}/variants/{quote(variant, safe='')}"


def _reason(status: int, body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        return f"{error.get('code', status)}: {error.get('message', '')}"
    if status == 304:
        return "not modified"
    return f"the registry answered {status}"
