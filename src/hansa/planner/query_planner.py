"""Plan a prepared operation: root fields to subgraphs, fetch groups to a plan tree.

``QueryPlanner.plan`` is cached per (operation, ``@skip``/``@include`` assignment, active
override labels): the only inputs besides the document that can change a plan. Each assignment
gets a fully specialized plan; ``full_plan`` shows them all under ``Condition`` nodes.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict

from graphql import print_ast

from hansa.operation.normalized import Field, Selection
from hansa.operation.prepare import INTROSPECTION_FIELDS, PreparedOperation
from hansa.planner.builder import FetchGroup, GroupBuilder, PlanningError
from hansa.planner.optimize import optimize
from hansa.planner.optimize.context import PassContext
from hansa.planner.plan import (
    Condition,
    EntityBatch,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    Sequence,
)
from hansa.planner.subgraph_selection import SubSelection, alias_shape_clashes
from hansa.supergraph.model import Supergraph

MAX_CONDITION_BRANCHES = 64
# Root fields the gateway itself answers when the API schema has them and no subgraph does
# (``_degraded``, see ``plugins/degraded.py``).
GATEWAY_FIELDS = frozenset({"_degraded"})


def _root_fields(selection: Selection, root_type: str, builder: GroupBuilder) -> list[Field]:
    fields = builder.sg.types[root_type].fields
    return [
        f
        for f in selection.fields_for(root_type, builder.applies)
        if f.name not in INTROSPECTION_FIELDS
        and f.name != "__typename"
        and not (f.name in GATEWAY_FIELDS and f.name not in fields)
    ]


def _cost(
    supergraph: Supergraph,
    labels: frozenset[str],
    root: str,
    f: Field,
    subgraph: str,
    in_use: bool,
) -> tuple[int, int, int]:
    """Dry run: what resolving ``f`` from ``subgraph`` costs (for shareable roots), as (cannot
    finish, fetches in a row, fetches added). A subgraph already fetched from at the root
    adds no root fetch, but its entity fetches still wait for it."""
    trial = GroupBuilder(supergraph, labels)
    group = trial._new_group(subgraph, (), entity=False)
    left = trial.plan_fields(group, group.selection, root, [f], (), None)
    depth: dict[int, int] = {}
    for g in trial.groups:  # groups are created after the groups they wait for
        depth[g.id] = 1 + max((depth.get(d, 0) for d in g.depends_on), default=0)
    added = len(trial.groups) - (1 if in_use else 0)
    return (1 if left else 0, max(depth.values()), added)


def build_groups(
    supergraph: Supergraph,
    labels: frozenset[str],
    kind: str,
    root_type: str,
    selection: Selection,
    isolate_requirements: bool = False,
) -> list[FetchGroup]:
    builder = GroupBuilder(supergraph, labels, isolate_requirements=isolate_requirements)
    roots: dict[str, FetchGroup] = {}
    ordered: list[FetchGroup] = []
    for f in _root_fields(selection, root_type, builder):
        pending: Field | None = f
        tried: set[str] = set()
        while pending is not None:
            candidates = [
                s for s in supergraph.resolvers_of(root_type, f.name, labels) if s not in tried
            ]
            if not candidates:
                raise PlanningError(f"no subgraph can resolve {root_type}.{f.name}")
            if kind == "mutation":
                if tried:
                    raise PlanningError(
                        f"mutation field {root_type}.{f.name} cannot be resolved by one subgraph"
                    )
                last = ordered[-1].subgraph if ordered else None
                if last in candidates:
                    subgraph = last
                else:
                    subgraph = min(
                        candidates,
                        key=lambda s: _cost(supergraph, labels, root_type, f, s, in_use=False),
                    )
                if last == subgraph:
                    group = ordered[-1]
                else:
                    group = builder._new_group(subgraph, (), entity=False)
                    ordered.append(group)
            else:
                if len(candidates) == 1:
                    subgraph = candidates[0]
                else:
                    # Subgraphs already in use first, so they win ties.
                    ordered_candidates = sorted(candidates, key=lambda s: s not in roots)
                    subgraph = min(
                        ordered_candidates,
                        key=lambda s: _cost(
                            supergraph, labels, root_type, pending or f, s, in_use=s in roots
                        ),
                    )
                group = roots.get(subgraph) or builder._new_group(subgraph, (), entity=False)
                roots[subgraph] = group
            tried.add(subgraph)
            left = builder.plan_fields(group, group.selection, root_type, [pending], (), None)
            pending = left[0] if left else None
    return builder.groups


class _Emitter:
    """Turns fetch groups into ``Fetch`` nodes with their operation text, built once."""

    def __init__(self, prepared: PreparedOperation) -> None:
        self.prepared = prepared
        # Declarations as the client wrote them (defaults included, directives dropped).
        self.variable_types = {
            d.variable.name.value: print_ast(d.type)
            + (f"={print_ast(d.default_value)}" if d.default_value is not None else "")
            for d in prepared.operation.variable_definitions or ()
        }
        self.representations = "representations"
        while self.representations in self.variable_types:
            self.representations = "_" + self.representations
        self.counter = itertools.count()

    def fetch(self, group: FetchGroup) -> Fetch:
        key_rewrites = alias_shape_clashes(group.selection)
        used = list(dict.fromkeys(group.selection.variables()))
        declared = [
            f"${name}:{self.variable_types[name]}" for name in used if name in self.variable_types
        ]
        kind = "mutation" if self.prepared.kind == "mutation" and not group.entity else "query"
        name = ""
        if self.prepared.name:
            name = f"{self.prepared.name}__{_safe(group.subgraph)}__{next(self.counter)}"
        if group.entity:
            declared.insert(0, f"${self.representations}:[_Any!]!")
            body = (
                f"{{_entities(representations:${self.representations})"
                + group.selection.compact()
                + "}"
            )
        else:
            body = group.selection.compact()
        head = kind + (" " + name if name else "")
        if declared:
            head += "(" + ",".join(declared) + ")"
        return Fetch(
            id=group.id,
            subgraph=group.subgraph,
            operation=head + body,
            selection=group.selection,
            variables=tuple(n for n in used if n in self.variable_types),
            requires=group.requires,
            operation_kind=kind,
            typename_rewrites=group.typename_rewrites,
            key_rewrites=key_rewrites,
            representations_variable=self.representations,
            inline_requirements=group.inline_requirements,
            flat_requires=_flat_shapes(group.requires),
        )

    def batches(self, nodes: tuple[PlanNode, ...]) -> tuple[EntityBatch, ...]:
        """The ``Flatten`` nodes among ``nodes`` that share a subgraph, as one request each."""
        by_subgraph: dict[str, list[int]] = {}
        for index, node in enumerate(nodes):
            if isinstance(node, Flatten):
                by_subgraph.setdefault(node.node.subgraph, []).append(index)
        batches = []
        for subgraph, parts in by_subgraph.items():
            if len(parts) < 2:
                continue
            fetches = [nodes[i].node for i in parts]  # type: ignore[union-attr]
            used = list(dict.fromkeys(v for f in fetches for v in f.variables))
            base = self.representations
            while any(f"{base}{n}" in self.variable_types for n in range(len(parts))):
                base = "_" + base
            rep_vars = tuple(f"{base}{n}" for n in range(len(parts)))
            aliases = tuple(f"_{n}" for n in range(len(parts)))
            declared = [f"${v}:[_Any!]!" for v in rep_vars]
            declared += [f"${name}:{self.variable_types[name]}" for name in used]
            body = "".join(
                f"{alias}:_entities(representations:${var})" + fetch.selection.compact()
                for alias, var, fetch in zip(aliases, rep_vars, fetches, strict=True)
            )
            name = ""
            if self.prepared.name:
                name = f" {self.prepared.name}__{_safe(subgraph)}__{next(self.counter)}"
            operation = f"query{name}({','.join(declared)}){{{body}}}"
            batches.append(
                EntityBatch(subgraph, tuple(parts), operation, tuple(used), aliases, rep_vars)
            )
        return tuple(batches)

    def node(self, group: FetchGroup) -> PlanNode:
        fetch = self.fetch(group)
        return Flatten(group.merge_path, fetch) if group.entity else fetch


def _flat_shapes(requires: SubSelection | None) -> dict[str, tuple[tuple[str, str], ...]]:
    if requires is None:
        return {}
    return {
        type_name: tuple((f.key, f.name) for f in shape.fields.values())
        for type_name, shape in requires.fragments.items()
        if not shape.fragments and all(f.selection is None for f in shape.fields.values())
    }


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c == "_" else "_" for c in name)


def _wrap(
    kind: type[Sequence] | type[Parallel], nodes: list[PlanNode], emitter: _Emitter
) -> PlanNode | None:
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    if kind is Parallel:
        return Parallel(tuple(nodes), emitter.batches(tuple(nodes)))
    return kind(tuple(nodes))


def _tree(groups: list[FetchGroup], emitter: _Emitter, serial_roots: bool) -> PlanNode | None:
    """Nest dependents under the group they wait for; fall back to levels when a group waits
    for several."""
    children: dict[int, list[FetchGroup]] = {g.id: [] for g in groups}
    roots = [g for g in groups if not g.depends_on]
    if all(len(g.depends_on) <= 1 for g in groups):
        for g in groups:
            for dep in g.depends_on:
                children[dep].append(g)

        def subtree(g: FetchGroup) -> PlanNode:
            below = _wrap(Parallel, [subtree(c) for c in children[g.id]], emitter)
            return emitter.node(g) if below is None else Sequence((emitter.node(g), below))

        parts = [subtree(g) for g in roots]
        return _wrap(Sequence if serial_roots else Parallel, parts, emitter)

    if serial_roots and len(roots) > 1:
        # Mutations: each root field's subtree completes before the next root starts.
        owner = _root_owner(groups)
        return _wrap(
            Sequence,
            [
                node
                for r in roots
                if (node := _levels([g for g in groups if owner[g.id] == r.id], emitter))
                is not None
            ],
            emitter,
        )
    return _levels(groups, emitter)


def _root_owner(groups: list[FetchGroup]) -> dict[int, int]:
    by_id = {g.id: g for g in groups}
    owner: dict[int, int] = {}

    def find(g: FetchGroup) -> int:
        if g.id not in owner:
            owner[g.id] = g.id if not g.depends_on else max(find(by_id[d]) for d in g.depends_on)
        return owner[g.id]

    for g in groups:
        find(g)
    return owner


def _levels(groups: list[FetchGroup], emitter: _Emitter) -> PlanNode | None:
    ids = {g.id for g in groups}
    by_id = {g.id: g for g in groups}
    level: dict[int, int] = {}

    def depth(g: FetchGroup) -> int:
        if g.id not in level:
            deps = [by_id[d] for d in g.depends_on if d in ids]
            level[g.id] = 1 + max((depth(d) for d in deps), default=-1)
        return level[g.id]

    buckets: dict[int, list[PlanNode]] = {}
    for g in groups:
        buckets.setdefault(depth(g), []).append(emitter.node(g))
    return _wrap(
        Sequence,
        [n for lvl in sorted(buckets) if (n := _wrap(Parallel, buckets[lvl], emitter)) is not None],
        emitter,
    )


NODE_BYTES = 200  # what a plan node costs besides its operation text (objects, tuples)


def plan_weight(plan: QueryPlan) -> int:
    """About how many bytes a cached plan holds: its subgraph operations' text, and a fixed
    amount per node."""

    def weigh(node: PlanNode | None) -> int:
        if node is None:
            return 0
        if isinstance(node, Fetch):
            return NODE_BYTES + len(node.operation)
        if isinstance(node, Flatten):
            return NODE_BYTES + weigh(node.node)
        if isinstance(node, Sequence | Parallel):
            batches = getattr(node, "batches", ())
            return (
                NODE_BYTES
                + sum(weigh(child) for child in node.nodes)
                + sum(NODE_BYTES + len(batch.operation) for batch in batches)
            )
        if isinstance(node, Condition):
            return NODE_BYTES + weigh(node.if_true) + weigh(node.if_false)
        return NODE_BYTES

    return weigh(plan.node)


class QueryPlanner:
    """Plans operations against one supergraph, with a plan cache bounded in entries and in
    bytes (``plan_weight``: a large operation's plan holds large subgraph documents)."""

    def __init__(
        self, supergraph: Supergraph, *, max_plans: int = 1000, max_bytes: int = 32 * 1024 * 1024
    ) -> None:
        self.supergraph = supergraph
        self.max_plans = max_plans
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._plans: OrderedDict[
            tuple[str, tuple[bool, ...], frozenset[str], bool], tuple[QueryPlan, int]
        ] = OrderedDict()

    def __len__(self) -> int:
        return len(self._plans)

    def plan(
        self,
        prepared: PreparedOperation,
        assignment: tuple[bool, ...],
        labels: frozenset[str] = frozenset(),
        *,
        isolate_requirements: bool = False,
    ) -> QueryPlan:
        """The plan for one assignment; ``isolate_requirements`` asks for the fallback plan
        that fetches fragile requirements apart (see ``GroupBuilder``)."""
        key = (prepared.key, assignment, labels, isolate_requirements)
        cached = self._plans.get(key)
        if cached is not None:
            self._plans.move_to_end(key)
            self.hits += 1
            return cached[0]
        self.misses += 1
        plan = self._build(prepared, assignment, labels, isolate_requirements)
        weight = plan_weight(plan)
        if weight > self.max_bytes:
            return plan  # planned, not kept: it would push out everything else
        self._plans[key] = (plan, weight)
        self.bytes += weight
        while len(self._plans) > self.max_plans or self.bytes > self.max_bytes:
            _, (_, dropped) = self._plans.popitem(last=False)
            self.bytes -= dropped
        return plan

    def _build(
        self,
        prepared: PreparedOperation,
        assignment: tuple[bool, ...],
        labels: frozenset[str],
        isolate_requirements: bool,
    ) -> QueryPlan:
        selection = prepared.normalized(assignment)
        groups = build_groups(
            self.supergraph,
            labels,
            prepared.kind,
            prepared.root_type,
            selection,
            isolate_requirements,
        )
        groups = optimize(groups, PassContext(self.supergraph, labels))
        node = _tree(groups, _Emitter(prepared), serial_roots=prepared.kind == "mutation")
        return QueryPlan(node)

    def full_plan(
        self, prepared: PreparedOperation, labels: frozenset[str] = frozenset()
    ) -> QueryPlan:
        """Every ``@skip``/``@include`` branch, under ``Condition`` nodes (for display)."""
        names = prepared.condition_variables
        if 2 ** len(names) > MAX_CONDITION_BRANCHES:
            raise PlanningError(f"too many condition variables to display ({len(names)})")

        def branch(prefix: tuple[bool, ...]) -> PlanNode | None:
            if len(prefix) == len(names):
                return self.plan(prepared, prefix, labels).node
            return Condition(names[len(prefix)], branch((*prefix, True)), branch((*prefix, False)))

        return QueryPlan(branch(()))
