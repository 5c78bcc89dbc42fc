"""Schema coordinates, and which usage coordinates tell whether an operation touches one.

A change is reported at a schema coordinate (``User``, ``User.name``, ``Query.users(limit:)``,
``Color.RED``, ``UserInput.name``, ``@tag``, ``@tag(name:)``). Gateway usage reports count a
narrower set: ``Type.field`` on object types (a selection through an interface or a union is
counted on each possible object type) and ``Type.field(arg:)`` for arguments an operation
passes. ``UsageIndex.usage_coordinates`` maps the first onto the second, for one schema:

- an object field or argument is its own usage coordinate;
- an interface field or argument is the same field or argument on every object type
  implementing the interface;
- an object or interface type is every field of it (on its object types);
- an enum value, an enum, a scalar, a union, an input object or one of its fields is every field
  returning the named type and every argument whose type is it or an input object containing
  it (at any depth): the operations that could send or receive it;
- a directive is unknown (``None``): usage does not record directives.

The mapping is conservative: it may count an operation that does not depend on the changed
element (a client selecting a union member's field directly), never the other way round.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)


def field_coordinate(type_name: str, field_name: str) -> str:
    return f"{type_name}.{field_name}"


def argument_coordinate(owner: str, argument: str) -> str:
    """``Type.field(arg:)`` for a field's argument, ``@directive(arg:)`` for a directive's."""
    return f"{owner}({argument}:)"


def field_of_argument(coordinate: str) -> str | None:
    """``Type.field`` for ``Type.field(arg:)``; None for anything else."""
    if not coordinate.endswith(":)") or coordinate.startswith("@"):
        return None
    return coordinate[: coordinate.index("(")]


def is_argument(coordinate: str) -> bool:
    return coordinate.endswith(":)")


def visible_types(schema: GraphQLSchema) -> dict[str, GraphQLNamedType]:
    """The schema's named types but introspection's own (``__Type``, ...)."""
    return {name: t for name, t in schema.type_map.items() if not name.startswith("__")}


class UsageIndex:
    """For one schema: which usage coordinates stand for a schema coordinate."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema

    @cached_property
    def _returning(self) -> dict[str, list[str]]:
        """Named type -> the object fields returning it."""
        found: defaultdict[str, list[str]] = defaultdict(list)
        for name, type_ in visible_types(self.schema).items():
            if isinstance(type_, GraphQLObjectType):
                for field_name, field in type_.fields.items():
                    found[get_named_type(field.type).name].append(
                        field_coordinate(name, field_name)
                    )
        return dict(found)

    @cached_property
    def _taking(self) -> dict[str, list[str]]:
        """Named input type -> the object field arguments whose type is it or contains it."""
        contained = self._contained_input_types()
        found: defaultdict[str, list[str]] = defaultdict(list)
        for name, type_ in visible_types(self.schema).items():
            if not isinstance(type_, GraphQLObjectType):
                continue
            for field_name, field in type_.fields.items():
                for arg_name, arg in field.args.items():
                    coordinate = argument_coordinate(field_coordinate(name, field_name), arg_name)
                    for inner in contained[get_named_type(arg.type).name]:
                        found[inner].append(coordinate)
        return dict(found)

    def _contained_input_types(self) -> defaultdict[str, set[str]]:
        """Named input type -> itself and every type reachable through its input fields."""
        types = visible_types(self.schema)
        closure: defaultdict[str, set[str]] = defaultdict(set)
        for name in types:
            seen: set[str] = set()
            pending = [name]
            while pending:
                current = pending.pop()
                if current in seen:
                    continue
                seen.add(current)
                type_ = types.get(current)
                if isinstance(type_, GraphQLInputObjectType):
                    pending.extend(get_named_type(f.type).name for f in type_.fields.values())
            closure[name] = seen
        return closure

    def _objects_of(self, type_name: str) -> list[str]:
        type_ = self.schema.get_type(type_name)
        if isinstance(type_, GraphQLObjectType):
            return [type_name]
        if isinstance(type_, GraphQLInterfaceType):
            return [t.name for t in self.schema.get_possible_types(type_)]
        return []

    def positions_of(self, type_name: str) -> tuple[str, ...]:
        """The object fields returning ``type_name`` and the arguments that can carry it."""
        return (*self._returning.get(type_name, ()), *self._taking.get(type_name, ()))

    def usage_coordinates(self, coordinate: str) -> tuple[str, ...] | None:
        """The usage coordinates whose counts say whether ``coordinate`` is used; None when
        usage cannot tell (directives). Empty when nothing in this schema reaches it."""
        if coordinate.startswith("@"):
            return None
        owner, _, rest = coordinate.partition(".")
        type_ = self.schema.get_type(owner)
        if type_ is None:
            return ()
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            objects = self._objects_of(owner)
            if not rest:
                return tuple(
                    field_coordinate(o, f) for o in objects for f in type_.fields
                )  # every field, on every object type it is selected on
            return tuple(f"{o}.{rest}" for o in objects)
        return self.positions_of(owner)
