"""ARGUMENT_DEFAULT_CHANGED (dangerous): a kept argument of unchanged-compatible type has another
default, or lost its default. Operations omitting the argument stay valid but now run with
another value. A default added where there was none is safe (ARGUMENT_DEFAULT_ADDED): omitting
the argument meant no value, and a field that accepted no value still gets one it accepts. (Not
reported when the type change itself is breaking, as graphql-js does.)"""

from __future__ import annotations

from hansa.registry.checks.changes import (
    ChangeContext,
    argument_coordinate,
    default_text,
    is_safe_input_change,
)


def argument_default_changed(context: ChangeContext) -> None:
    for owner, old_args, new_args in context.argument_lists():
        for name, old_arg in old_args.items():
            new_arg = new_args.get(name)
            if new_arg is None or not is_safe_input_change(old_arg.type, new_arg.type):
                continue
            old, new = default_text(old_arg), default_text(new_arg)
            if old == new:
                continue
            coordinate = argument_coordinate(owner, name)
            if old is None:
                context.report(
                    "ARGUMENT_DEFAULT_ADDED",
                    "safe",
                    coordinate,
                    f"Argument `{coordinate}` has a default now: `{new}`.",
                )
            elif new is None:
                context.report(
                    "ARGUMENT_DEFAULT_CHANGED",
                    "dangerous",
                    coordinate,
                    f"Argument `{coordinate}` lost its default `{old}`.",
                )
            else:
                context.report(
                    "ARGUMENT_DEFAULT_CHANGED",
                    "dangerous",
                    coordinate,
                    f"Argument `{coordinate}` default changed from `{old}` to `{new}`.",
                )
