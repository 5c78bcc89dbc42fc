"""Deprecated coordinates over a window of days, and removing those nobody used for it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from graphql import build_schema

from hansa.registry.checks import Usage, apply_deprecations, deprecated_fields, schema_changes

SCHEMA = build_schema("""
    enum Color { RED GREEN @deprecated(reason: "use RED") }
    input Filter { name: String old: String @deprecated(reason: "use name") }
    type User { id: ID! name: String @deprecated(reason: "use fullName") fullName: String }
    type Query {
      user(id: ID!, legacyId: ID @deprecated(reason: "use id")): User
      users(filter: Filter): [User]
      color: Color
      ping: Int @deprecated(reason: "gone")
    }
""")

START = date(2026, 10, 1)


def _day(offset: int, clients: dict[str, dict[str, int]]) -> dict[str, Any]:
    day = START + timedelta(days=offset)
    return {
        "from": f"{day.isoformat()}T00:00:00+00:00",
        "to": f"{day.isoformat()}T23:00:00+00:00",
        "operations": [],
        "fields": {},
        "clients": clients,
    }


def _usage(*reports: dict[str, Any]) -> Usage:
    return Usage.from_reports(reports)


# 40 days of reports: User.name used by "web" on day 5 and by "tests" on day 35; ping never.
FORTY_DAYS = _usage(
    *(
        _day(
            offset,
            {"web": {"Query.user": 1, "User.name": 1}}
            if offset == 5
            else {"tests": {"Query.user": 1, "User.name": 1}}
            if offset == 35
            else {"web": {"Query.user": 1, "User.fullName": 1}},
        )
        for offset in range(40)
    )
)


def _by_coordinate(usage: Usage, **options: Any) -> dict[str, Any]:
    return {
        d.coordinate: d
        for d in deprecated_fields(
            SCHEMA, usage.daily, arguments_recorded=usage.has_argument_data, **options
        )
    }


def test_every_deprecated_coordinate_is_listed_with_its_reason() -> None:
    found = _by_coordinate(FORTY_DAYS)
    assert {c: (d.kind, d.reason) for c, d in found.items()} == {
        "Color.GREEN": ("enum value", "use RED"),
        "Filter.old": ("input field", "use name"),
        "Query.ping": ("field", "gone"),
        "Query.user(legacyId:)": ("argument", "use id"),
        "User.name": ("field", "use fullName"),
    }


def test_usage_in_the_window_per_client_and_the_last_day_used() -> None:
    name = _by_coordinate(FORTY_DAYS)["User.name"]
    # why: the window is the 30 days up to the last report (days 10..39): day 5 is outside
    assert name.clients == {"tests": 1}
    assert name.last_used == START + timedelta(days=35)
    assert not name.removable


def test_unused_for_the_whole_window_is_removable() -> None:
    found = _by_coordinate(FORTY_DAYS)
    assert found["Query.ping"].removable
    assert found["Query.ping"].last_used is None
    assert found["Query.user(legacyId:)"].removable  # why: nobody passed the argument
    assert found["Filter.old"].removable  # why: nothing takes a Filter in the window
    # why: an enum value counts as used whenever its enum is (usage does not record values);
    # here `color` was never selected
    assert found["Color.GREEN"].removable


def test_excluded_clients_do_not_count() -> None:
    assert _by_coordinate(FORTY_DAYS, exclude_clients=["tests"])["User.name"].removable


def test_a_window_longer_than_the_usage_is_not_removable() -> None:
    # why: 40 days of reports cannot show 60 days without use
    found = _by_coordinate(FORTY_DAYS, window_days=60)
    assert not found["Query.ping"].removable


def test_the_window_ends_today_when_given() -> None:
    # why: the window is the `window_days` days ending on `today`: days 36..37 miss the use on
    # day 35, days 35..37 include it
    found = _by_coordinate(FORTY_DAYS, today=START + timedelta(days=37), window_days=2)
    assert found["User.name"].removable is True
    found = _by_coordinate(FORTY_DAYS, today=START + timedelta(days=37), window_days=3)
    assert found["User.name"].removable is False


def test_a_usage_stands_for_its_days() -> None:
    assert deprecated_fields(SCHEMA, FORTY_DAYS) == deprecated_fields(SCHEMA, FORTY_DAYS.daily)


def test_no_usage_is_never_removable() -> None:
    assert not any(d.removable for d in deprecated_fields(SCHEMA, {}))


def test_removing_a_deprecated_field_unused_for_the_window_is_safe() -> None:
    new = build_schema("""
        enum Color { RED }
        input Filter { name: String }
        type User { id: ID! fullName: String }
        type Query { user(id: ID!): User users(filter: Filter): [User] color: Color }
    """)
    changes = apply_deprecations(
        schema_changes(SCHEMA, new), SCHEMA, FORTY_DAYS, exclude_clients=["tests"]
    )
    by = {(c.code, c.coordinate): c for c in changes}
    ping = by[("FIELD_REMOVED", "Query.ping")]
    assert ping.severity == "safe"
    assert ping.message == "removing `Query.ping` is safe: unused for 30 days"
    assert ping.downgraded == "deprecated (gone) and unused for 30 days"
    assert by[("FIELD_REMOVED", "User.name")].severity == "safe"
    assert by[("ARGUMENT_REMOVED", "Query.user(legacyId:)")].severity == "safe"
    assert by[("INPUT_FIELD_REMOVED", "Filter.old")].severity == "safe"
    assert by[("ENUM_VALUE_REMOVED", "Color.GREEN")].severity == "safe"
    # counted clients keep User.name's removal breaking
    kept = apply_deprecations(schema_changes(SCHEMA, new), SCHEMA, FORTY_DAYS)
    assert {(c.code, c.coordinate): c for c in kept}[
        ("FIELD_REMOVED", "User.name")
    ].severity == "breaking"


def test_removing_a_field_that_was_not_deprecated_is_not_this_pass_s_business() -> None:
    old = build_schema("type Query { a: Int b: Int }")
    new = build_schema("type Query { a: Int }")
    (change,) = apply_deprecations(schema_changes(old, new), old, FORTY_DAYS)
    assert change.severity == "breaking"


def test_deprecation_to_json() -> None:
    ping = _by_coordinate(FORTY_DAYS)["Query.ping"]
    assert ping.to_json() == {
        "coordinate": "Query.ping",
        "kind": "field",
        "reason": "gone",
        "clients": {},
        "last_used": None,
        "removable": True,
        "window_days": 30,
    }
