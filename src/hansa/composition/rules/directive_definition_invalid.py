"""``DIRECTIVE_DEFINITION_INVALID``: a subgraph may redefine a federation directive, but only
with the arguments the spec gives it (Apollo would otherwise read arguments it does not know)."""

from __future__ import annotations

from graphql import DirectiveDefinitionNode, parse

from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import SubgraphDef

_DIRECTIVE_ARGS = {
    "key": {"fields", "resolvable"},
    "requires": {"fields"},
    "provides": {"fields"},
    "external": {"reason"},
    "extends": set(),
    "shareable": set(),
    "inaccessible": set(),
    "tag": {"name"},
    "override": {"from", "label"},
    "composeDirective": {"name"},
    "interfaceObject": set(),
}


def directive_definition_invalid(context: SubgraphContext) -> None:
    document = parse(context.subgraph.sdl)
    fed_local = {
        d.name.value: d for d in document.definitions if isinstance(d, DirectiveDefinitionNode)
    }
    for local, node in fed_local.items():
        canonical = _canonical(context.subgraph, local)
        if canonical not in _DIRECTIVE_ARGS:
            continue
        for arg in node.arguments or ():
            if arg.name.value not in _DIRECTIVE_ARGS[canonical]:
                context.report(
                    "DIRECTIVE_DEFINITION_INVALID",
                    f'Invalid definition for directive "@{local}": unknown/unsupported argument "{arg.name.value}"',
                )


def _canonical(sg: SubgraphDef, local: str) -> str:
    """The federation name of a directive the subgraph may have imported under another name."""
    if sg.version == 1:
        return local
    from hansa.subgraph.federation_spec import detect_spec

    spec = detect_spec(parse(sg.sdl))
    for original, name in spec.directive_names.items():
        if name == local:
            return original
    return local
