"""Degraded answers: when a fetch failed, say so in the response, in a form clients and
dashboards can read without parsing error messages.

``extensions.degraded = {"subgraphs": [...], "reasons": {subgraph: reason}}``, the reason being
the failure's one word (``timeout``, ``http``, ``malformed``, ``circuit_open``; the first
failure of each subgraph). With ``degraded_field`` the API schema also has the seed's
``_degraded: Boolean`` on the query root, answered by the gateway (``Gateway``), so clients can
select it.
"""

from __future__ import annotations

from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin


class DegradedAnswers(Plugin):
    name = "degraded"

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        if not context.failures:
            return
        reasons: dict[str, str] = {}
        for failure in context.failures:
            reasons.setdefault(failure.subgraph, failure.kind)
        extensions = response.body.setdefault("extensions", {})
        extensions["degraded"] = {"subgraphs": sorted(reasons), "reasons": reasons}
