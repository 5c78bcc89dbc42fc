"""``INVALID_SUBGRAPH_NAME``: ``_`` (and the empty name) are reserved by Apollo, so nothing
else is checked on such a subgraph."""

from __future__ import annotations

from hansa.composition.rules.context import SubgraphContext


def subgraph_name(context: SubgraphContext) -> None:
    name = context.subgraph.name
    if name == "_" or not name:
        context.report(
            "INVALID_SUBGRAPH_NAME", f"Invalid name {name} for a subgraph: this name is reserved"
        )
