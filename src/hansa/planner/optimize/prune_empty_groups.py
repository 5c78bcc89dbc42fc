"""Drop fetch groups that ended up with nothing to fetch, re-pointing their dependents.

The walk opens a group before it knows whether any field will land in it (an entity jump whose
fields all turn out to be provided, keys, or ``__typename``); such a group must not become a
fetch, and whatever waited for it waits for what it waited for instead.
"""

from __future__ import annotations

from hansa.planner.builder import FetchGroup
from hansa.planner.optimize.context import PassContext


def prune_empty_groups(groups: list[FetchGroup], _context: PassContext) -> list[FetchGroup]:
    by_id = {g.id: g for g in groups}
    empty = {g.id for g in groups if g.selection.is_empty()}
    for g in groups:
        deps = set(g.depends_on)
        while deps & empty:
            for e in deps & empty:
                deps.discard(e)
                deps.update(by_id[e].depends_on)
        g.depends_on = deps - {g.id}
    return [g for g in groups if g.id not in empty]
