"""Header propagation rules, both ways.

Client → subgraphs (``[headers]``): ``propagate`` names and ``propagate_matching`` regular
expressions pick request headers to send on, ``rename`` sends one under another name,
``insert`` adds fixed ones, and ``remove`` names headers never sent whatever else says so. The
set is worked out once per request and added to every fetch.

Subgraphs → client: ``response_propagate`` names subgraph response headers (``set-cookie``
included, every occurrence kept) to return to the client, from every fetch of the request.
Requests answered by another identical one in flight (subgraph deduplication) share its body
but not its headers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hansa.pipeline.context import (
    GatewayResponse,
    RequestContext,
    SubgraphRequest,
    SubgraphResponse,
)
from hansa.pipeline.plugin import Plugin

STATE = "header_rules.outgoing"
RETURNED = "header_rules.returned"


@dataclass(frozen=True)
class HeaderRules:
    propagate: tuple[str, ...] = ()
    propagate_matching: tuple[str, ...] = ()
    rename: Mapping[str, str] = field(default_factory=dict)
    insert: Mapping[str, str] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    response_propagate: tuple[str, ...] = ()


class HeaderPropagation(Plugin):
    name = "header_rules"

    def __init__(self, rules: HeaderRules) -> None:
        self.rules = rules
        self.names = frozenset(n.lower() for n in rules.propagate)
        self.patterns = [re.compile(p, re.IGNORECASE) for p in rules.propagate_matching]
        self.renames = {k.lower(): v.lower() for k, v in rules.rename.items()}
        self.inserts = {k.lower(): v for k, v in rules.insert.items()}
        self.removed = frozenset(n.lower() for n in rules.remove)
        self.returned = frozenset(n.lower() for n in rules.response_propagate)

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        outgoing: dict[str, str] = {}
        for name, value in context.headers.items():
            if name in self.removed:
                continue
            if name in self.names or any(p.search(name) for p in self.patterns):
                outgoing[name] = value
            renamed = self.renames.get(name)
            if renamed is not None and renamed not in self.removed:
                outgoing[renamed] = value
        outgoing.update(self.inserts)
        context.state[STATE] = outgoing
        return None

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        context = request.context
        if context is not None:
            request.headers.update(context.state.get(STATE, ()))
        for name in self.removed:
            request.headers.pop(name, None)
        if self.returned:
            request.want_response_headers = True
        return None

    async def on_subgraph_response(
        self, request: SubgraphRequest, response: SubgraphResponse
    ) -> None:
        if not self.returned or request.context is None:
            return
        kept = [(n, v) for n, v in request.response_headers if n.lower() in self.returned]
        if kept:
            request.context.state.setdefault(RETURNED, []).extend(kept)

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        returned = context.state.get(RETURNED)
        if returned:
            response.headers.extend((n.lower(), v) for n, v in returned)
