"""``INVALID_SHAREABLE_USAGE``: sharing is about who resolves a field, which only object fields
have."""

from __future__ import annotations

from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, TypeDef


def shareable_on_interface(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    if type_def.kind == "interface" and f.has("shareable"):
        context.report(
            "INVALID_SHAREABLE_USAGE",
            f'Invalid use of @shareable on field "{type_def.name}.{f.name}": only object type fields can be marked with @shareable',
            f,
        )
