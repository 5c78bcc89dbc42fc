"""DIRECTIVE_REMOVED (breaking): a custom directive is gone; operations using it no longer
validate (KnownDirectives). Usage does not record directives, so usage never lowers it."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext


def directive_removed(context: ChangeContext) -> None:
    for name in context.old_directives:
        if name not in context.new_directives:
            context.report(
                "DIRECTIVE_REMOVED", "breaking", f"@{name}", f"Directive `@{name}` was removed."
            )
