"""Plan optimisations and clean-ups, one named pass per module, run in order after the walk.

Each pass takes the fetch groups the builder produced (and a ``PassContext`` to consult the
supergraph) and returns the groups to emit. The walk
in ``builder.py`` decides where fields are resolved; passes only tidy what it built, so a new
optimisation is a new module listed in ``PASSES``, not an edit inside the walk.
"""

from __future__ import annotations

from collections.abc import Callable

from hansa.planner.builder import FetchGroup
from hansa.planner.optimize.context import PassContext
from hansa.planner.optimize.merge_children_with_parents import merge_children_with_parents
from hansa.planner.optimize.prune_empty_groups import prune_empty_groups
from hansa.planner.optimize.select_typename_where_empty import select_typename_where_empty

Pass = Callable[[list[FetchGroup], PassContext], list[FetchGroup]]

PASSES: tuple[Pass, ...] = (
    prune_empty_groups,
    merge_children_with_parents,
    select_typename_where_empty,
)


def optimize(groups: list[FetchGroup], context: PassContext) -> list[FetchGroup]:
    for run in PASSES:
        groups = run(groups, context)
    return groups
