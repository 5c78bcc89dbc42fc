"""FIELD_REMOVED (breaking): an object or interface type kept its name but lost a field.
Operations selecting it no longer validate. When the type lost exactly one field and gained
exactly one of the same type and arguments, the message says it looks like a rename (to
clients a rename is a removal plus an addition all the same)."""

from __future__ import annotations

from graphql import GraphQLField

from hansa.registry.checks.changes import ChangeContext, field_coordinate


def field_removed(context: ChangeContext) -> None:
    for old_type, new_type in context.composite_types_in_both():
        removed = [name for name in old_type.fields if name not in new_type.fields]
        added = [name for name in new_type.fields if name not in old_type.fields]
        for name in removed:
            old_field = old_type.fields[name]
            coordinate = field_coordinate(old_type.name, name)
            message = f"Field `{coordinate}` was removed"
            if old_field.deprecation_reason is not None:
                message += f" (deprecated: {old_field.deprecation_reason})"
            if (
                len(removed) == 1
                and len(added) == 1
                and _same_shape(old_field, new_type.fields[added[0]])
            ):
                message += (
                    f"; `{field_coordinate(old_type.name, added[0])}` looks like its new name"
                )
            context.report("FIELD_REMOVED", "breaking", coordinate, message + ".")


def _same_shape(old: GraphQLField, new: GraphQLField) -> bool:
    return str(old.type) == str(new.type) and {
        name: str(arg.type) for name, arg in old.args.items()
    } == {name: str(arg.type) for name, arg in new.args.items()}
