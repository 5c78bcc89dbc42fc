"""Plan regressions: the most used operations planned against the old and the new supergraph.

An operation regresses when its plan on the new supergraph needs more subgraph fetches, or more
fetches one after another (``depth``: a ``Sequence`` adds its parts up, a ``Parallel`` takes
its longest branch, as ``tests/planner/plan_shape.py`` judges plan quality), or when it no
longer validates or plans at all. Under ``@skip``/``@include`` conditions the worst branch
counts: each request runs one. Operations that do not plan on the old supergraph either are
not judged (nothing to compare with).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from hansa.operation.prepare import OperationCache, OperationError
from hansa.planner.builder import PlanningError
from hansa.planner.plan import Condition, Fetch, Flatten, Parallel, PlanNode
from hansa.planner.plan import Sequence as SequenceNode
from hansa.planner.query_planner import QueryPlanner
from hansa.registry.checks.usage import OperationUsage
from hansa.supergraph import Supergraph, read_supergraph


@dataclass(frozen=True)
class PlanRegression:
    operation_name: str | None
    hash: str
    old_fetches: int
    new_fetches: int | None  # None when the operation no longer plans
    old_depth: int
    new_depth: int | None
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "operation_name": self.operation_name,
            "hash": self.hash,
            "old_fetches": self.old_fetches,
            "new_fetches": self.new_fetches,
            "old_depth": self.old_depth,
            "new_depth": self.new_depth,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class PlanShape:
    fetches: int  # subgraph requests
    depth: int  # the longest chain of fetches that run one after another


def plan_shape(node: PlanNode | None) -> PlanShape:
    """Fetches and depth of a plan (the worst ``Condition`` branch)."""
    if node is None:
        return PlanShape(0, 0)
    if isinstance(node, Fetch):
        return PlanShape(1, 1)
    if isinstance(node, Flatten):
        return plan_shape(node.node)
    if isinstance(node, Condition):
        branches = [plan_shape(node.if_true), plan_shape(node.if_false)]
        return PlanShape(max(b.fetches for b in branches), max(b.depth for b in branches))
    parts = [plan_shape(child) for child in node.nodes]
    fetches = sum(p.fetches for p in parts)
    if isinstance(node, SequenceNode):
        return PlanShape(fetches, sum(p.depth for p in parts))
    assert isinstance(node, Parallel)
    return PlanShape(fetches, max((p.depth for p in parts), default=0))


class _Planning:
    """One supergraph's operation cache and planner."""

    def __init__(self, supergraph: Supergraph) -> None:
        self.operations = OperationCache(supergraph.api_schema)
        self.planner = QueryPlanner(supergraph)

    def shape(self, operation: OperationUsage) -> PlanShape:
        """Raises ``OperationError`` (does not validate) or ``PlanningError``."""
        assert operation.document is not None
        prepared = self.operations.get(operation.document, operation.name)
        return plan_shape(self.planner.full_plan(prepared).node)


def plan_regressions(
    old_supergraph_sdl: str | Supergraph,
    new_supergraph_sdl: str | Supergraph,
    operations: Sequence[OperationUsage],
) -> list[PlanRegression]:
    """The operations (with a document) whose plan got worse or stopped working, in the order
    given. Raises ``SupergraphError`` when a supergraph cannot be read."""
    old = _Planning(_read(old_supergraph_sdl))
    new = _Planning(_read(new_supergraph_sdl))
    found: list[PlanRegression] = []
    for operation in operations:
        if not operation.document:
            continue
        try:
            before = old.shape(operation)
        except Exception:  # does not validate or plan today: nothing to compare with
            continue
        try:
            after = new.shape(operation)
        except OperationError as error:
            found.append(_broken(operation, before, f"no longer validates: {error}"))
            continue
        except PlanningError as error:
            found.append(_broken(operation, before, f"no longer plans: {error}"))
            continue
        except Exception as error:  # a planner failure is a finding, not a crash of the check
            found.append(_broken(operation, before, f"no longer plans: {error!r}"))
            continue
        reasons = []
        if after.fetches > before.fetches:
            reasons.append(f"{before.fetches} → {after.fetches} fetches")
        if after.depth > before.depth:
            reasons.append(f"{before.depth} → {after.depth} sequential steps")
        if reasons:
            found.append(
                PlanRegression(
                    operation.name,
                    operation.hash,
                    before.fetches,
                    after.fetches,
                    before.depth,
                    after.depth,
                    "; ".join(reasons),
                )
            )
    return found


def _broken(operation: OperationUsage, before: PlanShape, reason: str) -> PlanRegression:
    return PlanRegression(
        operation.name, operation.hash, before.fetches, None, before.depth, None, reason
    )


def _read(supergraph: str | Supergraph) -> Supergraph:
    return read_supergraph(supergraph) if isinstance(supergraph, str) else supergraph
