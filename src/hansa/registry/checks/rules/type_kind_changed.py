"""TYPE_KIND_CHANGED (breaking): a name now stands for another kind of type (an object became
an interface, an enum a scalar, ...). Selections, fragments and literals written for the old
kind stop fitting; the rules comparing members of same-kind types do not run on it."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext
from hansa.registry.checks.kinds import kind_name


def type_kind_changed(context: ChangeContext) -> None:
    for name, old in context.old_types.items():
        new = context.new_types.get(name)
        if new is not None and type(new) is not type(old):
            context.report(
                "TYPE_KIND_CHANGED",
                "breaking",
                name,
                f"`{name}` changed from {kind_name(old).lower()} to {kind_name(new).lower()}.",
            )
