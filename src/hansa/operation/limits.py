"""Request limits computed on the operation (cheap, cached with it)."""

from __future__ import annotations

from typing import Any

from graphql import ExecutableDefinitionNode, FieldNode, Visitor, visit

from hansa.operation.normalized import Selection


def selection_depth(selection: Selection) -> int:
    """Deepest field nesting: ``{ a { b } }`` has depth 2."""
    deepest = 0
    for f in selection.fields:
        below = selection_depth(f.selection) if f.selection is not None else 0
        deepest = max(deepest, 1 + below)
    for _, sub in selection.fragments:
        deepest = max(deepest, selection_depth(sub))
    return deepest


def alias_count(definitions: list[ExecutableDefinitionNode]) -> int:
    """Aliased fields written in these definitions (the operation and its fragments)."""
    found = 0

    class Aliases(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> None:
            nonlocal found
            if node.alias is not None:
                found += 1

    for definition in definitions:
        visit(definition, Aliases())
    return found
