"""Multi-tenancy: the tenant of each request, resolved before anything is parsed, validated,
forwarded to every subgraph, and part of every cache key and shared execution.

``strategy = "header"`` reads the tenant from ``auth_header``; ``"jwt"`` from the verified
token's ``claim`` (the JWT plugin runs first). When both a header and a token claim are present
they must agree, else 403 ``TENANT_MISMATCH``: a client cannot name another tenant than its
token's. No tenant at all is 400 ``TENANT_REQUIRED`` (unless ``required = false``, then the
request is tenant-less). The tenant is ``context.state["tenant"]``, and every subgraph request
carries it in ``forward_header``, replacing whatever the client sent under that name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from hansa.pipeline.context import GatewayResponse, RequestContext, SubgraphRequest
from hansa.pipeline.plugin import Plugin


@dataclass(frozen=True)
class TenancyPolicy:
    strategy: Literal["header", "jwt"] = "header"
    auth_header: str = "x-tenant-id"
    claim: str = "tenant_id"
    forward_header: str = "x-tenant-id"
    required: bool = True


class Tenancy(Plugin):
    name = "tenancy"

    def __init__(self, policy: TenancyPolicy) -> None:
        self.policy = policy
        self.header = policy.auth_header.lower()
        self.forward = policy.forward_header.lower()

    async def on_request(self, context: RequestContext) -> GatewayResponse | None:
        from_header = context.headers.get(self.header) or None
        claims = context.state.get("claims")
        value = claims.get(self.policy.claim) if isinstance(claims, dict) else None
        from_token = None if value is None else str(value)
        if from_header is not None and from_token is not None and from_header != from_token:
            return GatewayResponse.refusal(
                403, "TENANT_MISMATCH", "The tenant header does not match the token's tenant."
            )
        # With tokens deciding, a header alone never chooses the tenant.
        tenant = from_token if self.policy.strategy == "jwt" else from_header or from_token
        if tenant is None:
            if self.policy.required:
                where = (
                    f"the token's {self.policy.claim!r} claim"
                    if self.policy.strategy == "jwt"
                    else f"the {self.policy.auth_header} header"
                )
                return GatewayResponse.refusal(
                    400, "TENANT_REQUIRED", f"This graph needs a tenant, from {where}."
                )
            return None
        context.state["tenant"] = tenant
        context.identity.append(("tenant", tenant))
        return None

    async def on_subgraph_request(self, request: SubgraphRequest) -> dict[str, Any] | None:
        context = request.context
        tenant = context.state.get("tenant") if context is not None else None
        if tenant is not None:
            request.headers[self.forward] = tenant
        else:
            request.headers.pop(self.forward, None)
        return None
