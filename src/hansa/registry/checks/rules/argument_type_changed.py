"""ARGUMENT_TYPE_CHANGED / DIRECTIVE_ARGUMENT_TYPE_CHANGED: a kept argument takes another type.
Safe when every value the old type accepted the new one accepts too (same named type and list
structure, positions only made nullable: ``Int!`` → ``Int``); breaking otherwise: another named
type or list structure rejects literals and variables written for the old one
(ValuesOfCorrectType, VariablesInAllowedPosition), and a nullable position made non-null rejects
null. When the argument becomes required, operations that never passed it break too, so usage of
the field decides."""

from __future__ import annotations

from hansa.registry.checks.changes import (
    ChangeContext,
    argument_coordinate,
    argument_owner_kind,
    is_required,
    is_safe_input_change,
)


def argument_type_changed(context: ChangeContext) -> None:
    for owner, old_args, new_args in context.argument_lists():
        kind = argument_owner_kind(owner)
        code = "DIRECTIVE_ARGUMENT_TYPE_CHANGED" if kind == "directive" else "ARGUMENT_TYPE_CHANGED"
        for name, old_arg in old_args.items():
            new_arg = new_args.get(name)
            if new_arg is None or str(old_arg.type) == str(new_arg.type):
                continue
            coordinate = argument_coordinate(owner, name)
            message = (
                f"Argument `{coordinate}` changed type from `{old_arg.type}` to `{new_arg.type}`"
            )
            if is_safe_input_change(old_arg.type, new_arg.type):
                context.report(code, "safe", coordinate, message + ".")
            elif is_required(new_arg) and not is_required(old_arg):
                context.report(
                    code,
                    "breaking",
                    coordinate,
                    message + "; it is now required.",
                    affects=context.old_usage.usage_coordinates(owner),
                )
            else:
                context.report(code, "breaking", coordinate, message + ".")
