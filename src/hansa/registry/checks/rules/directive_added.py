"""DIRECTIVE_ADDED (safe): a new custom directive; no existing operation uses it."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext


def directive_added(context: ChangeContext) -> None:
    for name in context.new_directives:
        if name not in context.old_directives:
            context.report("DIRECTIVE_ADDED", "safe", f"@{name}", f"Directive `@{name}` was added.")
