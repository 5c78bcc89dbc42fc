"""Usage from gateway reports, and the pass lowering breaking changes nobody would notice."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import orjson
import pytest
from graphql import build_schema

from hansa.registry.checks import Change, Usage, UsageError, apply_usage, schema_changes


def report(
    to: str,
    clients: dict[str, dict[str, int]] | None = None,
    operations: list[dict[str, Any]] | None = None,
    fields: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A report as ``plugins/usage.py`` writes it (``clients`` None: a report from before
    ``clients`` existed)."""
    body: dict[str, Any] = {
        "from": to.replace("T23", "T22"),
        "to": to,
        "operations": operations or [],
        "fields": fields or {},
    }
    if clients is not None:
        body["clients"] = clients
    return body


REPORTS = [
    report(
        "2026-11-01T23:00:00+00:00",
        {"web": {"Query.users": 5, "Query.users(limit:)": 2}, "ios": {"Query.users": 1}},
        [
            {"hash": "a", "name": "Users", "kind": "query", "client_name": "web",
             "client_version": "1", "count": 5, "document": "query Users { users }"},
            {"hash": "b", "name": "Other", "kind": "query", "client_name": "ios",
             "client_version": None, "count": 1},
        ],
    ),
    report(
        "2026-11-02T23:00:00+00:00",
        {"web": {"Query.users": 3}, "": {"User.name": 4}},
        [
            {"hash": "b", "name": "Other", "kind": "query", "client_name": None,
             "client_version": None, "count": 7, "document": "query Other { other }"},
            {"hash": "a", "name": "Users", "kind": "query", "client_name": "web",
             "client_version": "1", "count": 3},
        ],
    ),
]  # fmt: skip


def test_counts_per_coordinate_and_client() -> None:
    usage = Usage.from_reports(REPORTS)
    assert usage.count("Query.users") == 9
    assert usage.count("Query.users", exclude_clients=["web"]) == 1
    assert usage.count("Query.users(limit:)") == 2
    assert usage.count("User.name") == 4
    assert usage.clients("Query.users") == {"ios": 1, "web": 8}
    assert usage.count("Nothing.here") == 0


def test_top_operations_add_up_across_reports_and_keep_a_document() -> None:
    usage = Usage.from_reports(REPORTS)
    top = usage.top_operations(5)
    assert [(o.hash, o.name, o.count) for o in top] == [("a", "Users", 8), ("b", "Other", 8)]
    # why: any report's document stands for the operation (same hash: same text)
    assert [o.document for o in top] == ["query Users { users }", "query Other { other }"]
    assert usage.top_operations(1)[0].hash == "a"  # ties by hash


def test_reports_belong_to_the_day_of_their_end() -> None:
    usage = Usage.from_reports(REPORTS)
    assert sorted(usage.daily) == [date(2026, 11, 1), date(2026, 11, 2)]
    assert usage.daily[date(2026, 11, 2)]["web"]["Query.users"] == 3


def test_per_day_totals() -> None:
    usage = Usage.from_reports(REPORTS)
    assert usage.per_day("Query.users") == {date(2026, 11, 1): 6, date(2026, 11, 2): 3}
    assert usage.per_day("Query.users", exclude_clients=["web"]) == {
        date(2026, 11, 1): 1,
        date(2026, 11, 2): 0,
    }


def test_since_leaves_out_earlier_reports() -> None:
    usage = Usage.from_reports(REPORTS, since=datetime(2026, 11, 2))  # naive: UTC
    assert usage.reports == 1
    assert usage.count("Query.users") == 3


def test_reports_from_before_clients_count_fields_under_no_client_name() -> None:
    # why: old files must still read; with no argument counts in the window, an argument's
    # usage is its field's
    usage = Usage.from_reports([report("2026-11-01T23:00:00+00:00", fields={"Query.users": 2})])
    assert usage.clients("Query.users") == {"": 2}
    assert not usage.has_argument_data
    assert usage.resolve("Query.users(limit:)") == "Query.users"


def test_from_json_lines_reads_a_usage_file() -> None:
    text = b"\n".join(orjson.dumps(r) for r in REPORTS) + b"\n"
    assert Usage.from_json_lines(text).count("Query.users") == 9
    assert Usage.from_json_lines(text.decode()).reports == 2


@pytest.mark.parametrize(
    "bad",
    [
        "not json",
        '{"from": "2026-01-01T00:00:00"}',
        '{"to": "yesterday"}',
        '{"to": "2026-01-01T00:00:00", "clients": {"web": {"Query.a": -1}}}',
        '{"to": "2026-01-01T00:00:00", "operations": [{"count": 1}]}',
    ],
)
def test_a_malformed_report_is_an_error_not_a_guess(bad: str) -> None:
    # why: reading a broken report as "no usage" would let a breaking change through
    with pytest.raises(UsageError):
        Usage.from_json_lines(bad)


OLD = build_schema("""
    interface Node { id: ID! }
    type User implements Node { id: ID! name: String email: String }
    type Query { users(limit: Int, sort: String): [User] node: Node legacy: Int }
""")
NEW = build_schema("""
    interface Node { id: ID }
    type User implements Node { id: ID name: String }
    type Query { users(sort: String, first: Int!): [User] node: Node }
""")


def _checked(reports: list[dict[str, Any]], **options: Any) -> dict[tuple[str, str], Change]:
    changes = apply_usage(schema_changes(OLD, NEW), Usage.from_reports(reports), **options)
    return {(c.code, c.coordinate): c for c in changes}


WINDOW = [
    report(
        "2026-11-01T23:00:00+00:00",
        {
            "web": {"Query.users": 10, "Query.users(sort:)": 10, "User.name": 10, "User.id": 3},
            "tests": {"Query.users": 1, "Query.users(limit:)": 1, "Query.legacy": 2},
        },
    )
]


def test_unused_breaking_changes_become_dangerous_and_say_why() -> None:
    checked = _checked(WINDOW)
    removed = checked[("FIELD_REMOVED", "User.email")]
    assert removed.severity == "dangerous"
    assert removed.downgraded == "unused in the usage window (0 requests, threshold 0)"


def test_used_breaking_changes_stay_and_name_their_clients() -> None:
    checked = _checked(WINDOW)
    legacy = checked[("FIELD_REMOVED", "Query.legacy")]
    assert legacy.severity == "breaking"
    assert legacy.downgraded is None
    assert "Used by 2 requests in the usage window (tests: 2)" in legacy.message


def test_argument_changes_are_judged_by_the_argument() -> None:
    # why: removing an argument breaks only the operations passing it
    checked = _checked(WINDOW, exclude_clients=["tests"])
    assert checked[("ARGUMENT_REMOVED", "Query.users(limit:)")].severity == "dangerous"
    assert "not counting 'tests'" in str(
        checked[("ARGUMENT_REMOVED", "Query.users(limit:)")].downgraded
    )


def test_a_required_argument_added_is_judged_by_its_field() -> None:
    # why: every operation selecting the field omits the new argument, and fails
    checked = _checked(WINDOW, exclude_clients=["tests"])
    assert checked[("ARGUMENT_ADDED", "Query.users(first:)")].severity == "breaking"


def test_without_argument_counts_an_argument_falls_back_to_its_field() -> None:
    old_style = [report("2026-11-01T23:00:00+00:00", fields={"Query.users": 4})]
    checked = _checked(old_style)
    # why: the report cannot tell whether anyone passed `limit`; `users` was used, so no
    # downgrade
    assert checked[("ARGUMENT_REMOVED", "Query.users(limit:)")].severity == "breaking"


def test_interface_fields_are_used_through_their_object_types() -> None:
    # why: usage counts a selection through an interface on each object type (`User.id`), never
    # on the interface itself (`Node.id`)
    checked = _checked(WINDOW)
    assert checked[("FIELD_TYPE_CHANGED", "Node.id")].severity == "breaking"
    assert checked[("FIELD_TYPE_CHANGED", "User.id")].severity == "breaking"


def test_exclusions_and_threshold() -> None:
    assert _checked(WINDOW)[("FIELD_REMOVED", "Query.legacy")].severity == "breaking"
    excluded = _checked(WINDOW, exclude_clients=["tests"])[("FIELD_REMOVED", "Query.legacy")]
    assert excluded.severity == "dangerous"
    under = _checked(WINDOW, threshold=2)[("FIELD_REMOVED", "Query.legacy")]
    assert under.severity == "dangerous"
    assert under.downgraded == "unused in the usage window (2 requests, threshold 2)"
    assert _checked(WINDOW, threshold=1)[("FIELD_REMOVED", "Query.legacy")].severity == "breaking"


def test_a_removed_type_is_used_when_any_field_of_it_is() -> None:
    old = build_schema("type Query { a: Int } type Gone { x: Int y: Int }")
    new = build_schema("type Query { a: Int }")
    usage = Usage.from_reports([report("2026-11-01T23:00:00+00:00", {"": {"Gone.y": 1}})])
    (change,) = apply_usage(schema_changes(old, new), usage)
    assert (change.code, change.severity) == ("TYPE_REMOVED", "breaking")
    unused = Usage.from_reports([report("2026-11-01T23:00:00+00:00", {"": {"Query.a": 1}})])
    (change,) = apply_usage(schema_changes(old, new), unused)
    assert change.severity == "dangerous"


def test_no_reports_lower_nothing() -> None:
    # why: no usage known is not the same as no usage
    changes = schema_changes(OLD, NEW)
    assert apply_usage(changes, Usage.from_reports([])) == changes


def test_directive_changes_are_never_lowered() -> None:
    # why: usage does not record directives
    old = build_schema("directive @x on FIELD type Query { a: Int }")
    new = build_schema("type Query { a: Int }")
    usage = Usage.from_reports([report("2026-11-01T23:00:00+00:00", {"": {"Query.a": 1}})])
    (change,) = apply_usage(schema_changes(old, new), usage)
    assert change.severity == "breaking"


def test_usage_summary() -> None:
    usage = Usage.from_reports(REPORTS)
    assert usage.to_json() == {
        "reports": 2,
        "from": datetime(2026, 11, 1, 22, tzinfo=UTC).isoformat(),
        "to": datetime(2026, 11, 2, 23, tzinfo=UTC).isoformat(),
        "operations": 2,
        "has_argument_data": True,
    }


def test_merged_reports_count_what_the_separate_ones_do() -> None:
    """The registry keeps one merged report per day: checks must read the same usage from it
    as from the reports it merged."""
    from hansa.registry.checks.usage import merge_reports

    def report(to: str, client: str, n: int, with_clients: bool = True) -> dict[str, object]:
        body: dict[str, object] = {
            "from": to.replace("T12", "T11"),
            "to": to,
            "operations": [
                {
                    "hash": "h1",
                    "name": "Me",
                    "kind": "query",
                    "client_name": client,
                    "client_version": None,
                    "count": n,
                    "document": "query Me { me { name } }",
                }
            ],
            "fields": {"Query.me": n, "User.name": n},
        }
        if with_clients:
            body["clients"] = {client: {"Query.me": n, "User.name": n, "Query.user(id:)": 1}}
        return body

    parts = [
        report("2026-12-01T12:00:00+00:00", "web", 3),
        report("2026-12-01T12:05:00+00:00", "ios", 4),
        report("2026-12-01T12:10:00+00:00", "web", 5),
    ]
    merged = None
    for part in parts:
        merged = merge_reports(merged, part)
    assert merged is not None
    separate, together = Usage.from_reports(parts), Usage.from_reports([merged])
    for coordinate in ("Query.me", "User.name", "Query.user(id:)"):
        assert together.count(coordinate) == separate.count(coordinate)
        assert together.clients(coordinate) == separate.clients(coordinate)
    assert together.top_operations(5) == separate.top_operations(5)
    assert (
        merged["from"] == "2026-12-01T11:00:00+00:00"
        and merged["to"] == "2026-12-01T12:10:00+00:00"
    )
    # A report without per-client counts makes the day's report field-only, as reading them
    # separately would (arguments then fall back to their fields).
    old = merge_reports(merged, report("2026-12-01T12:20:00+00:00", "web", 1, with_clients=False))
    assert "clients" not in old
    assert Usage.from_reports([old]).has_argument_data is False
