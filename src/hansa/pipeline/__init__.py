"""The request pipeline's stages and the hooks plugins register on them (``docs/plugins.md``)."""

from hansa.pipeline.context import (
    GatewayResponse,
    OperationInfo,
    RequestContext,
    SubgraphRequest,
    SubgraphResponse,
)
from hansa.pipeline.plugin import Pipeline, Plugin
from hansa.transport.client import SubgraphClient, SubgraphFetchError

__all__ = [
    "GatewayResponse",
    "OperationInfo",
    "Pipeline",
    "Plugin",
    "RequestContext",
    "SubgraphClient",
    "SubgraphFetchError",
    "SubgraphRequest",
    "SubgraphResponse",
]
