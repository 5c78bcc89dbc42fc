"""INPUT_FIELD_ADDED: a kept input object has a new field. Breaking when it is required
(non-null, no default): every existing value of the type lacks it and is rejected. Safe when
optional (graphql-inspector's judgement; graphql-js calls it dangerous, though no existing
operation can observe it)."""

from __future__ import annotations

from graphql import GraphQLInputObjectType

from hansa.registry.checks.changes import ChangeContext, field_coordinate, is_required


def input_field_added(context: ChangeContext) -> None:
    for old_type, new_type in context.types_in_both(GraphQLInputObjectType):
        for name, new_field in new_type.fields.items():
            if name in old_type.fields:
                continue
            coordinate = field_coordinate(new_type.name, name)
            if is_required(new_field):
                context.report(
                    "INPUT_FIELD_ADDED",
                    "breaking",
                    coordinate,
                    f"Required input field `{coordinate}: {new_field.type}` was added.",
                    affects=context.old_usage.usage_coordinates(old_type.name),
                )
            else:
                context.report(
                    "INPUT_FIELD_ADDED",
                    "safe",
                    coordinate,
                    f"Optional input field `{coordinate}: {new_field.type}` was added.",
                )
