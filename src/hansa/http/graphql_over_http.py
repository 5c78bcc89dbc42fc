"""GraphQL-over-HTTP request parsing and response media types.

Follows the GraphQL-over-HTTP spec: ``POST`` with ``application/json`` bodies, ``GET`` with
URL parameters (queries only), ``application/graphql-response+json`` responses when the client
accepts them (with 4xx for requests that never reached execution) and ``application/json``
otherwise (always 200 for well-formed requests). Every failure here is a ``RequestError`` with a
stable ``extensions.code``; nothing in this module raises anything else for bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import orjson

from hansa.pipeline.request_id import with_request_id

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"


@dataclass(frozen=True, slots=True)
class GraphQLRequest:
    """The four well-known request parameters, already type-checked."""

    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None


class RequestError(Exception):
    """A request that cannot be executed: carries the HTTP status and the error code."""

    def __init__(self, message: str, *, status: int = 400, code: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code

    def to_error(self) -> dict[str, Any]:
        return {"message": self.message, "extensions": {"code": self.code}}


def _media_type(header: str | None) -> str:
    return (header or "").split(";", 1)[0].strip().lower()


def request_from_mapping(params: Any) -> GraphQLRequest:
    """Validate the shape of the decoded request parameters (spec §"Request Parameters")."""
    if not isinstance(params, dict):
        raise RequestError("The request body must be a JSON object.")
    query = params.get("query")
    if query is not None and not isinstance(query, str):
        raise RequestError("The 'query' parameter must be a string.")
    operation_name = params.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise RequestError("The 'operationName' parameter must be a string.")
    variables = params.get("variables")
    if variables is not None and not isinstance(variables, dict):
        raise RequestError("The 'variables' parameter must be a JSON object.")
    extensions = params.get("extensions")
    if extensions is not None and not isinstance(extensions, dict):
        raise RequestError("The 'extensions' parameter must be a JSON object.")
    return GraphQLRequest(query, operation_name, variables, extensions)


def parse_post(body: bytes, content_type: str | None) -> GraphQLRequest:
    """Decode a ``POST`` body. Only JSON bodies are accepted, as the spec requires."""
    media = _media_type(content_type)
    if media not in (APPLICATION_JSON, GRAPHQL_RESPONSE_JSON) and not media.endswith("+json"):
        raise RequestError(
            f"Unsupported content type {media or '(none)'!r}; send application/json.",
            status=415,
            code="UNSUPPORTED_MEDIA_TYPE",
        )
    try:
        decoded = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise RequestError("The request body is not valid JSON.", code="INVALID_JSON") from None
    return request_from_mapping(decoded)


def _json_param(value: str, name: str) -> Any:
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        raise RequestError(f"The {name!r} URL parameter is not valid JSON.") from None


def parse_get(query_string: bytes) -> GraphQLRequest:
    """Decode ``GET`` URL parameters; ``variables`` and ``extensions`` are JSON-encoded."""
    raw = parse_qs(query_string.decode("latin-1"), keep_blank_values=True)
    params: dict[str, Any] = {key: values[-1] for key, values in raw.items()}
    for name in ("variables", "extensions"):
        if params.get(name):
            params[name] = _json_param(params[name], name)
        else:
            params.pop(name, None)
    if params.get("operationName") == "":
        params.pop("operationName")
    return request_from_mapping(params)


def response_media_type(accept: str | None) -> str | None:
    """Pick the response media type from ``Accept``; ``None`` if we can offer nothing acceptable."""
    if not accept:
        return APPLICATION_JSON
    best: tuple[float, str] | None = None
    for part in accept.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        q = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if media in (GRAPHQL_RESPONSE_JSON, APPLICATION_JSON):
            candidate = media
        elif media in ("*/*", "application/*"):
            candidate = APPLICATION_JSON
        else:
            continue
        if q > 0 and (
            best is None
            or q > best[0]
            or (q == best[0] and candidate == GRAPHQL_RESPONSE_JSON and best[1] != candidate)
        ):
            best = (q, candidate)
    return best[1] if best else None


def accepts_html(accept: str | None) -> bool:
    """A browser navigating to the endpoint asks for ``text/html`` first."""
    return bool(accept) and "text/html" in (accept or "")


def error_body(errors: list[dict[str, Any]], request_id: str | None = None) -> bytes:
    """A response of ``errors`` only; with ``request_id``, in each one's extensions."""
    body: dict[str, Any] = {"errors": errors}
    if request_id is not None:
        body = with_request_id(body, request_id)
    return orjson.dumps(body)
