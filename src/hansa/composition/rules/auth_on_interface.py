"""``AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE``: ``@authenticated``, ``@requiresScopes`` and
``@policy`` guard what resolves data, so they go on object types and their fields, never on
interfaces, interface fields or interface objects."""

from __future__ import annotations

from hansa.composition.rules._common import (
    AUTH_DIRECTIVES,
    composites,
    is_fed_directive,
    is_interface_object,
    local_name,
)
from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import Applied


def auth_on_interface(context: SubgraphContext) -> None:
    for name in AUTH_DIRECTIVES:
        if not is_fed_directive(context.subgraph, name):
            continue
        for t in composites(context.subgraph):
            if not (t.kind == "interface" or is_interface_object(t)):
                continue
            kind = "interface" if t.kind == "interface" else "interface object"
            for d in t.directives:
                if d.name == name:
                    _report(context, d, kind, t.name)
            for f in t.fields.values():
                for d in f.directives:
                    if d.name == name:
                        _report(context, d, "field", f"{t.name}.{f.name}")


def _report(context: SubgraphContext, d: Applied, kind: str, coordinate: str) -> None:
    name = local_name(d)
    context.report(
        "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
        f'Invalid use of @{name} on {kind} "{coordinate}": @{name} cannot be applied on '
        "interfaces, interface fields and interface objects",
        d,
    )
