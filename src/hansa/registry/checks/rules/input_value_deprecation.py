"""ARGUMENT_DEPRECATED / ARGUMENT_DEPRECATION_REMOVED and INPUT_FIELD_DEPRECATED /
INPUT_FIELD_DEPRECATION_REMOVED (safe): ``@deprecated`` on an argument or an input field changes
introspection only."""

from __future__ import annotations

from graphql import GraphQLInputObjectType

from hansa.registry.checks.changes import ChangeContext, argument_coordinate, field_coordinate


def input_value_deprecation(context: ChangeContext) -> None:
    for owner, old_args, new_args in context.argument_lists():
        for name, old_arg in old_args.items():
            new_arg = new_args.get(name)
            if new_arg is not None:
                _compare(
                    context,
                    "ARGUMENT",
                    argument_coordinate(owner, name),
                    old_arg.deprecation_reason,
                    new_arg.deprecation_reason,
                )
    for old_type, new_type in context.types_in_both(GraphQLInputObjectType):
        for name, old_field in old_type.fields.items():
            new_field = new_type.fields.get(name)
            if new_field is not None:
                _compare(
                    context,
                    "INPUT_FIELD",
                    field_coordinate(old_type.name, name),
                    old_field.deprecation_reason,
                    new_field.deprecation_reason,
                )


def _compare(
    context: ChangeContext, prefix: str, coordinate: str, old: str | None, new: str | None
) -> None:
    what = prefix.replace("_", " ").capitalize()
    if old is None and new is not None:
        context.report(
            f"{prefix}_DEPRECATED",
            "safe",
            coordinate,
            f"{what} `{coordinate}` is deprecated: {new}",
        )
    elif old is not None and new is None:
        context.report(
            f"{prefix}_DEPRECATION_REMOVED",
            "safe",
            coordinate,
            f"{what} `{coordinate}` is no longer deprecated.",
        )
