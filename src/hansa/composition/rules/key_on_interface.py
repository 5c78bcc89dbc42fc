"""``KEY_UNSUPPORTED_ON_INTERFACE``: entity interfaces (``@key`` on an interface) exist from
Federation 2.3 on."""

from __future__ import annotations

from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import TypeDef


def key_on_interface(context: SubgraphContext, type_def: TypeDef) -> None:
    sg = context.subgraph
    if type_def.kind == "interface" and type_def.keys and sg.version == 2 and sg.fed2_minor < 3:
        context.report(
            "KEY_UNSUPPORTED_ON_INTERFACE",
            f'Cannot use @key on interface "{type_def.name}": @key is not yet supported on interfaces',
            type_def,
        )
