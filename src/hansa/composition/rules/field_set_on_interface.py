"""``REQUIRES_UNSUPPORTED_ON_INTERFACE``, ``PROVIDES_UNSUPPORTED_ON_INTERFACE``: an interface
field is resolved by its implementations, so ``@requires``/``@provides`` belong on those."""

from __future__ import annotations

from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, TypeDef


def field_set_on_interface(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    if type_def.kind != "interface":
        return
    coordinate = f"{type_def.name}.{f.name}"
    for applied, code in (
        (f.directive("requires"), "REQUIRES"),
        (f.directive("provides"), "PROVIDES"),
    ):
        if applied is not None:
            context.report(
                f"{code}_UNSUPPORTED_ON_INTERFACE",
                f'Cannot use @{applied.name} on field "{coordinate}" of parent type "{type_def.name}": @{applied.name} is not yet supported within interfaces',
                f,
            )
