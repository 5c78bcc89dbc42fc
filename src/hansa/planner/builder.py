"""Build fetch groups for a normalized operation: where each field is resolved, and in what order.

Pure: reads the ``Supergraph`` model and the normalized ``Selection``, does no I/O.

The walk goes down the client's selection with a current fetch group (one subgraph, one merge
path). A field the group's subgraph resolves (or was promised by ``@provides`` on this path) goes
into that group. Any other field of an entity jumps: a child group on another subgraph is entered
through one of its resolvable keys, whose fields, plus any ``@requires`` of the field, are first
planned from where we stand (possibly through further groups: chains, cycles). The child depends on
every group that contributed to its representations. Fields of value types that the subgraph cannot
resolve come back as a remainder and are re-planned one level up, through another subgraph that
can serve the same field (shareable root fields, shareable value types under an entity).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
)

from hansa.operation.normalized import Field, Selection
from hansa.planner.subgraph_selection import SubSelection, arguments_text
from hansa.supergraph.model import Supergraph

MAX_REENTRY = (
    2  # times one (group, type, path, subgraph) entry may nest while planning requirements
)


class PlanningError(Exception):
    """The operation cannot be planned against this supergraph (a composition gap)."""


@dataclass(eq=False)
class FetchGroup:
    id: int
    subgraph: str
    merge_path: tuple[str, ...]
    entity: bool
    selection: SubSelection = field(default_factory=SubSelection)
    requires: SubSelection | None = None
    depends_on: set[int] = field(default_factory=set)
    # Tree type -> type named in representations (a concrete type sent to an @interfaceObject
    # subgraph is represented as the interface).
    typename_rewrites: dict[str, str] = field(default_factory=dict)
    # Selects, only to satisfy a ``@requires``, a field that is non-null in this subgraph: if it
    # fails, the subgraph nulls client data above it (see ``GroupBuilder.isolate_requirements``).
    inline_requirements: bool = False


def list_depth(type_ref: Any) -> int:
    depth = 0
    while type_ref is not None:
        if isinstance(type_ref, GraphQLList):
            depth += 1
        if isinstance(type_ref, GraphQLNonNull | GraphQLList):
            type_ref = type_ref.of_type
        else:
            break
    return depth


def _internal_alias(f: Field) -> str:
    if not f.arguments:
        return f"_h_{f.name}"
    digest = hashlib.sha1(arguments_text(f.arguments).encode()).hexdigest()[:8]
    return f"_h_{f.name}_{digest}"


class GroupBuilder:
    """One planning run. ``build`` returns the fetch groups, roots first.

    A ``@requires`` field set is planned from where the entity stands, so a required field the
    current subgraph serves rides in the current fetch (as Apollo's planner does where it
    can): no extra fetch. When such a field is non-null there and its resolver fails, the
    subgraph nulls the nearest nullable parent, which may hold what the client asked for. With
    ``isolate_requirements`` those fields are fetched instead in an entity fetch of their own
    to the same subgraph, where a failure loses only that entity's requiring field: the
    fallback plan the gateway runs when an inline plan's fetch reports errors.
    """

    def __init__(
        self,
        supergraph: Supergraph,
        labels: frozenset[str] = frozenset(),
        *,
        isolate_requirements: bool = False,
    ) -> None:
        self.sg = supergraph
        self.labels = labels
        self.isolate_requirements = isolate_requirements
        self.groups: list[FetchGroup] = []
        # entity groups by (parent group, subgraph, path), oldest first: a later one exists only
        # where a requirement waits for an earlier one's results
        self._children: dict[tuple[int, str, tuple[str, ...]], list[FetchGroup]] = {}
        # the same for groups fetching isolated requirements (``isolate_requirements``)
        self._isolated: dict[tuple[int, str, tuple[str, ...]], list[FetchGroup]] = {}
        self._trackers: list[set[int]] = []
        self._active: Counter[tuple[int, str, tuple[str, ...], str]] = Counter()
        self._fieldsets: dict[tuple[str, int], Selection] = {}
        # (group, path) of an abstract position -> subgraph -> fields it could serve there.
        self._preferred: dict[tuple[int, tuple[str, ...]], Counter[str]] = {}

    # -- helpers ------------------------------------------------------------------------------

    def applies(self, concrete: str, condition: str) -> bool:
        return self.sg.implements(concrete, condition)

    def _new_group(self, subgraph: str, merge_path: tuple[str, ...], entity: bool) -> FetchGroup:
        group = FetchGroup(len(self.groups), subgraph, merge_path, entity)
        if entity:
            group.requires = SubSelection()
        self.groups.append(group)
        return group

    def _waits_for(self, groups: set[int], target: int) -> bool:
        """Whether any of ``groups`` is ``target`` or (transitively) depends on it."""
        pending = list(groups)
        seen: set[int] = set()
        while pending:
            current = pending.pop()
            if current == target:
                return True
            if current not in seen:
                seen.add(current)
                pending.extend(self.groups[current].depends_on)
        return False

    def _touch(self, group: FetchGroup) -> None:
        if self._trackers:
            self._trackers[-1].add(group.id)

    @contextmanager
    def _tracking(self) -> Any:
        touched: set[int] = set()
        self._trackers.append(touched)
        try:
            yield touched
        finally:
            self._trackers.pop()
            if self._trackers:
                self._trackers[-1].update(touched)

    def fieldset(self, type_name: str, node: SelectionSetNode) -> Selection:
        """A field set (key, requires, provides) as a normalized selection on ``type_name``."""
        cache_key = (type_name, id(node))
        cached = self._fieldsets.get(cache_key)
        if cached is None:
            cached = self._fieldset(type_name, node)
            self._fieldsets[cache_key] = cached
        return cached

    def _fieldset(self, type_name: str, node: SelectionSetNode) -> Selection:
        result = Selection(type_name)
        schema_type: Any = self.sg.schema.get_type(type_name)
        for item in node.selections:
            if isinstance(item, FieldNode):
                name = item.name.value
                if name == "__typename":
                    result.fields.append(Field(name, name, (), type_name, "String", None, None))
                    continue
                definition = schema_type.fields.get(name)
                if definition is None:
                    raise PlanningError(f"field set selects unknown field {type_name}.{name}")
                named = get_named_type(definition.type).name
                sub = self._fieldset(named, item.selection_set) if item.selection_set else None
                key = item.alias.value if item.alias else name
                result.fields.append(
                    Field(
                        key,
                        name,
                        tuple(item.arguments or ()),
                        type_name,
                        named,
                        definition.type,
                        sub,
                    )
                )
            elif isinstance(item, InlineFragmentNode):
                condition = item.type_condition.name.value if item.type_condition else type_name
                inner = self._fieldset(condition, item.selection_set)
                if condition == type_name:
                    result.fields.extend(inner.fields)
                    result.fragments.extend(inner.fragments)
                else:
                    result.fragments.append((condition, inner))
        return result

    def _field_type(self, type_name: str, f: Field) -> str:
        """The named type of ``f`` on ``type_name`` in the supergraph."""
        return self.sg.field_type_name(type_name, f.name) or f.type_name

    def _provided_map(self, provided: Selection | None, concrete: str) -> dict[str, Field] | None:
        if provided is None:
            return None
        return {f.name: f for f in provided.fields_for(concrete, self.applies)}

    def is_local(
        self, subgraph: str, type_name: str, f: Field, provided: dict[str, Field] | None
    ) -> bool:
        if f.name == "__typename":
            return True
        if provided is not None and f.name in provided:
            return True
        join = self.sg.field_join(type_name, f.name, subgraph)
        if join is not None and join.external:
            return False  # not even a key field: an @external value never reaches the client
        if not f.arguments and f.name in self.sg.key_field_names(type_name, subgraph):
            return True
        if join is None or join.requires is not None:
            return False
        return subgraph in self.sg.resolvers_of(type_name, f.name, self.labels)

    def _covers(self, subgraph: str, type_name: str, selection: Selection) -> bool:
        """Whether ``subgraph`` resolves the whole selection by itself (key choice)."""
        for f in selection.fields_for(type_name, self.applies):
            if not self.is_local(subgraph, type_name, f, None):
                return False
            if (
                f.selection is not None
                and not self.sg.is_abstract(f.type_name)
                and not self._covers(subgraph, f.type_name, f.selection)
            ):
                return False
        return True

    def _local_score(self, subgraph: str, type_name: str, f: Field) -> int:
        """How much of ``f``'s selection ``subgraph`` can serve by itself (for choosing)."""
        if f.selection is None or self.sg.is_abstract(f.type_name):
            return 0
        return sum(
            1
            for sub in f.selection.fields_for(f.type_name, self.applies)
            if self.is_local(subgraph, f.type_name, sub, None)
        )

    # -- the walk -----------------------------------------------------------------------------

    def plan_position(
        self,
        group: FetchGroup,
        sub: SubSelection,
        type_name: str,
        selection: Selection,
        path: tuple[str, ...],
        provided: Selection | None,
    ) -> Selection | None:
        """Plan ``selection`` at a position of static type ``type_name``; returns what is left."""
        if self.sg.is_interface_object(type_name, group.subgraph):
            return self._plan_interface_object(group, sub, type_name, selection, path, provided)
        if not self.sg.is_abstract(type_name):
            fields = selection.fields_for(type_name, self.applies)
            left = self.plan_fields(
                group, sub, type_name, fields, path, self._provided_map(provided, type_name)
            )
            return Selection(type_name, left) if left else None
        sub.add_typename()
        self._prefer_shared_subgraphs(group, type_name, selection, path, provided)
        leftovers: list[tuple[str, Selection]] = []
        for concrete in self.sg.possible_types_in(type_name, group.subgraph):
            fields = selection.fields_for(concrete, self.applies)
            if not fields:
                continue
            left = self.plan_fields(
                group,
                sub.fragment(concrete),
                concrete,
                fields,
                path,
                self._provided_map(provided, concrete),
            )
            if left:
                leftovers.append((concrete, Selection(concrete, left)))
        return Selection(type_name, [], leftovers) if leftovers else None

    def _prefer_shared_subgraphs(
        self,
        group: FetchGroup,
        type_name: str,
        selection: Selection,
        path: tuple[str, ...],
        provided: Selection | None,
    ) -> None:
        """At an abstract position, count for each subgraph how many of the fields the
        implementations need from elsewhere it serves, so that one entity fetch serves them all
        where one can (``Circle.label`` and ``Square.label`` from the one subgraph with both)."""
        counts: Counter[str] = Counter()
        for concrete in self.sg.possible_types_in(type_name, group.subgraph):
            provided_map = self._provided_map(provided, concrete)
            for f in selection.fields_for(concrete, self.applies):
                if not self.is_local(group.subgraph, concrete, f, provided_map):
                    counts.update(self.sg.resolvers_of(concrete, f.name, self.labels))
        self._preferred[(group.id, path)] = counts

    def _plan_interface_object(
        self,
        group: FetchGroup,
        sub: SubSelection,
        interface: str,
        selection: Selection,
        path: tuple[str, ...],
        provided: Selection | None,
    ) -> Selection | None:
        """A position typed by an interface that this subgraph only knows as an
        ``@interfaceObject``: interface-level fields come from here; anything that depends on
        the concrete type (``__typename``, fragments on implementations) needs an entity fetch
        from a subgraph that owns the interface, which answers with the concrete type."""
        sub.add_typename()  # the interface's own name: completion knows the type is unresolved
        common = selection.fields_for(interface, self.applies)
        provided_map = self._provided_map(provided, interface)
        left = self.plan_fields(group, sub, interface, common, path, provided_map)
        if not selection.depends_on_runtime_type(interface):
            return Selection(interface, left) if left else None
        owners = [
            s
            for s in self.sg.type_subgraphs(interface)
            if not self.sg.is_interface_object(interface, s)
            and any(k.resolvable for k in self.sg.keys(interface, s))
        ]
        for owner in owners:
            child = self.entity_child(
                group, sub, interface, owner, path, common, provided_map, None
            )
            if child is None:
                continue
            child.selection.fragment(interface).add_typename()
            # A field the implementation selects beyond the interface-level one (the same key
            # with more under it, merged from a fragment on the implementation) is asked again
            # on the implementation: the merged field is another object than the common one.
            common_by_key = {f.response_key: f for f in common}
            for concrete in self.sg.possible_types_in(interface, owner):
                specific = [
                    f
                    for f in selection.fields_for(concrete, self.applies)
                    if common_by_key.get(f.response_key) is not f
                ]
                rest = self.plan_fields(
                    child, child.selection.fragment(concrete), concrete, specific, path, None
                )
                left.extend(rest)
            return Selection(interface, left) if left else None
        raise PlanningError(
            f"cannot resolve the concrete type of {interface} at {'.'.join(path) or 'the root'}:"
            " no subgraph owning the interface can be reached by key"
        )

    def plan_fields(
        self,
        group: FetchGroup,
        sub: SubSelection,
        type_name: str,
        fields: list[Field],
        path: tuple[str, ...],
        provided: dict[str, Field] | None,
    ) -> list[Field]:
        left: list[Field] = []
        for f in fields:
            if f.name == "__typename":
                continue  # answered from the runtime type during completion
            if self.is_local(group.subgraph, type_name, f, provided):
                rest = self.plan_local(group, sub, type_name, f, path, provided)
                if rest is not None:
                    rest = self.plan_remote(
                        group, sub, type_name, rest, path, fields, provided, {group.subgraph}
                    )
            else:
                rest = self.plan_remote(group, sub, type_name, f, path, fields, provided, set())
            if rest is not None:
                left.append(rest)
        return left

    def plan_local(
        self,
        group: FetchGroup,
        sub: SubSelection,
        type_name: str,
        f: Field,
        path: tuple[str, ...],
        provided: dict[str, Field] | None,
    ) -> Field | None:
        """Put ``f`` in ``group``; returns the part of its subtree this subgraph cannot serve."""
        self._touch(group)
        join = self.sg.field_join(type_name, f.name, group.subgraph)
        subgraph_type = (join.type if join is not None else None) or str(f.type_ref)
        placed = sub.add_field(
            f.response_key, f.name, f.arguments, leaf=f.selection is None, type_=subgraph_type
        )
        if f.selection is None:
            return None
        assert placed.selection is not None
        child_path = path + (f.response_key,) + ("@",) * list_depth(f.type_ref)
        child_provided: Selection | None = None
        if provided is not None and f.name in provided:
            child_provided = provided[f.name].selection
        # Plan at the field's type on this (possibly concrete) type, which may be narrower than
        # where the client selected it (``Book.similar: Book`` selected on ``Product.similar:
        # Product``), and narrower still in this subgraph (``@join__field(type:)``).
        position = self._field_type(type_name, f)
        if join is not None and join.type is not None:
            declared = join.type.strip("[]!")
            if declared in self.sg.types:
                position = declared
        if position != f.type_name and self.sg.is_abstract(f.type_name):
            placed.selection.add_typename()  # completion resolves the runtime type
        if join is not None and join.provides is not None:
            # The field set is written against the subgraph's own type of the field.
            provides = self.fieldset(position, join.provides)
            child_provided = (
                provides
                if child_provided is None
                else Selection(position, [], [(position, child_provided), (position, provides)])
            )
        left = self.plan_position(
            group, placed.selection, position, f.selection, child_path, child_provided
        )
        return f.with_selection(left) if left is not None else None

    def _candidates(
        self,
        group: FetchGroup,
        type_name: str,
        f: Field,
        path: tuple[str, ...],
        exclude: set[str],
        isolated: bool = False,
    ) -> list[tuple[str, str]]:
        """(subgraph, entity type there) pairs that can resolve ``f``, best first. The entity
        type differs from ``type_name`` when the subgraph only knows an interface of it
        through ``@interfaceObject``. ``isolated``: ``f`` is a requirement to fetch apart, from
        the current subgraph too."""
        found = [
            (s, type_name)
            for s in self.sg.resolvers_of(type_name, f.name, self.labels)
            if s not in exclude
        ]
        if (group.subgraph, type_name) in found and not isolated:
            join = self.sg.field_join(type_name, f.name, group.subgraph)
            if join is None or join.requires is None:
                found.remove((group.subgraph, type_name))
        for interface in self.sg.interfaces_of(type_name):
            for s in self.sg.resolvers_of(interface, f.name, self.labels):
                if s not in exclude and self.sg.is_interface_object(interface, s):
                    found.append((s, interface))
        if not f.arguments:
            # A subgraph entered only by keys that contain the field would need it to be asked.
            found = [c for c in found if not self._in_every_key(f.name, *c)]

        preferred = self._preferred.get((group.id, path), Counter())

        def rank(candidate: tuple[str, str]) -> tuple[int, int, int, int]:
            subgraph, entity_type = candidate
            existing = (group.id, subgraph, path) in self._children
            keys = [k for k in self.sg.keys(entity_type, subgraph) if k.resolvable]
            direct = any(
                self._covers(group.subgraph, type_name, self.fieldset(type_name, k.selection))
                for k in keys
            )
            return (
                0 if existing else 1,
                0 if direct else 1,
                -preferred[subgraph],
                -self._local_score(subgraph, entity_type, f),
            )

        return sorted(found, key=rank)

    def _in_every_key(self, field_name: str, subgraph: str, entity_type: str) -> bool:
        keys = [k for k in self.sg.keys(entity_type, subgraph) if k.resolvable]
        return bool(keys) and all(
            any(f.name == field_name for f in self.fieldset(entity_type, k.selection).fields)
            for k in keys
        )

    def plan_remote(
        self,
        group: FetchGroup,
        sub: SubSelection,
        type_name: str,
        f: Field,
        path: tuple[str, ...],
        siblings: list[Field],
        provided: dict[str, Field] | None,
        exclude: set[str],
        isolated: bool = False,
    ) -> Field | None:
        """Resolve ``f`` through another subgraph, entering it by key; None when done."""
        if not self.sg.is_entity(type_name):
            return f
        for target, entity_type in self._candidates(group, type_name, f, path, exclude, isolated):
            join = self.sg.field_join(entity_type, f.name, target)
            requires = join.requires if join is not None else None
            child = self.entity_child(
                group,
                sub,
                type_name,
                target,
                path,
                siblings,
                provided,
                requires,
                entity_type,
                fresh=isolated,
            )
            if child is None:
                continue
            rest = self.plan_local(
                child, child.selection.fragment(entity_type), entity_type, f, path, None
            )
            if rest is not None:
                return self.plan_remote(
                    group, sub, type_name, rest, path, siblings, provided, exclude | {target}
                )
            return None
        return f

    def entity_child(
        self,
        group: FetchGroup,
        sub: SubSelection,
        type_name: str,
        target: str,
        path: tuple[str, ...],
        siblings: list[Field],
        provided: dict[str, Field] | None,
        requires: SelectionSetNode | None,
        entity_type: str | None = None,
        *,
        fresh: bool = False,
    ) -> FetchGroup | None:
        """The group fetching ``type_name`` entities at ``path`` from ``target``, with their
        representations (key + requirements) planned from ``group``. ``entity_type`` is the
        type ``target`` knows them as (an interface, for ``@interfaceObject`` subgraphs).
        ``fresh``: a group that fetches isolated requirements only, never client fields."""
        entity_type = entity_type or type_name
        keys = [k for k in self.sg.keys(entity_type, target) if k.resolvable]
        if not keys:
            return None
        guard = (group.id, type_name, path, target)
        if self._active[guard] >= MAX_REENTRY:
            return None  # a requirement cycle that never bottoms out
        direct = [
            k
            for k in keys
            if self._covers(group.subgraph, type_name, self.fieldset(type_name, k.selection))
        ]
        key = (direct or keys)[0]
        needed = Selection(type_name, [], [(type_name, self.fieldset(type_name, key.selection))])
        if requires is not None:
            needed.fragments.append((type_name, self.fieldset(type_name, requires)))
        keyed = self._assign_keys(needed, type_name, siblings)
        fragile = self._fragile_requirements(
            group, type_name, keyed.fields, requires, siblings, provided
        )
        self._active[guard] += 1
        try:
            with self._tracking() as touched:
                if fragile and self.isolate_requirements:
                    inline = [f for f in keyed.fields if f not in fragile]
                    left = self.plan_fields(group, sub, type_name, inline, path, provided)
                    for f in fragile:
                        rest = self.plan_remote(
                            group, sub, type_name, f, path, siblings, provided, set(), True
                        )
                        if rest is not None:
                            left.append(rest)
                else:
                    left = self.plan_fields(group, sub, type_name, keyed.fields, path, provided)
        finally:
            self._active[guard] -= 1
        if left:
            return None
        if fragile and not self.isolate_requirements:
            # Somewhere among these fetches a non-null field rides for a requirement only.
            for g in (group.id, *touched):
                self.groups[g].inline_requirements = True
        sub.add_typename()
        children = self._isolated if fresh else self._children
        siblings_at = children.setdefault((group.id, target, path), [])
        # The oldest such group whose results no requirement of this field is computed from;
        # none (the same subgraph entered twice at one path): this field needs a later fetch.
        child = next((c for c in siblings_at if not self._waits_for(touched, c.id)), None)
        if child is None:
            child = self._new_group(target, path, entity=True)
            siblings_at.append(child)
        child.depends_on.add(group.id)
        child.depends_on.update(t for t in touched if t != child.id)
        if entity_type != type_name:
            child.typename_rewrites[type_name] = entity_type
        assert child.requires is not None
        representation = child.requires.fragment(type_name)
        representation.add_typename()
        _project(keyed.fields, representation)
        if self.sg.is_abstract(type_name):
            # The objects may already carry their concrete type (another fetch resolved it):
            # represent those the same way, as the interface where the target only knows that.
            for concrete in self.sg.possible_types(type_name):
                shape = child.requires.fragment(concrete)
                shape.add_typename()
                _project(keyed.fields, shape)
                if self.sg.is_interface_object(type_name, target):
                    child.typename_rewrites[concrete] = type_name
        return child

    def _fragile_requirements(
        self,
        group: FetchGroup,
        type_name: str,
        fields: list[Field],
        requires: SelectionSetNode | None,
        client: list[Field],
        provided: dict[str, Field] | None,
    ) -> list[Field]:
        """The required fields planned from ``group`` only for the requirement that are non-null
        where they are fetched (not keys, not also asked by the client there): if one fails, its
        subgraph nulls what the same fetch holds above it."""
        if requires is None:
            return []
        required = {
            f.name for f in self.fieldset(type_name, requires).fields_for(type_name, self.applies)
        }
        keys = self.sg.key_field_names(type_name, group.subgraph)
        asked = {f.name for f in client}
        fragile: list[Field] = []
        for f in fields:
            if f.name not in required or f.name in keys or f.name in asked:
                continue
            declared = str(f.type_ref)  # non-null in the supergraph: non-null everywhere
            if self.is_local(group.subgraph, type_name, f, provided):
                join = self.sg.field_join(type_name, f.name, group.subgraph)
                declared = (join.type if join is not None else None) or declared
            if declared.endswith("!"):
                fragile.append(f)
        return fragile

    def _assign_keys(self, needed: Selection, type_name: str, client: list[Field]) -> Selection:
        """Response keys for fields the planner needs: the plain name unless the client uses
        that key for something else, and an internal alias for fields with arguments."""
        by_key = {f.response_key: f for f in client}
        result: list[Field] = []
        for f in needed.fields_for(type_name, self.applies):
            if f.name == "__typename":
                continue
            mine = by_key.get(f.name)
            same = (
                mine is not None
                and mine.name == f.name
                and arguments_text(mine.arguments) == arguments_text(f.arguments)
            )
            plain = same or (mine is None and not f.arguments)
            key = f.name if plain else _internal_alias(f)
            while not plain and key in by_key:
                key = "_" + key  # the client happens to use our alias: pick another
            sub: Selection | None = None
            if f.selection is not None:
                nested_client: list[Field] = []
                if same and mine is not None and mine.selection is not None:
                    nested_client = mine.selection.fields_for(f.type_name, self.applies)
                if self.sg.is_abstract(f.type_name):
                    parts: list[tuple[str, Selection]] = []
                    for concrete in self.sg.possible_types(f.type_name):
                        if not f.selection.fields_for(concrete, self.applies):
                            continue
                        client_here: list[Field] = []
                        if same and mine is not None and mine.selection is not None:
                            client_here = mine.selection.fields_for(concrete, self.applies)
                        parts.append(
                            (concrete, self._assign_keys(f.selection, concrete, client_here))
                        )
                    sub = Selection(f.type_name, [], parts)
                else:
                    sub = self._assign_keys(f.selection, f.type_name, nested_client)
            result.append(
                Field(key, f.name, f.arguments, f.parent_type, f.type_name, f.type_ref, sub)
            )
        return Selection(type_name, result)


def _project(fields: list[Field], into: SubSelection) -> None:
    """Record how a representation reads the response tree: tree key → representation field."""
    for f in fields:
        placed = into.add_field(f.response_key, f.name, (), leaf=f.selection is None)
        if f.selection is None:
            continue
        assert placed.selection is not None
        _project(f.selection.fields, placed.selection)
        for condition, sub in f.selection.fragments:
            fragment = placed.selection.fragment(condition)
            fragment.add_typename()
            _project(sub.fields, fragment)
