"""UNION_MEMBER_ADDED (dangerous): a kept union has a new member type. Operations stay valid,
but a client may now receive a ``__typename`` it does not handle."""

from __future__ import annotations

from graphql import GraphQLUnionType

from hansa.registry.checks.changes import ChangeContext


def union_member_added(context: ChangeContext) -> None:
    for old_type, new_type in context.types_in_both(GraphQLUnionType):
        known = {t.name for t in old_type.types}
        for member in new_type.types:
            if member.name not in known:
                context.report(
                    "UNION_MEMBER_ADDED",
                    "dangerous",
                    old_type.name,
                    f"`{member.name}` was added to union `{old_type.name}`; clients may not "
                    "handle it.",
                )
