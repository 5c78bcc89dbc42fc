"""TYPE_ADDED (safe): a new named type. No existing operation can name it."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext
from hansa.registry.checks.kinds import kind_name


def type_added(context: ChangeContext) -> None:
    for name, new in context.new_types.items():
        if name not in context.old_types:
            context.report("TYPE_ADDED", "safe", name, f"{kind_name(new)} `{name}` was added.")
