"""Operation limits: depth, aliases and root fields, checked on the normalized operation before
anything is planned or fetched (Apollo Router's codes). Token counts are bounded earlier, while
parsing (``OperationCache``), because a document too large to parse must never be parsed."""

from __future__ import annotations

from hansa.operation.normalized import PossibleTest
from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin
from hansa.supergraph import Supergraph


class OperationLimits(Plugin):
    name = "limits"

    def __init__(
        self, max_depth: int, max_aliases: int | None = None, max_root_fields: int | None = None
    ) -> None:
        self.max_depth = max_depth
        self.max_aliases = max_aliases
        self.max_root_fields = max_root_fields
        self._implements: PossibleTest | None = None

    def on_supergraph(self, supergraph: Supergraph) -> None:
        self._implements = supergraph.implements

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        operation = context.operation
        assert operation is not None
        prepared = operation.prepared
        refused = _over(prepared.depth(operation.assignment), self.max_depth, "depth", "DEPTH")
        if refused is None and self.max_aliases is not None:
            refused = _over(prepared.alias_count, self.max_aliases, "aliases", "ALIASES")
        if refused is None and self.max_root_fields is not None and self._implements:
            roots = operation.selection.fields_for(prepared.root_type, self._implements)
            refused = _over(len(roots), self.max_root_fields, "root fields", "ROOT_FIELDS")
        return refused


def _over(count: int, limit: int, what: str, code: str) -> GatewayResponse | None:
    if count <= limit:
        return None
    message = f"Maximum {what} limit exceeded ({count} > {limit})."
    return GatewayResponse.refusal(400, f"MAX_{code}_LIMIT", message)
