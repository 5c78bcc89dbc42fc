"""Request limits computed on the normalized operation (cheap, cached with it)."""

from __future__ import annotations

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
