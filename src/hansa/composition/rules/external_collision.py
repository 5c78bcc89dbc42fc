"""``EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE``: a field this subgraph does not resolve cannot
provide fields below it."""

from __future__ import annotations

from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, TypeDef


def external_collision(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    if f.has("external") and f.has("provides"):
        context.report(
            "EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE",
            f'Cannot have both @provides and @external on field "{type_def.name}.{f.name}"',
            f,
        )
