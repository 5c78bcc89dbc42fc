"""``EXTERNAL_ON_INTERFACE``: interface fields are not resolved by anyone, so they cannot be
external."""

from __future__ import annotations

from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, TypeDef


def external_on_interface(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    if type_def.kind == "interface" and f.has("external"):
        context.report(
            "EXTERNAL_ON_INTERFACE",
            f'Interface type field "{type_def.name}.{f.name}" is marked @external but @external is not allowed on interface fields.',
            f,
        )
