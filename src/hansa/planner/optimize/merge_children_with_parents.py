"""Fold an entity fetch into the entity fetch above it when both go to the same subgraph.

The walk enters a subgraph by key wherever it needs a field from it, so ``{ project { name
owner { login } } }`` with both fields in ``projects`` becomes two entity fetches that wait for
the same fetch: ``Project`` entities at ``project`` and ``Account`` entities at
``project.owner``. When ``projects`` itself resolves ``Project.owner``, the second fetch is
better asked in the first: ``... on Project { name owner { login } }``, one fetch fewer (Apollo's
planner and Hive's ``merge_children_with_parents`` do the same).

A child is folded only when nothing changes but the count: same subgraph, same dependencies,
no type rewrites, one entity type above, and every field on the way down served by the
subgraph itself, with the field names and arguments the fetch that produced the path used.
"""

from __future__ import annotations

from hansa.planner.builder import FetchGroup
from hansa.planner.optimize.context import PassContext
from hansa.planner.subgraph_selection import SubField, SubSelection


def merge_children_with_parents(groups: list[FetchGroup], context: PassContext) -> list[FetchGroup]:
    merged = True
    while merged:
        merged = False
        for child in groups:
            parent = next((p for p in groups if _can_fold(child, p, groups, context)), None)
            if parent is not None:
                _fold(child, parent, groups, context)
                groups = [g for g in groups if g is not child]
                merged = True
                break
    return groups


def _can_fold(
    child: FetchGroup, parent: FetchGroup, groups: list[FetchGroup], context: PassContext
) -> bool:
    if (
        child is parent
        or not (child.entity and parent.entity)
        or child.subgraph != parent.subgraph
        or child.depends_on != parent.depends_on
        or child.typename_rewrites
        or parent.typename_rewrites
        or len(parent.merge_path) >= len(child.merge_path)
        or child.merge_path[: len(parent.merge_path)] != parent.merge_path
        or parent.selection.fields
        or len(parent.selection.fragments) != 1
        or child.selection.fields
    ):
        return False
    return _descent(child, parent, groups, context) is not None


def _descent(
    child: FetchGroup, parent: FetchGroup, groups: list[FetchGroup], context: PassContext
) -> list[SubField] | None:
    """The fields from the parent's entity down to the child's path, as the fetch that built
    the path selected them, if the subgraph resolves each one itself; else None."""
    ((type_name, start),) = parent.selection.fragments.items()
    position: SubSelection | None = start
    below = len([k for k in child.merge_path[len(parent.merge_path) :] if k != "@"])
    produced = _produced_fields(groups, child)
    if below == 0 or produced is None or len(produced) < below:
        return None
    fields = produced[-below:]
    for f in fields:
        if child.subgraph not in context.supergraph.resolvers_of(type_name, f.name, context.labels):
            return None
        join = context.supergraph.field_join(type_name, f.name, child.subgraph)
        if join is None or join.requires is not None:
            return None
        next_type = context.field_type(type_name, f.name)
        if next_type is None or context.supergraph.is_abstract(next_type):
            return None
        type_name = next_type
        if position is not None:  # the parent may select the field already: the same one only
            there = position.fields.get(f.key)
            if there is not None and (
                there.name != f.name or there.arguments != f.arguments or there.selection is None
            ):
                return None
            position = None if there is None else there.selection
    if set(child.selection.fragments) != {type_name}:
        return None
    return fields


def _produced_fields(groups: list[FetchGroup], child: FetchGroup) -> list[SubField] | None:
    """The fields along the child's path in a fetch it waits for, from that fetch's own path
    down: the names and arguments that put the child's entities where they are."""
    target = [k for k in child.merge_path if k != "@"]
    for producer in groups:
        if producer.id not in child.depends_on:
            continue
        start = [k for k in producer.merge_path if k != "@"]
        if target[: len(start)] == start:
            found = _walk(producer.selection, target[len(start) :])
            if found is not None:
                return found
    return None


def _walk(selection: SubSelection, keys: list[str]) -> list[SubField] | None:
    """The fields along ``keys`` from ``selection``, looking through type fragments."""
    found: list[SubField] = []
    current = selection
    for key in keys:
        field = current.fields.get(key)
        if field is None:
            field = next(
                (f.fields[key] for f in current.fragments.values() if key in f.fields), None
            )
        if field is None or field.selection is None:
            return None
        found.append(field)
        current = field.selection
    return found


def _fold(
    child: FetchGroup, parent: FetchGroup, groups: list[FetchGroup], context: PassContext
) -> None:
    fields = _descent(child, parent, groups, context)
    assert fields is not None
    ((_, position),) = parent.selection.fragments.items()
    for produced in fields:
        placed = position.add_field(
            produced.key, produced.name, produced.arguments, leaf=False, type_=produced.type
        )
        assert placed.selection is not None
        position = placed.selection
    for fragment in child.selection.fragments.values():
        _merge_into(position, fragment)  # the one type the field returns (see ``_descent``)
    for g in groups:
        if child.id in g.depends_on:
            g.depends_on.discard(child.id)
            g.depends_on.add(parent.id)


def _merge_into(target: SubSelection, source: SubSelection) -> None:
    for key, f in source.fields.items():
        existing = target.fields.get(key)
        if existing is None:
            target.fields[key] = f
        elif existing.selection is not None and f.selection is not None:
            _merge_into(existing.selection, f.selection)
    for type_name, fragment in source.fragments.items():
        _merge_into(target.fragment(type_name), fragment)
