"""What the composed subgraphs say together, for the rules that compare one subgraph with the
others (before the merged schema exists)."""

from __future__ import annotations

from collections.abc import Sequence

from hansa.composition.rules._common import implementations
from hansa.composition.subgraph_reader import SubgraphDef


def supergraph_implementations(subgraphs: Sequence[SubgraphDef], interface: str) -> list[str]:
    """Object types implementing ``interface`` in the merged schema, in merge order."""
    result: list[str] = []
    for sg in subgraphs:
        for name in implementations(sg, interface):
            if name not in result:
                result.append(name)
    return result
