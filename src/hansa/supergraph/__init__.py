"""The supergraph: read once from SDL into an immutable model plus the client-facing API schema."""

from hansa.supergraph.model import Supergraph
from hansa.supergraph.reader import SupergraphError, parse_field_set, read_supergraph

__all__ = ["Supergraph", "SupergraphError", "parse_field_set", "read_supergraph"]
