"""``INTERFACE_OBJECT_USAGE_ERROR`` (across subgraphs): an ``@interfaceObject`` stands for an
interface, so some subgraph must define that interface, and the subgraph using it must not
define its implementations (it would resolve them without knowing it)."""

from __future__ import annotations

from hansa.composition.rules._common import human_list, is_fed_directive, is_interface_object
from hansa.composition.rules._merged import supergraph_implementations
from hansa.composition.rules.context import SubgraphContext


def interface_object_usage(context: SubgraphContext) -> None:
    sg = context.subgraph
    if not is_fed_directive(sg, "interfaceObject"):
        return
    for t in sg.types.values():
        if not is_interface_object(t):
            continue
        if not _is_interface_somewhere(context, t.name):
            defining = [s.name for s in context.subgraphs if t.name in s.types]
            if defining and defining[0] == sg.name:  # reported once, by the first
                context.report_across(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'Type "{t.name}" is declared with @interfaceObject in all the subgraphs '
                    f"in which is is defined (it is defined in "
                    f"{human_list(defining, 'subgraph', 'subgraphs')} but should be defined "
                    "as an interface in at least one subgraph)",
                )
            continue
        defined = [
            n for n in supergraph_implementations(context.subgraphs, t.name) if n in sg.types
        ]
        if defined:
            context.report(
                "INTERFACE_OBJECT_USAGE_ERROR",
                f'Interface type "{t.name}" is defined as an @interfaceObject in subgraph '
                f'"{sg.name}" so that subgraph should not define any of the '
                f'implementation types of "{t.name}", but it defines '
                f"{human_list(defined, 'type', 'types')}",
                t,
            )


def _is_interface_somewhere(context: SubgraphContext, name: str) -> bool:
    return any(
        (t := sg.types.get(name)) is not None and t.kind == "interface" for sg in context.subgraphs
    )
