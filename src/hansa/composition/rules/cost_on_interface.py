"""``COST_APPLIED_TO_INTERFACE_FIELD``: demand control costs what a subgraph resolves, and an
interface field is resolved by its implementations, which carry the cost."""

from __future__ import annotations

from hansa.composition.rules._common import composites, is_fed_directive, local_name
from hansa.composition.rules.context import SubgraphContext


def cost_on_interface(context: SubgraphContext) -> None:
    if not is_fed_directive(context.subgraph, "cost"):
        return
    for t in composites(context.subgraph):
        if t.kind != "interface":
            continue
        for f in t.fields.values():
            for d in f.directives:
                if d.name == "cost":
                    context.report(
                        "COST_APPLIED_TO_INTERFACE_FIELD",
                        f'@{local_name(d)} cannot be applied to interface "{t.name}.{f.name}"',
                        d,
                        f,
                    )
