"""One log line per request (``[telemetry] request_log``), on the ``hansa.requests`` logger:
request id, operation name and hash, kind, status, duration, error codes, the subgraphs
called, and the client's name and version (``apollographql-client-name``/``-version``).

With ``log_format = "json"`` (``hansa/logs.py``) each line is a JSON object whose fields are
these; with ``"text"``, ``key=value`` pairs. Off by default: a line per request costs about as
much as the metrics do, and most operators read metrics first.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from hansa.pipeline.context import (
    GatewayResponse,
    RequestContext,
    SubgraphRequest,
    SubgraphResponse,
)
from hansa.pipeline.plugin import Plugin

log = logging.getLogger("hansa.requests")

CALLED = "request_log.subgraphs"


class RequestLog(Plugin):
    name = "request_log"

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        if request.context is not None:
            request.context.state.setdefault(CALLED, set()).add(request.subgraph)

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        operation = context.operation
        fields: dict[str, Any] = {
            "request_id": context.request_id,
            "operation": operation.name if operation is not None else None,
            "operation_hash": operation.prepared.key if operation is not None else None,
            "kind": operation.kind if operation is not None else None,
            "status": response.status,
            "duration_ms": round((time.perf_counter() - context.started) * 1000, 3),
            "error_codes": response.error_codes(),
            "subgraphs": sorted(context.state.get(CALLED, ())),
            "client_name": context.header("apollographql-client-name"),
            "client_version": context.header("apollographql-client-version"),
        }
        log.info("request", extra={"fields": fields})
