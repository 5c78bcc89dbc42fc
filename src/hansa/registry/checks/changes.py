"""Schema changes between two API schemas, found by the rules of ``rules/``.

Every rule is a function of a ``ChangeContext`` (the old and the new API schema) that reports
what it finds through ``context.report(code, severity, coordinate, message)``; the rules are
listed once, in ``rules.CHANGE_RULES``. ``schema_changes`` runs them all and returns the
changes sorted by coordinate, then code, then message, so a report reads the same every time.

Severities follow graphql-js ``findBreakingChanges``/``findDangerousChanges`` (and GraphQL
Hive's names for the codes): ``breaking`` when an operation valid against the old schema may
fail validation, or get an answer of another shape, against the new one; ``dangerous`` when
every operation stays valid but an existing client may see something it does not expect (a new
enum value, a new union member, another default); ``safe`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any, Literal, TypeVar

from graphql import (
    GraphQLArgument,
    GraphQLDirective,
    GraphQLField,
    GraphQLInputField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    is_list_type,
    is_non_null_type,
    is_required_argument,
    is_required_input_field,
    is_specified_directive,
    is_specified_scalar_type,
    print_ast,
)
from graphql.utilities import get_default_value_ast
from graphql.utilities.sort_value_node import sort_value_node

from hansa.registry.checks.coordinates import (
    UsageIndex,
    argument_coordinate,
    field_coordinate,
    visible_types,
)

Severity = Literal["safe", "dangerous", "breaking"]
SEVERITIES: tuple[Severity, ...] = ("safe", "dangerous", "breaking")
T = TypeVar("T", bound=GraphQLNamedType)


@dataclass(frozen=True)
class Change:
    code: str
    severity: Severity
    coordinate: str
    message: str
    # Why a pass lowered the severity (usage, deprecation window); None when it did not.
    downgraded: str | None = None
    # The usage coordinates that tell whether an operation depends on this change (see
    # ``coordinates.UsageIndex``); None when usage cannot tell. Set for breaking changes only.
    affects: tuple[str, ...] | None = field(default=None, compare=False, repr=False)

    def downgrade(self, severity: Severity, reason: str, message: str | None = None) -> Change:
        return replace(self, severity=severity, downgraded=reason, message=message or self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "coordinate": self.coordinate,
            "message": self.message,
            "downgraded": self.downgraded,
        }


class _Unset:
    pass


_UNSET = _Unset()


@dataclass
class ChangeContext:
    """What a rule sees: both API schemas, and where it reports."""

    old: GraphQLSchema
    new: GraphQLSchema
    changes: list[Change] = field(default_factory=list)

    def report(
        self,
        code: str,
        severity: Severity,
        coordinate: str,
        message: str,
        *,
        affects: tuple[str, ...] | _Unset | None = _UNSET,
    ) -> None:
        """One change. ``affects``: the usage coordinates that decide whether a client depends
        on it, when they are not those of ``coordinate`` in the old schema (a required
        argument added matters to every operation selecting the field)."""
        if severity != "breaking":
            found: tuple[str, ...] | None = None
        elif isinstance(affects, _Unset):
            found = self.old_usage.usage_coordinates(coordinate)
        else:
            found = affects
        self.changes.append(Change(code, severity, coordinate, message, affects=found))

    @cached_property
    def old_usage(self) -> UsageIndex:
        return UsageIndex(self.old)

    # What the rules walk -------------------------------------------------------------------

    @cached_property
    def old_types(self) -> dict[str, GraphQLNamedType]:
        return _named_types(self.old)

    @cached_property
    def new_types(self) -> dict[str, GraphQLNamedType]:
        return _named_types(self.new)

    def types_in_both(self, kind: type[T]) -> Iterator[tuple[T, T]]:
        """(old, new) for every type name of ``kind`` in both schemas."""
        for name, old in self.old_types.items():
            new = self.new_types.get(name)
            if isinstance(old, kind) and isinstance(new, kind):
                yield old, new

    def composite_types_in_both(
        self,
    ) -> Iterator[
        tuple[GraphQLObjectType, GraphQLObjectType]
        | tuple[GraphQLInterfaceType, GraphQLInterfaceType]
    ]:
        """(old, new) for every object type and every interface kept as what it was."""
        yield from self.types_in_both(GraphQLObjectType)
        yield from self.types_in_both(GraphQLInterfaceType)

    def fields_in_both(
        self,
    ) -> Iterator[tuple[GraphQLObjectType | GraphQLInterfaceType, str, GraphQLField, GraphQLField]]:
        """(old type, name, old field, new field) for output fields kept on kept types."""
        for old_type, new_type in self.composite_types_in_both():
            for name, old_field in old_type.fields.items():
                new_field = new_type.fields.get(name)
                if new_field is not None:
                    yield old_type, name, old_field, new_field

    def argument_lists(
        self,
    ) -> Iterator[tuple[str, dict[str, GraphQLArgument], dict[str, GraphQLArgument]]]:
        """(owner coordinate, old arguments, new arguments) for every field kept on a kept type
        (``Type.field``) and every kept directive (``@name``)."""
        for old_type, name, old_field, new_field in self.fields_in_both():
            yield field_coordinate(old_type.name, name), old_field.args, new_field.args
        for old_directive, new_directive in self.directives_in_both():
            yield f"@{old_directive.name}", old_directive.args, new_directive.args

    @cached_property
    def old_directives(self) -> dict[str, GraphQLDirective]:
        return _directives(self.old)

    @cached_property
    def new_directives(self) -> dict[str, GraphQLDirective]:
        return _directives(self.new)

    def directives_in_both(self) -> Iterator[tuple[GraphQLDirective, GraphQLDirective]]:
        for name, old in self.old_directives.items():
            new = self.new_directives.get(name)
            if new is not None:
                yield old, new


def _named_types(schema: GraphQLSchema) -> dict[str, GraphQLNamedType]:
    """The schema's types but introspection's and the specified scalars: graphql-core keeps a
    built-in scalar only while something references it, and no operation can name one nothing
    references (a variable must be used in a position of its type)."""
    return {
        name: type_
        for name, type_ in visible_types(schema).items()
        if not is_specified_scalar_type(type_)
    }


def _directives(schema: GraphQLSchema) -> dict[str, GraphQLDirective]:
    """Custom directives (``@skip``, ``@include``, ... are in every schema)."""
    return {d.name: d for d in schema.directives if not is_specified_directive(d)}


# Shared judgements -----------------------------------------------------------------------------


def is_safe_output_change(old: Any, new: Any) -> bool:
    """Whether a field typed ``old`` may become ``new`` for every reader: the same named type
    through the same list structure, each position at least as non-null as before (a client
    handling null also handles a value; graphql-js ``isChangeSafeForObjectOrInterfaceField``)."""
    if is_non_null_type(new) and not is_non_null_type(old):
        return is_safe_output_change(old, new.of_type)
    if is_non_null_type(old):
        return is_non_null_type(new) and is_safe_output_change(old.of_type, new.of_type)
    old_list, new_list = is_list_type(old), is_list_type(new)
    if old_list or new_list:
        return old_list and new_list and is_safe_output_change(old.of_type, new.of_type)
    return bool(old.name == new.name)


def is_safe_input_change(old: Any, new: Any) -> bool:
    """Whether an argument or input field typed ``old`` may become ``new`` for every writer:
    the same named type through the same list structure, each position at most as non-null as
    before (a value fit for ``Int!`` fits ``Int``, not the other way round; graphql-js
    ``isChangeSafeForInputObjectFieldOrFieldArg``)."""
    if is_non_null_type(old):
        inner = new.of_type if is_non_null_type(new) else new
        return is_safe_input_change(old.of_type, inner)
    if is_non_null_type(new):
        return False
    old_list, new_list = is_list_type(old), is_list_type(new)
    if old_list or new_list:
        return old_list and new_list and is_safe_input_change(old.of_type, new.of_type)
    return bool(old.name == new.name)


def is_required(value: GraphQLArgument | GraphQLInputField) -> bool:
    """Non-null without a default: an operation must give it."""
    if isinstance(value, GraphQLArgument):
        return is_required_argument(value)
    return is_required_input_field(value)


def default_text(value: GraphQLArgument | GraphQLInputField) -> str | None:
    """The default as introspection prints it (object fields sorted), None without one."""
    ast = get_default_value_ast(value)
    return print_ast(sort_value_node(ast)) if ast is not None else None


def argument_owner_kind(owner: str) -> str:
    return "directive" if owner.startswith("@") else "field"


__all__ = [
    "SEVERITIES",
    "Change",
    "ChangeContext",
    "Severity",
    "argument_coordinate",
    "argument_owner_kind",
    "default_text",
    "field_coordinate",
    "is_required",
    "is_safe_input_change",
    "is_safe_output_change",
]
