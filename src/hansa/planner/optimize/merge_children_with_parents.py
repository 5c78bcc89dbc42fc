"""Fold an entity fetch into the entity fetch above it when both go to the same subgraph.

The walk enters a subgraph by key wherever it needs a field from it, so ``{ project { name
owner { login } } }`` with both fields in ``projects`` becomes two entity fetches that wait for
the same fetch: ``Project`` entities at ``project`` and ``Account`` entities at
``project.owner``. When ``projects`` itself resolves ``Project.owner``, the second fetch is
better asked in the first: ``... on Project { name owner { login } }``, one fetch fewer (Apollo's
planner and Hive's ``merge_children_with_parents`` do the same).

A child is folded only when nothing changes but the count: same subgraph, same dependencies,
no type rewrites, one entity type above, the child's entities reached under that type only,
every field on the way down served by the subgraph itself (with the names and arguments the
fetch that produced the path used), representations that are just the key (no ``@requires``),
and no response key where the two selections would clash.
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
            for parent in groups:
                descent = _foldable(child, parent, groups, context)
                if descent is not None:
                    _fold(child, parent, descent, groups)
                    groups = [g for g in groups if g is not child]
                    merged = True
                    break
            if merged:
                break
    return groups


def _foldable(
    child: FetchGroup, parent: FetchGroup, groups: list[FetchGroup], context: PassContext
) -> list[SubField] | None:
    """The fields from the parent's entity down to the child's path, if the child can be
    folded into the parent; else None."""
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
        return None
    return _descent(child, parent, groups, context)


def _descent(
    child: FetchGroup, parent: FetchGroup, groups: list[FetchGroup], context: PassContext
) -> list[SubField] | None:
    """The fields from the parent's entity down to the child's path, as the fetch that built
    the path selected them, if the subgraph resolves each one itself and the child's fields
    merge into the parent's without a clash; else None."""
    ((type_name, start),) = parent.selection.fragments.items()
    position: SubSelection | None = start
    below = len([k for k in child.merge_path[len(parent.merge_path) :] if k != "@"])
    produced = _produced_fields(groups, child)
    if below == 0 or produced is None or len(produced) < below:
        return None
    steps = produced[-below:]
    first_condition = steps[0][1]
    if first_condition is not None and first_condition != type_name:
        return None  # the child's entities were reached through another type's fragment
    if any(condition is not None for _, condition in steps[1:]):
        return None
    fields = [f for f, _ in steps]
    for f in fields:
        if child.subgraph not in context.supergraph.resolvers_of(type_name, f.name, context.labels):
            return None
        join = context.supergraph.field_join(type_name, f.name, child.subgraph)
        if join is None or join.requires is not None:
            return None
        next_type = context.supergraph.field_type_name(type_name, f.name)
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
    if not _keys_only(child, type_name, context):
        return None
    fragment = child.selection.fragments[type_name]
    if position is not None and _clashes(position, fragment):
        return None
    return fields


def _keys_only(child: FetchGroup, type_name: str, context: PassContext) -> bool:
    """Whether the child needs nothing but the entity's key: no field it fetches has a
    ``@requires`` (whose values only its representations carry)."""
    assert child.requires is not None
    keys = context.supergraph.key_field_names(type_name, child.subgraph) | {"__typename"}
    for shape in child.requires.fragments.values():
        if any(f.name not in keys for f in shape.fields.values()) or shape.fragments:
            return False
    for f in child.selection.fragments[type_name].fields.values():
        join = context.supergraph.field_join(type_name, f.name, child.subgraph)
        if join is not None and join.requires is not None:
            return False
    return True


def _clashes(target: SubSelection, source: SubSelection) -> bool:
    """Whether merging ``source`` into ``target`` would put two different fields (name,
    arguments, or leaf against object) at one response key."""
    for key, f in source.fields.items():
        there = target.fields.get(key)
        if there is None:
            continue
        if there.name != f.name or there.arguments != f.arguments:
            return True
        if (there.selection is None) != (f.selection is None):
            return True
        if (
            there.selection is not None
            and f.selection is not None
            and _clashes(there.selection, f.selection)
        ):
            return True
    return any(
        type_name in target.fragments and _clashes(target.fragments[type_name], fragment)
        for type_name, fragment in source.fragments.items()
    )


def _produced_fields(
    groups: list[FetchGroup], child: FetchGroup
) -> list[tuple[SubField, str | None]] | None:
    """The fields along the child's path in a fetch it waits for, from that fetch's own path
    down (each with the type condition it sits under, if any): the names and arguments that
    put the child's entities where they are."""
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


def _walk(selection: SubSelection, keys: list[str]) -> list[tuple[SubField, str | None]] | None:
    """The fields along ``keys`` from ``selection``, each with the type fragment it was found
    in (None: selected on every type). None where a key is missing or ambiguous (selected
    under several type conditions, whose entities the child serves together)."""
    found: list[tuple[SubField, str | None]] = []
    current = selection
    for key in keys:
        places: list[tuple[SubField, str | None]] = []
        if key in current.fields:
            places.append((current.fields[key], None))
        places.extend(
            (fragment.fields[key], condition)
            for condition, fragment in current.fragments.items()
            if key in fragment.fields
        )
        if len(places) != 1 or places[0][0].selection is None:
            return None
        found.append(places[0])
        selection_below = places[0][0].selection
        assert selection_below is not None
        current = selection_below
    return found


def _fold(
    child: FetchGroup, parent: FetchGroup, descent: list[SubField], groups: list[FetchGroup]
) -> None:
    ((_, position),) = parent.selection.fragments.items()
    for produced in descent:
        placed = position.add_field(
            produced.key, produced.name, produced.arguments, leaf=False, type_=produced.type
        )
        assert placed.selection is not None
        position = placed.selection
    for fragment in child.selection.fragments.values():
        _merge_into(position, fragment)  # the one type the field returns (see ``_descent``)
    parent.inline_requirements |= child.inline_requirements
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
