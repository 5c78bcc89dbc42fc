"""``INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE``: a subgraph with a resolvable key on an
interface answers ``_entities`` for every implementation, so it defines all those the supergraph
has."""

from __future__ import annotations

from graphql import print_ast

from hansa.composition.rules._common import human_list, implementations, resolvable
from hansa.composition.rules._merged import supergraph_implementations
from hansa.composition.rules.context import SubgraphContext


def interface_key_missing_implementation_type(context: SubgraphContext) -> None:
    sg = context.subgraph
    if sg.version != 2:
        return
    for itf in sg.types.values():
        if itf.kind != "interface":
            continue
        key = next((k for k in itf.keys if resolvable(k)), None)
        if key is None:
            continue
        in_subgraph = implementations(sg, itf.name)
        everywhere = supergraph_implementations(context.subgraphs, itf.name)
        if len(in_subgraph) >= len(everywhere):
            continue
        missing = [n for n in everywhere if n not in in_subgraph]
        context.report(
            "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
            f'Interface type "{itf.name}" has a resolvable key ({print_ast(key.node)}) in '
            f'subgraph "{sg.name}" but that subgraph is missing some of the supergraph '
            f'implementation types of "{itf.name}". Subgraph "{sg.name}" should define '
            f"{human_list(missing, 'type', 'types')} (and have "
            f'{"them" if len(missing) > 1 else "it"} implement "{itf.name}").',
            key,
        )
