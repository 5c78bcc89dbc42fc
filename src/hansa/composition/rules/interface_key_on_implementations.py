"""``INTERFACE_KEY_NOT_ON_IMPLEMENTATION``: a gateway resolves an entity interface through its
implementations, so each of them in this subgraph has the interface's key, resolvable when the
interface's is."""

from __future__ import annotations

from graphql import FieldNode, InlineFragmentNode, SelectionSetNode, print_ast

from hansa.composition.rules._common import (
    human_list,
    implementations,
    parse_selection,
    resolvable,
)
from hansa.composition.rules.context import SubgraphContext


def interface_key_on_implementations(context: SubgraphContext) -> None:
    sg = context.subgraph
    if sg.version != 2:
        return  # Fed 1 ignores @key on interfaces
    for itf in sg.types.values():
        if itf.kind != "interface" or not itf.keys:
            continue
        impls = [sg.types[n] for n in implementations(sg, itf.name)]
        for key in itf.keys:
            wanted = _selection_key(parse_selection(key.string("fields") or ""))
            missing: list[str] = []
            unresolvable: list[str] = []
            for impl in impls:
                match = next(
                    (
                        k
                        for k in impl.keys
                        if _selection_key(parse_selection(k.string("fields") or "")) == wanted
                    ),
                    None,
                )
                if match is None:
                    missing.append(impl.name)
                elif resolvable(key) and not resolvable(match):
                    unresolvable.append(impl.name)
            printed = print_ast(key.node)
            if missing:
                context.report(
                    "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                    f'Key {printed} on interface type "{itf.name}" is missing on '
                    f"implementation {human_list(missing, 'type', 'types')}.",
                    *(sg.types[n] for n in missing),
                )
            elif unresolvable:
                context.report(
                    "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                    f'Key {printed} on interface type "{itf.name}" should be resolvable on '
                    "all implementation types, but is declared with argument "
                    '"@key(resolvable:)" set to false in '
                    f"{human_list(unresolvable, 'type', 'types')}.",
                    *(sg.types[n] for n in unresolvable),
                )


def _selection_key(selection_set: SelectionSetNode | None) -> frozenset[object]:
    """An order-insensitive identity of a selection set (to compare ``@key`` field sets)."""
    if selection_set is None:
        return frozenset()
    items: set[object] = set()
    for s in selection_set.selections:
        if isinstance(s, FieldNode):
            alias = s.alias.value if s.alias else None
            items.add(("field", alias, s.name.value, _selection_key(s.selection_set)))
        elif isinstance(s, InlineFragmentNode):
            condition = s.type_condition.name.value if s.type_condition else None
            items.add(("fragment", condition, _selection_key(s.selection_set)))
        else:
            items.add(("spread", print_ast(s)))
    return frozenset(items)
