"""Deprecated coordinates and their usage over a window of days, and the pass that lets a
deprecated coordinate nobody used for the whole window go.

A deprecated field, argument, input field or enum value is ``removable`` when usage covers the
window (the first report is on or before its first day) and no request counted in the window
used it (but those of excluded clients). The window ends on ``today``: by default the last day a
report ended on, so an old usage snapshot speaks for its own period, not for days it never saw.
Usage is read through ``coordinates.UsageIndex``: an interface field through its object types,
an enum value or input field through the fields and arguments it can flow through (so an enum
value counts as used whenever its enum is: usage does not record values).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

from hansa.registry.checks.changes import Change
from hansa.registry.checks.coordinates import (
    UsageIndex,
    argument_coordinate,
    field_coordinate,
    field_of_argument,
    visible_types,
)
from hansa.registry.checks.usage import DailyUsage, Usage

WINDOW_DAYS = 30

# Removals the deprecation window can make safe, and the kind of coordinate each removes.
REMOVALS = frozenset(
    {"FIELD_REMOVED", "ARGUMENT_REMOVED", "INPUT_FIELD_REMOVED", "ENUM_VALUE_REMOVED"}
)


@dataclass(frozen=True)
class Deprecation:
    coordinate: str
    kind: str  # "field", "argument", "input field", "enum value"
    reason: str
    clients: dict[str, int] = field(default_factory=dict)  # requests in the window, per client
    last_used: date | None = None  # the last day a (counted) request used it, in all the data
    removable: bool = False
    window_days: int = WINDOW_DAYS

    def to_json(self) -> dict[str, Any]:
        return {
            "coordinate": self.coordinate,
            "kind": self.kind,
            "reason": self.reason,
            "clients": self.clients,
            "last_used": self.last_used.isoformat() if self.last_used else None,
            "removable": self.removable,
            "window_days": self.window_days,
        }


def deprecated_fields(
    api_schema: GraphQLSchema,
    usage_by_day: DailyUsage | Usage,
    *,
    window_days: int = WINDOW_DAYS,
    today: date | None = None,
    exclude_clients: Iterable[str] = (),
    arguments_recorded: bool = True,
) -> list[Deprecation]:
    """Every deprecated coordinate of ``api_schema`` with its usage, sorted by coordinate.
    ``usage_by_day``: ``Usage.daily``, or the ``Usage`` itself. ``arguments_recorded=False``
    (``Usage.has_argument_data``, taken from a ``Usage``) reads an argument's usage as its
    field's."""
    if isinstance(usage_by_day, Usage):
        arguments_recorded = arguments_recorded and usage_by_day.has_argument_data
        usage_by_day = usage_by_day.daily
    excluded = set(exclude_clients)
    days = sorted(usage_by_day)
    end = today if today is not None else (days[-1] if days else None)
    start = end - timedelta(days=window_days - 1) if end is not None else None
    covered = bool(days) and start is not None and days[0] <= start
    index = UsageIndex(api_schema)
    found: list[Deprecation] = []
    for coordinate, kind, reason in _deprecated(api_schema):
        usage_coordinates = index.usage_coordinates(coordinate) or ()
        if not arguments_recorded:
            usage_coordinates = tuple(
                dict.fromkeys(field_of_argument(c) or c for c in usage_coordinates)
            )
        in_window: Counter[str] = Counter()
        last_used: date | None = None
        for day in days:
            used = 0
            for client, counts in usage_by_day[day].items():
                if client in excluded:
                    continue
                n = sum(counts.get(c, 0) for c in usage_coordinates)
                used += n
                if n and start is not None and end is not None and start <= day <= end:
                    in_window[client] += n
            if used:
                last_used = day
        found.append(
            Deprecation(
                coordinate,
                kind,
                reason,
                dict(sorted(in_window.items())),
                last_used,
                removable=covered and not in_window,
                window_days=window_days,
            )
        )
    return sorted(found, key=lambda d: d.coordinate)


def _deprecated(schema: GraphQLSchema) -> Iterable[tuple[str, str, str]]:
    for name, type_ in visible_types(schema).items():
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, output in type_.fields.items():
                coordinate = field_coordinate(name, field_name)
                if output.deprecation_reason is not None:
                    yield coordinate, "field", output.deprecation_reason
                for arg_name, arg in output.args.items():
                    if arg.deprecation_reason is not None:
                        yield (
                            argument_coordinate(coordinate, arg_name),
                            "argument",
                            arg.deprecation_reason,
                        )
        elif isinstance(type_, GraphQLInputObjectType):
            for field_name, input_field in type_.fields.items():
                if input_field.deprecation_reason is not None:
                    yield (
                        field_coordinate(name, field_name),
                        "input field",
                        input_field.deprecation_reason,
                    )
        elif isinstance(type_, GraphQLEnumType):
            for value_name, value in type_.values.items():
                if value.deprecation_reason is not None:
                    yield field_coordinate(name, value_name), "enum value", value.deprecation_reason


def apply_deprecations(
    changes: Sequence[Change],
    old_api_schema: GraphQLSchema,
    usage: Usage,
    *,
    window_days: int = WINDOW_DAYS,
    today: date | None = None,
    exclude_clients: Iterable[str] = (),
) -> list[Change]:
    """A breaking removal of a coordinate that was deprecated and is ``removable`` becomes safe,
    with the message "removing X is safe: unused for N days"; everything else is returned as
    it is."""
    removable = {
        d.coordinate: d
        for d in deprecated_fields(
            old_api_schema,
            usage,
            window_days=window_days,
            today=today,
            exclude_clients=exclude_clients,
        )
        if d.removable
    }
    result: list[Change] = []
    for change in changes:
        deprecation = removable.get(change.coordinate)
        if change.severity == "breaking" and change.code in REMOVALS and deprecation is not None:
            result.append(
                change.downgrade(
                    "safe",
                    f"deprecated ({deprecation.reason}) and unused for {window_days} days",
                    f"removing `{change.coordinate}` is safe: unused for {window_days} days",
                )
            )
        else:
            result.append(change)
    return result
