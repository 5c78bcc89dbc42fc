"""``INTERFACE_OBJECT_USAGE_ERROR`` (one subgraph): an ``@interfaceObject`` stands for an entity
interface another subgraph defines, so it needs a ``@key`` to be reached by."""

from __future__ import annotations

from hansa.composition.rules._common import is_fed_directive, is_interface_object
from hansa.composition.rules.context import SubgraphContext


def interface_object_is_entity(context: SubgraphContext) -> None:
    if not is_fed_directive(context.subgraph, "interfaceObject"):
        return
    for t in context.subgraph.types.values():
        if is_interface_object(t) and not t.keys:
            context.report(
                "INTERFACE_OBJECT_USAGE_ERROR",
                "The @interfaceObject directive can only be applied to entity types but type "
                f'"{t.name}" has no @key in this subgraph.',
                t,
            )
