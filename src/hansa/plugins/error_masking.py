"""Subgraph error masking: per subgraph, its errors reach clients as they are (``pass``) or with
their message replaced and extensions cut to the code (``redact``), as Apollo Router's
``include_subgraph_errors: false`` does. The path stays, so clients still know which field
failed; what a subgraph reveals in its messages (stack traces, SQL, hostnames) does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hansa.pipeline.context import SubgraphRequest, SubgraphResponse
from hansa.pipeline.plugin import Plugin

REDACTED = "Subgraph errors redacted"


class ErrorMasking(Plugin):
    name = "error_masking"

    def __init__(self, redacted: Iterable[str]) -> None:
        """``redacted``: the subgraphs whose errors are redacted."""
        self.redacted = frozenset(redacted)

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        body = response.body
        if body is None or request.subgraph not in self.redacted:
            return
        errors = body.get("errors")
        if isinstance(errors, list):
            body["errors"] = [_redact(error) for error in errors]


def _redact(error: Any) -> Any:
    if not isinstance(error, dict):
        return error
    redacted: dict[str, Any] = {"message": REDACTED}
    if "path" in error:
        redacted["path"] = error["path"]
    extensions = error.get("extensions")
    code = extensions.get("code") if isinstance(extensions, dict) else None
    if isinstance(code, str):
        redacted["extensions"] = {"code": code}
    return redacted
