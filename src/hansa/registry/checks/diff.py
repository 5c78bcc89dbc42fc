"""``schema_changes``: every rule of ``rules.CHANGE_RULES`` over two API schemas."""

from __future__ import annotations

from graphql import GraphQLSchema

from hansa.registry.checks.changes import Change, ChangeContext
from hansa.registry.checks.rules import CHANGE_RULES


def schema_changes(old: GraphQLSchema, new: GraphQLSchema) -> list[Change]:
    """The changes from ``old`` to ``new``, sorted by coordinate, code, then message."""
    context = ChangeContext(old, new)
    for rule in CHANGE_RULES:
        rule(context)
    return sorted(context.changes, key=lambda c: (c.coordinate, c.code, c.message))
