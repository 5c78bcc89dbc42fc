"""The schema registry's checks, as pure code: what a proposed supergraph changes for clients.

``run_checks`` is the one entry (the registry's ``POST .../check`` and ``hansa registry check
--usage-snapshot FILE`` call it):

1. ``schema_changes`` compares the old and new API schemas, one rule per module of ``rules/``;
2. with usage, ``apply_deprecations`` makes the removal of a deprecated coordinate unused for the
   whole window safe, then ``apply_usage`` lowers a breaking change nobody (but excluded
   clients, up to a threshold) used to dangerous, saying why;
3. with usage, ``plan_regressions`` plans the most used operations against both supergraphs
   and reports those needing more fetches, more fetches in a row, or no longer planning.

The check passes (``ok``) when no breaking change is left and no operation regressed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hansa.registry.checks.changes import Change, ChangeContext, Severity
from hansa.registry.checks.deprecations import (
    WINDOW_DAYS,
    Deprecation,
    apply_deprecations,
    deprecated_fields,
)
from hansa.registry.checks.diff import schema_changes
from hansa.registry.checks.plans import PlanRegression, plan_regressions
from hansa.registry.checks.usage import OperationUsage, Usage, UsageError, apply_usage
from hansa.supergraph import read_supergraph


@dataclass(frozen=True)
class CheckReport:
    changes: list[Change]
    plan_regressions: list[PlanRegression] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No breaking change left and no plan regression."""
        return not self.plan_regressions and all(c.severity != "breaking" for c in self.changes)

    def count(self, severity: Severity) -> int:
        return sum(1 for c in self.changes if c.severity == severity)

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "summary": {
                "breaking": self.count("breaking"),
                "dangerous": self.count("dangerous"),
                "safe": self.count("safe"),
                "plan_regressions": len(self.plan_regressions),
            },
            "changes": [c.to_json() for c in self.changes],
            "plan_regressions": [r.to_json() for r in self.plan_regressions],
        }


def run_checks(
    old_supergraph_sdl: str | None,
    new_supergraph_sdl: str,
    usage: Usage | None,
    *,
    exclude_clients: Iterable[str] = (),
    threshold: int = 0,
    plan_regression: bool = True,
    top_operations: int = 50,
    deprecation_window_days: int = WINDOW_DAYS,
    today: date | None = None,
) -> CheckReport:
    """Check ``new_supergraph_sdl`` against ``old_supergraph_sdl`` (None: the first one, which
    changes nothing for anybody). Raises ``SupergraphError`` when either cannot be read."""
    new = read_supergraph(new_supergraph_sdl)
    if old_supergraph_sdl is None:
        return CheckReport([])
    old = read_supergraph(old_supergraph_sdl)
    excluded = tuple(exclude_clients)
    changes = schema_changes(old.api_schema, new.api_schema)
    regressions: list[PlanRegression] = []
    if usage is not None:
        changes = apply_deprecations(
            changes,
            old.api_schema,
            usage,
            window_days=deprecation_window_days,
            today=today,
            exclude_clients=excluded,
        )
        changes = apply_usage(changes, usage, exclude_clients=excluded, threshold=threshold)
        if plan_regression:
            regressions = plan_regressions(
                old, new, usage.top_operations(top_operations, exclude_clients, threshold)
            )
    return CheckReport(changes, regressions)


__all__ = [
    "WINDOW_DAYS",
    "Change",
    "ChangeContext",
    "CheckReport",
    "Deprecation",
    "OperationUsage",
    "PlanRegression",
    "Severity",
    "Usage",
    "UsageError",
    "apply_deprecations",
    "apply_usage",
    "deprecated_fields",
    "plan_regressions",
    "run_checks",
    "schema_changes",
]
