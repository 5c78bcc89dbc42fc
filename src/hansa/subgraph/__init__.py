"""Federation subgraphs from SDL + Python resolvers, served as ASGI apps."""

from hansa.subgraph.federation_spec import FederationSpecError
from hansa.subgraph.subgraph import Subgraph, typename_of

__all__ = ["FederationSpecError", "Subgraph", "typename_of"]
