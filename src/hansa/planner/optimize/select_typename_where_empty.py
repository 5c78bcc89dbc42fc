"""Give every composite field of a subgraph operation a non-empty selection set.

A client selection that asks nothing of a composite field but ``__typename`` (``a: author {
__typename }``) leaves the field with no subgraph fields: ``__typename`` is answered during
completion from the runtime type. GraphQL has no empty selection set, so such a field selects
``__typename`` in the subgraph operation (as Apollo's planner does); the object then exists in
the response tree, and a null from the subgraph stays a null.
"""

from __future__ import annotations

from hansa.planner.builder import FetchGroup
from hansa.planner.optimize.context import PassContext
from hansa.planner.subgraph_selection import SubSelection


def select_typename_where_empty(
    groups: list[FetchGroup], _context: PassContext
) -> list[FetchGroup]:
    for group in groups:
        _fill(group.selection)
    return groups


def _fill(selection: SubSelection) -> None:
    for f in selection.fields.values():
        if f.selection is None:
            continue
        if f.selection.is_empty():
            f.selection.add_typename()
        else:
            _fill(f.selection)
    for fragment in selection.fragments.values():
        _fill(fragment)
