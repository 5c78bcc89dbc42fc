"""``OVERRIDE_ON_INTERFACE``: ``@override`` moves resolution of a field between subgraphs, which
interface fields do not have."""

from __future__ import annotations

from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, TypeDef


def override_on_interface(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    if type_def.kind == "interface" and f.has("override"):
        context.report(
            "OVERRIDE_ON_INTERFACE",
            f'@override cannot be used on field "{type_def.name}.{f.name}" on subgraph "{context.subgraph.name}": @override is not supported on interface type fields.',
            f,
        )
