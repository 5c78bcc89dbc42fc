"""``MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL``: ``@deprecated`` is merged from the subgraphs
that resolve a field, so it means nothing on an external one."""

from __future__ import annotations

from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, TypeDef


def merged_directive_on_external(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    if not f.has("external"):
        return
    for d in f.directives:
        if d.name == "deprecated":
            reason = d.string("reason")
            shown = f'@deprecated(reason: "{reason}")' if reason is not None else "@deprecated"
            context.report(
                "MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
                f'Cannot apply merged directive {shown} to external field "{type_def.name}.{f.name}"',
                f,
            )
