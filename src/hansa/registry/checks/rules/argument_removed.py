"""ARGUMENT_REMOVED / DIRECTIVE_ARGUMENT_REMOVED (breaking): a kept field or directive lost an
argument. Operations passing it no longer validate (KnownArgumentNames); operations not passing
it are unaffected, which is what usage of ``Type.field(arg:)`` tells."""

from __future__ import annotations

from hansa.registry.checks.changes import (
    ChangeContext,
    argument_coordinate,
    argument_owner_kind,
)


def argument_removed(context: ChangeContext) -> None:
    for owner, old_args, new_args in context.argument_lists():
        kind = argument_owner_kind(owner)
        code = "DIRECTIVE_ARGUMENT_REMOVED" if kind == "directive" else "ARGUMENT_REMOVED"
        for name, old_arg in old_args.items():
            if name in new_args:
                continue
            coordinate = argument_coordinate(owner, name)
            message = f"Argument `{name}` was removed from {kind} `{owner}`"
            if old_arg.deprecation_reason is not None:
                message += f" (deprecated: {old_arg.deprecation_reason})"
            context.report(code, "breaking", coordinate, message + ".")
