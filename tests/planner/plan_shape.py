"""The shape of a query plan that plan quality is judged by: fetches, and fetches in a row.

``Shape.fetches`` counts subgraph requests; ``Shape.steps`` is the longest chain of fetches that
must run one after another (a ``Sequence`` adds up, a ``Parallel`` takes its longest branch).
Both are read from Hansa's plan objects and from Apollo's printed plans
(``prettyFormatQueryPlan``), evaluating ``Include``/``Skip`` conditions with the query's
variables, so the two planners are compared on the same request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hansa.planner.plan import Condition, Fetch, Flatten, Parallel, PlanNode, Sequence


@dataclass(frozen=True)
class Shape:
    fetches: int
    steps: int


NONE = Shape(0, 0)


def _in_sequence(parts: list[Shape]) -> Shape:
    return Shape(sum(p.fetches for p in parts), sum(p.steps for p in parts))


def _in_parallel(parts: list[Shape]) -> Shape:
    return Shape(sum(p.fetches for p in parts), max((p.steps for p in parts), default=0))


def hansa_shape(node: PlanNode | None, variables: Mapping[str, Any]) -> Shape:
    if node is None:
        return NONE
    if isinstance(node, Fetch):
        return Shape(1, 1)
    if isinstance(node, Flatten):
        return hansa_shape(node.node, variables)
    if isinstance(node, Sequence):
        return _in_sequence([hansa_shape(n, variables) for n in node.nodes])
    if isinstance(node, Parallel):
        return _in_parallel([hansa_shape(n, variables) for n in node.nodes])
    assert isinstance(node, Condition)
    branch = node.if_true if variables.get(node.variable) else node.if_false
    return hansa_shape(branch, variables)


_NODE = re.compile(
    r"^\s*(?:(Sequence|Parallel|Then|Else) \{|(Fetch)\(service: [^)]*\) \{"
    r"|(Flatten)\(path: [^)]*\) \{|(Include|Skip|Condition)\(if: \$(\w+)\) \{)\s*$"
)


def apollo_shape(text: str, variables: Mapping[str, Any]) -> Shape:
    """Parse Apollo's printed plan (``QueryPlan {`` and one node, or ``QueryPlan {}``)."""
    lines = text.strip().splitlines()
    if not lines or not lines[0].startswith("QueryPlan {"):
        raise ValueError(f"not a printed query plan: {text[:40]!r}")
    if len(lines) == 1:
        return NONE
    shape, _ = _node(lines, 1, variables)
    return shape


def _node(lines: list[str], i: int, variables: Mapping[str, Any]) -> tuple[Shape, int]:
    """The node opened on line ``i``: its shape, and the line after it closes."""
    match = _NODE.match(lines[i])
    if match is None:
        raise ValueError(f"unexpected plan line {i}: {lines[i]!r}")
    kind, fetch, _flatten, condition, variable = match.groups()
    if fetch:
        return Shape(1, 1), _after_block(lines, i)
    children: list[Shape] = []
    j = i + 1
    while _NODE.match(lines[j]):
        child, j = _node(lines, j, variables)
        children.append(child)
    end = j + 1  # the line closing this node
    if kind == "Parallel":
        return _in_parallel(children), end
    if condition is None:  # Sequence, Flatten, Then, Else
        return _in_sequence(children), end
    holds = bool(variables.get(variable))
    if condition == "Condition":  # Then { ... } Else { ... }
        then, otherwise = [*children, NONE, NONE][:2]
        return (then if holds else otherwise), end
    wanted = holds if condition == "Include" else not holds
    return (_in_sequence(children) if wanted else NONE), end


def _after_block(lines: list[str], i: int) -> int:
    """The line after the one closing the block that line ``i`` opens."""
    depth = 0
    for j in range(i, len(lines)):
        depth += lines[j].count("{") - lines[j].count("}")
        if depth == 0:
            return j + 1
    raise ValueError("unbalanced plan text")
