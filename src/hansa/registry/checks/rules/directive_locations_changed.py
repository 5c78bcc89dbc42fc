"""DIRECTIVE_LOCATION_REMOVED, DIRECTIVE_REPEATABLE_REMOVED (breaking): a kept directive may no
longer be used where, or as often as, it was (KnownDirectives, UniqueDirectivesPerLocation).
DIRECTIVE_LOCATION_ADDED, DIRECTIVE_REPEATABLE_ADDED (safe): it may be used in more ways."""

from __future__ import annotations

from hansa.registry.checks.changes import ChangeContext


def directive_locations_changed(context: ChangeContext) -> None:
    for old, new in context.directives_in_both():
        coordinate = f"@{old.name}"
        old_locations = {location.name for location in old.locations}
        new_locations = {location.name for location in new.locations}
        for location in sorted(old_locations - new_locations):
            context.report(
                "DIRECTIVE_LOCATION_REMOVED",
                "breaking",
                coordinate,
                f"Directive `{coordinate}` can no longer be used on {location}.",
            )
        for location in sorted(new_locations - old_locations):
            context.report(
                "DIRECTIVE_LOCATION_ADDED",
                "safe",
                coordinate,
                f"Directive `{coordinate}` can now be used on {location}.",
            )
        if old.is_repeatable and not new.is_repeatable:
            context.report(
                "DIRECTIVE_REPEATABLE_REMOVED",
                "breaking",
                coordinate,
                f"Directive `{coordinate}` is no longer repeatable.",
            )
        elif new.is_repeatable and not old.is_repeatable:
            context.report(
                "DIRECTIVE_REPEATABLE_ADDED",
                "safe",
                coordinate,
                f"Directive `{coordinate}` is repeatable now.",
            )
