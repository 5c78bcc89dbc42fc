"""UNION_MEMBER_REMOVED (breaking): a kept union lost a member type. Fragments on it inside the
union no longer validate (PossibleFragmentSpreads). Reported at the union's coordinate; usage
of the fields returning the union decides."""

from __future__ import annotations

from graphql import GraphQLUnionType

from hansa.registry.checks.changes import ChangeContext


def union_member_removed(context: ChangeContext) -> None:
    for old_type, new_type in context.types_in_both(GraphQLUnionType):
        kept = {t.name for t in new_type.types}
        for member in old_type.types:
            if member.name not in kept:
                context.report(
                    "UNION_MEMBER_REMOVED",
                    "breaking",
                    old_type.name,
                    f"`{member.name}` was removed from union `{old_type.name}`.",
                )
