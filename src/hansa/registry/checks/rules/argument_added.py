"""ARGUMENT_ADDED / DIRECTIVE_ARGUMENT_ADDED: a kept field or directive has a new argument.
Breaking when it is required (non-null, no default): every operation using the field or
directive omits it and fails validation (ProvidedRequiredArguments), so usage of the field
decides, not of the argument nobody passes yet. Safe when it is optional: omitted, it is
absent or its default, as graphql-inspector judges (graphql-js calls an optional argument
added "dangerous"; nothing an existing operation observes changes)."""

from __future__ import annotations

from hansa.registry.checks.changes import (
    ChangeContext,
    argument_coordinate,
    argument_owner_kind,
    is_required,
)


def argument_added(context: ChangeContext) -> None:
    for owner, old_args, new_args in context.argument_lists():
        kind = argument_owner_kind(owner)
        code = "DIRECTIVE_ARGUMENT_ADDED" if kind == "directive" else "ARGUMENT_ADDED"
        for name, new_arg in new_args.items():
            if name in old_args:
                continue
            coordinate = argument_coordinate(owner, name)
            if is_required(new_arg):
                context.report(
                    code,
                    "breaking",
                    coordinate,
                    f"Required argument `{name}: {new_arg.type}` was added to {kind} `{owner}`.",
                    affects=context.old_usage.usage_coordinates(owner),
                )
            else:
                context.report(
                    code,
                    "safe",
                    coordinate,
                    f"Optional argument `{name}: {new_arg.type}` was added to {kind} `{owner}`.",
                )
