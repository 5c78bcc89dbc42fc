"""Federation subgraphs from SDL + Python resolvers, served as ASGI apps."""

from hansa.subgraph.entities import typename_of
from hansa.subgraph.federation_spec import FederationSpecError
from hansa.subgraph.subgraph import Subgraph

__all__ = ["FederationSpecError", "Subgraph", "typename_of"]
