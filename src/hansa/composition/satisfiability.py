"""Satisfiability: every field a client can reach must be resolvable through some subgraphs.

Rather than a second model of federation, this asks the gateway's own query planner: for every
way a type is entered (each field returning it, reached by a shortest path from a root), and
every field of that type, it plans ``{ path { field } }``. A selection the planner cannot place
is a ``SATISFIABILITY_ERROR`` that shows the example query, as Apollo does.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from graphql import (
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_composite_type,
)

from hansa.composition.errors import CompositionError
from hansa.operation.normalized import Field, Selection
from hansa.planner.builder import PlanningError
from hansa.planner.query_planner import build_groups
from hansa.supergraph import Supergraph

MAX_CHECKS = 20_000


@dataclass(frozen=True)
class _Step:
    parent: str  # the type the field is selected on
    field: str
    condition: str | None  # a fragment type when ``parent`` is reached through an abstract type


def _possible(schema: GraphQLSchema, type_name: str) -> list[str]:
    named = schema.get_type(type_name)
    if isinstance(named, GraphQLObjectType):
        return [type_name]
    if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
        return [t.name for t in schema.get_possible_types(named)]
    return []


def _entries(schema: GraphQLSchema, root: str) -> dict[str, list[list[_Step]]]:
    """For every object type, the paths (shortest first) that enter it from ``root``."""
    shortest: dict[str, list[_Step]] = {root: []}
    entries: dict[str, list[list[_Step]]] = {}
    queue = deque([root])
    while queue:
        current = queue.popleft()
        current_type = schema.get_type(current)
        assert isinstance(current_type, GraphQLObjectType | GraphQLInterfaceType)
        for name, definition in current_type.fields.items():
            target = get_named_type(definition.type)
            if not is_composite_type(target):
                continue
            for concrete in _possible(schema, target.name):
                condition = concrete if concrete != target.name else None
                path = [*shortest[current], _Step(current, name, condition)]
                entries.setdefault(concrete, []).append(path)
                if concrete not in shortest:
                    shortest[concrete] = path
                    queue.append(concrete)
    return entries


def reachable_types(supergraph: Supergraph) -> set[str]:
    """Object types some operation of the API schema can reach (Apollo's satisfiability
    explores only those, so hints it finds there concern only those)."""
    schema = supergraph.api_schema
    found: set[str] = set()
    for root in supergraph.root_types.values():
        if schema.get_type(root) is not None:
            found.add(root)
            found.update(_entries(schema, root))
    return found


def _selection(schema: GraphQLSchema, owner: str, path: list[_Step], leaf: str) -> Selection:
    """The normalized selection ``{ path... { leaf } }``; ``owner`` is the type of ``leaf``."""
    inner = Selection(owner, [_make_field(schema, owner, leaf, None)])
    for step in reversed(path):
        target = get_named_type(_field_type(schema, step)).name
        if step.condition is not None and step.condition != target:
            inner = Selection(target, [], [(step.condition, inner)])
        inner = Selection(step.parent, [_make_field(schema, step.parent, step.field, inner)])
    return inner


def _field_type(schema: GraphQLSchema, step: _Step) -> GraphQLOutputType:
    parent = schema.get_type(step.parent)
    assert isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
    field_type: GraphQLOutputType = parent.fields[step.field].type
    return field_type


def _make_field(schema: GraphQLSchema, parent: str, name: str, sub: Selection | None) -> Field:
    parent_type = schema.get_type(parent)
    assert isinstance(parent_type, GraphQLObjectType | GraphQLInterfaceType)
    definition = parent_type.fields[name]
    named = get_named_type(definition.type)
    if sub is None and is_composite_type(named):
        sub = Selection(
            named.name, [Field("__typename", "__typename", (), named.name, "String", None, None)]
        )
    return Field(name, name, (), parent, named.name, definition.type, sub)


def _query_text(root: str, path: list[_Step], leaf: str, kind: str) -> str:
    lines: list[str] = []
    depth = 1
    for step in path:
        lines.append("  " * depth + f"{step.field} {{")
        depth += 1
        if step.condition is not None:
            lines.append("  " * depth + f"... on {step.condition} {{")
            depth += 1
    lines.append("  " * depth + leaf)
    while depth > 1:
        depth -= 1
        lines.append("  " * depth + "}")
    head = "{" if kind == "query" else f"{kind} {{"
    return "\n".join([head, *lines, "}"])


NO_KEYED_SOURCE = 'no subgraph that can be entered by a resolvable @key of "{type}" resolves them'
PROGRESSIVE = 'it selects "{type}.{field}", which is under progressive @override'


def _unreachable_requirements(supergraph: Supergraph) -> list[tuple[str, str, str, str]]:
    """(type, field, subgraph, why) for @requires whose fields no keyed subgraph can provide:
    a requirement is fetched for the entity itself, so it must come from a subgraph the entity
    can be entered by a resolvable key (or from one providing it on every path, which Apollo
    does not assume). Apollo's satisfiability never takes a field under progressive
    ``@override`` (an ``overrideLabel``) for a requirement, whichever way the label goes; the
    same sets are refused here so that what composes in one composes in the other."""
    found: list[tuple[str, str, str, str]] = []
    for type_name, info in supergraph.types.items():
        for field in info.fields.values():
            for join in field.joins or ():
                if join.requires is None:
                    continue
                for selection in join.requires.selections:
                    name = getattr(getattr(selection, "name", None), "value", None)
                    if name is None or name == "__typename":
                        continue
                    required = info.fields.get(name)
                    if required is not None and any(
                        j.override_label is not None for j in required.joins or ()
                    ):
                        why = PROGRESSIVE.format(type=type_name, field=name)
                        found.append((type_name, field.name, join.subgraph, why))
                        break
                    sources = [
                        s
                        for s in supergraph.resolvers_of(type_name, name)
                        if s != join.subgraph
                        and any(k.resolvable for k in supergraph.keys(type_name, s))
                    ]
                    if not sources:
                        why = NO_KEYED_SOURCE.format(type=type_name)
                        found.append((type_name, field.name, join.subgraph, why))
                        break
    return found


def check_satisfiability(supergraph: Supergraph) -> list[CompositionError]:
    schema = supergraph.api_schema
    errors: list[CompositionError] = []
    reported: set[tuple[str, str]] = set()
    checks = 0
    for kind, root in supergraph.root_types.items():
        if kind == "subscription" or schema.get_type(root) is None:
            continue
        for type_name, paths in sorted(_entries(schema, root).items()):
            object_type = schema.get_type(type_name)
            if not isinstance(object_type, GraphQLObjectType):
                continue
            for path in [[]] if type_name == root else paths:
                for field_name in object_type.fields:
                    if (type_name, field_name) in reported or checks > MAX_CHECKS:
                        continue
                    checks += 1
                    selection = _selection(schema, type_name, path, field_name)
                    try:
                        build_groups(supergraph, frozenset(), kind, root, selection)
                    except PlanningError:
                        reported.add((type_name, field_name))
                        query = _query_text(root, path, field_name, kind)
                        errors.append(
                            CompositionError(
                                "SATISFIABILITY_ERROR",
                                f"The following supergraph API query:\n{query}\ncannot be satisfied"
                                f' by the subgraphs because: no subgraph that can reach "{type_name}"'
                                f' along this path resolves "{type_name}.{field_name}", or can hand'
                                " it over to one that does through a resolvable @key (with its"
                                " @requires satisfied).",
                            )
                        )
    for type_name, field_name, subgraph, why in _unreachable_requirements(supergraph):
        if (type_name, field_name) in reported:
            continue
        reported.add((type_name, field_name))
        entries = _entries(schema, supergraph.root_types["query"]).get(type_name) or [[]]
        query = _query_text(supergraph.root_types["query"], entries[0], field_name, "query")
        errors.append(
            CompositionError(
                "SATISFIABILITY_ERROR",
                f"The following supergraph API query:\n{query}\ncannot be satisfied by the"
                f' subgraphs because: from subgraph "{subgraph}": cannot satisfy @require'
                f' conditions on field "{type_name}.{field_name}" ({why}).',
            )
        )
    return errors
