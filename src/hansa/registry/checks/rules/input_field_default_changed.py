"""INPUT_FIELD_DEFAULT_CHANGED (dangerous): a kept input field of compatible type has another
default or lost it; values omitting the field now mean something else. A default added where
there was none is safe (INPUT_FIELD_DEFAULT_ADDED)."""

from __future__ import annotations

from graphql import GraphQLInputObjectType

from hansa.registry.checks.changes import (
    ChangeContext,
    default_text,
    field_coordinate,
    is_safe_input_change,
)


def input_field_default_changed(context: ChangeContext) -> None:
    for old_type, new_type in context.types_in_both(GraphQLInputObjectType):
        for name, old_field in old_type.fields.items():
            new_field = new_type.fields.get(name)
            if new_field is None or not is_safe_input_change(old_field.type, new_field.type):
                continue
            old, new = default_text(old_field), default_text(new_field)
            if old == new:
                continue
            coordinate = field_coordinate(old_type.name, name)
            if old is None:
                context.report(
                    "INPUT_FIELD_DEFAULT_ADDED",
                    "safe",
                    coordinate,
                    f"Input field `{coordinate}` has a default now: `{new}`.",
                )
            else:
                change = (
                    f"lost its default `{old}`"
                    if new is None
                    else (f"default changed from `{old}` to `{new}`")
                )
                context.report(
                    "INPUT_FIELD_DEFAULT_CHANGED",
                    "dangerous",
                    coordinate,
                    f"Input field `{coordinate}` {change}.",
                )
