"""``CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS``: the gateway fills a contextual
argument only in the subgraphs where it has ``@fromContext``, so elsewhere it must not be
required. Reported by the subgraph with the non-contextual argument."""

from __future__ import annotations

from graphql import NonNullTypeNode

from hansa.composition.rules._common import composites, is_fed_directive
from hansa.composition.rules.context import SubgraphContext


def contextual_argument_in_all_subgraphs(context: SubgraphContext) -> None:
    for t in composites(context.subgraph):
        for f in t.fields.values():
            for arg in f.args.values():
                if any(d.name == "fromContext" for d in arg.directives):
                    continue
                if not (isinstance(arg.type, NonNullTypeNode) and arg.default is None):
                    continue
                if not _contextual_elsewhere(context, t.name, f.name, arg.name):
                    continue
                coordinate = f"{t.name}.{f.name}({arg.name}:)"
                context.report_across(
                    "CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS",
                    f'Argument "{coordinate}" is contextual in at least one subgraph but in '
                    f'"{coordinate}" it does not have @fromContext, is not nullable and has '
                    "no default value.",
                )


def _contextual_elsewhere(
    context: SubgraphContext, type_name: str, field_name: str, arg_name: str
) -> bool:
    for sg in context.subgraphs:
        if sg.name == context.subgraph.name or not is_fed_directive(sg, "fromContext"):
            continue
        t = sg.types.get(type_name)
        f = t.fields.get(field_name) if t else None
        a = f.args.get(arg_name) if f else None
        if a is not None and any(d.name == "fromContext" for d in a.directives):
            return True
    return False
