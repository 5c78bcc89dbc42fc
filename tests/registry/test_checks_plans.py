"""Plan regressions and the whole check, on supergraphs composed by ``hansa.composition``."""

from __future__ import annotations

from typing import Any

import pytest

from hansa.composition import SubgraphInput, compose
from hansa.planner.plan import Fetch, Flatten, Parallel, Sequence
from hansa.registry.checks import OperationUsage, Usage, plan_regressions, run_checks
from hansa.registry.checks.plans import PlanShape, plan_shape
from hansa.supergraph import SupergraphError

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", '
    'import: ["@key", "@shareable"])\n'
)
ACCOUNTS = (
    LINK
    + """
type Query { me: User users: [User] }
type User @key(fields: "id") { id: ID! name: String email: String }
"""
)
ACCOUNTS_WITHOUT_EMAIL = (
    LINK
    + """
type Query { me: User users: [User] }
type User @key(fields: "id") { id: ID! name: String }
"""
)
PROFILES = (
    LINK
    + """
type User @key(fields: "id") { id: ID! email: String }
"""
)
REVIEWS = (
    LINK
    + """
type Review { body: String }
type User @key(fields: "id") { id: ID! reviews: [Review] }
"""
)


def _supergraph(*subgraphs: tuple[str, str]) -> str:
    result = compose(
        [SubgraphInput(name, f"http://{name}/graphql", sdl) for name, sdl in subgraphs]
    )
    assert result.ok, result.errors
    assert result.supergraph_sdl is not None
    return result.supergraph_sdl


OLD = _supergraph(("accounts", ACCOUNTS), ("reviews", REVIEWS))
# email moved from accounts to a new profiles subgraph
MOVED = _supergraph(
    ("accounts", ACCOUNTS_WITHOUT_EMAIL), ("reviews", REVIEWS), ("profiles", PROFILES)
)
# email gone altogether
DROPPED = _supergraph(("accounts", ACCOUNTS_WITHOUT_EMAIL), ("reviews", REVIEWS))

ME = OperationUsage("h-me", "Me", "query Me { me { name email } }", 40)
REVIEWS_OP = OperationUsage("h-rev", "Rev", "query Rev { me { name reviews { body } } }", 20)


def test_moving_a_field_to_another_subgraph_adds_a_fetch() -> None:
    (regression,) = plan_regressions(OLD, MOVED, [ME, REVIEWS_OP])
    # why: `me { name email }` was one accounts fetch; with email in profiles it is accounts,
    # then an entity fetch to profiles after it
    assert regression.to_json() == {
        "operation_name": "Me",
        "hash": "h-me",
        "old_fetches": 1,
        "new_fetches": 2,
        "old_depth": 1,
        "new_depth": 2,
        "reason": "1 → 2 fetches; 1 → 2 sequential steps",
    }


def test_the_same_plan_is_no_regression() -> None:
    assert plan_regressions(OLD, OLD, [ME, REVIEWS_OP]) == []


def test_an_operation_that_no_longer_validates_is_a_regression() -> None:
    (regression,) = plan_regressions(OLD, DROPPED, [ME, REVIEWS_OP])
    assert regression.hash == "h-me"
    assert regression.new_fetches is None and regression.new_depth is None
    assert regression.reason.startswith("no longer validates: ")
    assert "email" in regression.reason


def test_operations_without_a_document_or_invalid_today_are_not_judged() -> None:
    # why: nothing to re-plan, or nothing to compare with
    no_text = OperationUsage("h-x", "X", None, 100)
    invalid = OperationUsage("h-bad", None, "{ me { nope } }", 100)
    assert plan_regressions(OLD, DROPPED, [no_text, invalid]) == []


def test_plan_shape_counts_fetches_and_fetches_in_a_row() -> None:
    fetch: Any = Fetch.__new__(Fetch)
    flat = Flatten(("me",), fetch)
    # Sequence(fetch, Parallel(flat, Sequence(flat, flat))) -> 4 fetches, 1 + max(1, 2) = 3 steps
    node = Sequence((fetch, Parallel((flat, Sequence((flat, flat))))))
    assert plan_shape(node) == PlanShape(4, 3)
    assert plan_shape(None) == PlanShape(0, 0)


def _usage(counts: dict[str, int], operations: list[OperationUsage]) -> Usage:
    return Usage.from_reports(
        [
            {
                "from": "2026-11-01T00:00:00+00:00",
                "to": "2026-11-01T23:00:00+00:00",
                "operations": [
                    {"hash": o.hash, "name": o.name, "count": o.count, "document": o.document}
                    for o in operations
                ],
                "fields": {},
                "clients": {"web": counts},
            }
        ]
    )


def test_run_checks_moving_a_field_changes_no_schema_but_regresses_a_plan() -> None:
    usage = _usage({"Query.me": 40, "User.name": 60, "User.email": 40}, [ME, REVIEWS_OP])
    report = run_checks(OLD, MOVED, usage)
    # why: the API schema is the same; the plan is not
    assert report.changes == []
    assert [r.hash for r in report.plan_regressions] == ["h-me"]
    assert not report.ok
    assert run_checks(OLD, MOVED, usage, plan_regression=False).ok


def test_run_checks_field_removal_breaking_unless_unused() -> None:
    used = _usage({"Query.me": 40, "User.email": 40}, [ME])
    report = run_checks(OLD, DROPPED, used, plan_regression=False)
    assert [(c.code, c.severity, c.coordinate) for c in report.changes] == [
        ("FIELD_REMOVED", "breaking", "User.email")
    ]
    assert not report.ok
    unused = _usage({"Query.me": 40, "User.name": 40}, [REVIEWS_OP])
    report = run_checks(OLD, DROPPED, unused)
    assert [(c.severity, c.downgraded) for c in report.changes] == [
        ("dangerous", "unused in the usage window (0 requests, threshold 0)")
    ]
    assert report.ok
    assert report.to_json()["summary"] == {
        "breaking": 0,
        "dangerous": 1,
        "safe": 0,
        "plan_regressions": 0,
    }


def test_run_checks_without_usage_judges_the_schemas_alone() -> None:
    report = run_checks(OLD, DROPPED, None)
    assert [c.severity for c in report.changes] == ["breaking"]
    assert report.plan_regressions == []
    assert report.to_json()["ok"] is False


def test_run_checks_first_publish_changes_nothing() -> None:
    report = run_checks(None, OLD, None)
    assert report.ok and report.changes == []


def test_run_checks_refuses_an_unreadable_supergraph() -> None:
    with pytest.raises(SupergraphError):
        run_checks(OLD, "type Query { a: Int }", None)
