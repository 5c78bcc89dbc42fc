"""TYPE_REMOVED (breaking): a named type of the old schema is gone. Operations naming it (a
fragment's type condition, a variable's type) no longer validate."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext
from hansa.registry.checks.kinds import kind_name


def type_removed(context: ChangeContext) -> None:
    for name, old in context.old_types.items():
        if name not in context.new_types:
            context.report(
                "TYPE_REMOVED", "breaking", name, f"{kind_name(old)} `{name}` was removed."
            )
