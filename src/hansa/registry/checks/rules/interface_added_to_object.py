"""INTERFACE_ADDED_TO_OBJECT (dangerous): a kept object (or interface) type implements another
interface. Operations stay valid, but positions of that interface may now hold a type clients
do not handle, as a union member added (graphql-js IMPLEMENTED_INTERFACE_ADDED)."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext


def interface_added_to_object(context: ChangeContext) -> None:
    for old_type, new_type in context.composite_types_in_both():
        known = {i.name for i in old_type.interfaces}
        for interface in new_type.interfaces:
            if interface.name not in known:
                context.report(
                    "INTERFACE_ADDED_TO_OBJECT",
                    "dangerous",
                    old_type.name,
                    f"`{old_type.name}` now implements interface `{interface.name}`; clients "
                    "may not handle it there.",
                )
