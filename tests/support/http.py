"""A tiny synchronous GraphQL client for tests: real HTTP over loopback, nothing mocked."""

from __future__ import annotations

import json
import socket
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def json_without_request_ids(self) -> Any:
        """The body with each error's ``extensions.requestId`` taken out, after checking that
        every error has one and that it is the ``x-request-id`` header: what is left is what
        the spec or the reference implementation says."""
        body = self.json()
        return without_request_ids(body, self.headers.get("x-request-id"))


def without_request_ids(body: Any, expected: str | None = None) -> Any:
    """``body`` (a GraphQL response) without ``extensions.requestId`` in its errors (each must
    have one, equal to ``expected`` when given); an ``extensions`` left empty goes too."""
    if not isinstance(body, dict) or "errors" not in body:
        return body
    errors = []
    for error in body["errors"]:
        extensions = dict(error["extensions"])
        rid = extensions.pop("requestId")
        assert expected is None or rid == expected, (rid, expected)
        errors.append({k: v for k, v in error.items() if k != "extensions"})
        if extensions:
            errors[-1]["extensions"] = extensions
    return {**body, "errors": errors}


def request(
    url: str,
    *,
    method: str = "POST",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
    tls: ssl.SSLContext | None = None,
) -> Response:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout, context=tls) as resp:
            return Response(
                resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
            )
    except urllib.error.HTTPError as error:
        return Response(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def post_graphql(
    url: str,
    query: str,
    variables: dict[str, Any] | None = None,
    operation_name: str | None = None,
    headers: dict[str, str] | None = None,
    tls: ssl.SSLContext | None = None,
) -> Response:
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    if operation_name is not None:
        payload["operationName"] = operation_name
    all_headers = {"content-type": "application/json", **(headers or {})}
    return request(url, body=json.dumps(payload).encode(), headers=all_headers, tls=tls)


def free_port() -> int:
    """A loopback port nothing listens on (used for a subgraph that is down, or to start on)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
