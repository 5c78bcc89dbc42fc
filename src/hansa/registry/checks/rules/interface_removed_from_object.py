"""INTERFACE_REMOVED_FROM_OBJECT (breaking): a kept object (or interface) type no longer
implements an interface. Fragments on the type inside that interface no longer validate, and
positions of the interface can no longer be the type. Reported at the type's coordinate; usage
of the fields returning the interface decides."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext


def interface_removed_from_object(context: ChangeContext) -> None:
    for old_type, new_type in context.composite_types_in_both():
        kept = {i.name for i in new_type.interfaces}
        for interface in old_type.interfaces:
            if interface.name not in kept:
                context.report(
                    "INTERFACE_REMOVED_FROM_OBJECT",
                    "breaking",
                    old_type.name,
                    f"`{old_type.name}` no longer implements interface `{interface.name}`.",
                    # the operations reaching the type through the interface
                    affects=context.old_usage.positions_of(interface.name),
                )
