"""``CONTEXT_NOT_SET``, ``NO_CONTEXT_IN_SELECTION``, ``CONTEXT_INVALID_SELECTION``,
``CONTEXT_NO_RESOLVABLE_KEY``: a ``@fromContext`` argument is filled by the gateway from a
context an ancestor sets, so it sits on a concrete field that implements no interface field, has
no default, names a context some type sets, selects exactly one value of the argument's type
from each of those types (Apollo's ``validateFieldValue``), and its type can be fetched again by
a resolvable key."""

from __future__ import annotations

import contextlib
import re

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    SelectionSetNode,
    TypeNode,
    print_ast,
)

from hansa.composition.rules._common import (
    composites,
    context_owners,
    implementations,
    is_fed_directive,
    is_interface_object,
    parse_selection,
    resolvable,
    unwrap_non_null,
)
from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import Applied, ArgDef, FieldDef, TypeDef, named_type

_LEAF_KINDS = ("scalar", "enum")
_BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})


def from_context_usage(context: SubgraphContext) -> None:
    if not is_fed_directive(context.subgraph, "fromContext"):
        return
    owners = context_owners(context.subgraph)
    for t in composites(context.subgraph):
        for f in t.fields.values():
            for arg in f.args.values():
                for d in arg.directives:
                    if d.name == "fromContext":
                        _from_context(context, t, f, arg, d, owners)


def parse_context(value: str) -> tuple[str | None, str | None]:
    """``"$ctx { a }"`` → ("ctx", "{ a }"); (None, None) when there is no ``$context``."""
    ignored = r"(?:[\n\r\t ,]|#[^\n\r]*)*"
    match = re.match(rf"^{ignored}\$({ignored})([A-Za-z_]\w*)([\s\S]*)$", value)
    if match is None:
        return None, None
    name, rest = match.group(2), match.group(3)
    selection = re.sub(rf"^{ignored}", "", rest)
    return name, (selection if selection.strip() else None)


def _from_context(
    context: SubgraphContext,
    t: TypeDef,
    f: FieldDef,
    arg: ArgDef,
    d: Applied,
    owners: dict[str, list[str]],
) -> None:
    coordinate = f"{t.name}.{f.name}({arg.name}:)"
    if t.kind != "object":
        context.report(
            "CONTEXT_NOT_SET",
            "@fromContext argument cannot be used on a field that exists on an abstract "
            f'type "{coordinate}".',
            d,
        )
        return
    for itf_name in t.interfaces:
        itf = context.subgraph.types.get(itf_name)
        if itf is not None and itf.kind == "interface" and f.name in itf.fields:
            context.report(
                "CONTEXT_NOT_SET",
                "@fromContext argument cannot be used on a field implementing an interface "
                f'field "{itf_name}.{f.name}".',
                d,
            )
    if arg.default is not None:
        context.report(
            "CONTEXT_NOT_SET",
            f'@fromContext arguments may not have a default value: "{coordinate}".',
            d,
        )
    value = d.string("field")
    if value is None:
        return
    name, selection = parse_context(value)
    if not name or not selection:
        context.report(
            "NO_CONTEXT_IN_SELECTION",
            f'@fromContext argument does not reference a context "{value}".',
            d,
        )
        return
    locations = owners.get(name)
    if not locations:
        context.report(
            "CONTEXT_NOT_SET",
            f'Context "{name}" is used at location "{coordinate}" but is never set.',
            d,
        )
        return
    _ContextSelection(context, name, coordinate, arg.type, d).validate(selection, locations)
    if not any(resolvable(k) for k in t.keys):
        context.report(
            "CONTEXT_NO_RESOLVABLE_KEY",
            f'Object "{t.name}" has no resolvable key but has a field with a contextual argument.',
            t,
        )


class _Invalid(Exception):
    """A selection problem already reported."""


class _ContextSelection:
    """Apollo's ``validateFieldValue``: the selection must pick exactly one value, of a type
    that fits the argument, from every type that sets the context."""

    def __init__(
        self,
        context: SubgraphContext,
        name: str,
        coordinate: str,
        expected: TypeNode,
        d: Applied,
    ) -> None:
        self.context = context
        self.sg = context.subgraph
        self.name = name
        self.coordinate = coordinate
        self.expected = expected
        self.d = d

    def invalid(self, reason: str) -> _Invalid:
        self.context.report(
            "CONTEXT_INVALID_SELECTION",
            f'Context "{self.name}" is used in "{self.coordinate}" but the selection is '
            f"invalid: {reason}",
            self.d,
        )
        return _Invalid()

    def validate(self, selection: str, locations: list[str]) -> None:
        with contextlib.suppress(_Invalid):
            self._validate(selection, locations)

    def _validate(self, selection: str, locations: list[str]) -> None:
        selection_set = parse_selection(selection)
        if selection_set is None or not selection_set.selections:
            raise self.invalid("no selection is made")
        self._check_syntax(selection_set)
        first = selection_set.selections[0]
        fragments: dict[str, SelectionSetNode] = {}
        if isinstance(first, FieldNode):
            if len(selection_set.selections) > 1:
                raise self.invalid("multiple selections are made")
        else:
            for s in selection_set.selections:
                if isinstance(s, FieldNode):
                    raise self.invalid("multiple fields could be selected")
                assert isinstance(s, InlineFragmentNode)
                if s.type_condition is None:
                    raise self.invalid("inline fragments must have type conditions")
                fragments[s.type_condition.name.value] = s.selection_set
            if len(fragments) != len(selection_set.selections):
                raise self.invalid("type conditions have same name")
        used: set[str] = set()
        for location in locations:
            owner = self.sg.types.get(location)
            if owner is None:
                continue
            if not fragments:
                resolved = self._resolve(owner, selection_set)
                if resolved is None:
                    raise self.invalid(
                        "the type of the selection does not match the expected type "
                        f'"{print_ast(self.expected)}"'
                    )
                if not _valid_implementation_type(resolved, self.expected):
                    raise self.invalid(
                        f'the type of the selection "{print_ast(resolved)}" does not match the '
                        f'expected type "{print_ast(self.expected)}"'
                    )
                continue
            runtime = self._runtime_types(owner)
            applicable = [c for c in fragments if c in runtime]
            if not applicable:
                raise self.invalid(f'no type condition matches the location "{owner.name}"')
            for condition in applicable:
                used.add(condition)
                condition_type = self.sg.types.get(condition)
                if condition_type is None or condition_type.kind != "object":
                    raise self.invalid("type conditions must be an object type")
                resolved = self._resolve(condition_type, fragments[condition])
                if resolved is None:
                    raise self.invalid(
                        "the type of the selection does not match the expected type "
                        f'"{print_ast(self.expected)}"'
                    )
                resolved = unwrap_non_null(resolved)
                if not _valid_implementation_type(self.expected, resolved):
                    raise self.invalid(
                        f'the type of the selection "{print_ast(resolved)}" does not match the '
                        f'expected type "{print_ast(self.expected)}"'
                    )
        for condition in fragments:
            if condition not in used:
                raise self.invalid(f'type condition "{condition}" is never used.')

    def _check_syntax(self, selection_set: SelectionSetNode) -> None:
        for s in selection_set.selections:
            if isinstance(s, FragmentSpreadNode):
                raise self.invalid("fragment spread is not allowed")
            if isinstance(s, FieldNode) and s.alias is not None:
                raise self.invalid("aliases are not allowed in the selection")
            if s.directives:
                raise self.invalid("directives are not allowed in the selection")
            nested = getattr(s, "selection_set", None)
            if nested is not None:
                self._check_syntax(nested)

    def _runtime_types(self, owner: TypeDef) -> set[str]:
        if owner.kind == "object":
            return {owner.name}
        if owner.kind == "union":
            return set(owner.members)
        return set(implementations(self.sg, owner.name))

    def _field(self, owner: TypeDef, name: str) -> FieldDef | None:
        if name in owner.fields:
            return owner.fields[name]
        for itf_name in owner.interfaces:
            itf = self.sg.types.get(itf_name)
            if itf is not None and name in itf.fields:
                return itf.fields[name]
        return None

    def _resolve(self, owner: TypeDef, selection_set: SelectionSetNode) -> TypeNode | None:
        """The type the selection resolves to from ``owner`` (None if ambiguous)."""
        if is_interface_object(owner):
            raise self.invalid(
                f'One of the types in the selection is an interfaceObject: "{owner.name}"'
            )
        resolved: TypeNode | None = None
        for s in selection_set.selections:
            if isinstance(s, InlineFragmentNode):
                if s.type_condition is None:
                    return None
                fragment_type = self.sg.types.get(s.type_condition.name.value)
                if fragment_type is None:
                    return None
                current = self._resolve(fragment_type, s.selection_set)
            else:
                assert isinstance(s, FieldNode)
                current = self._resolve_field(owner, s)
            if current is None:
                return None
            if resolved is None:
                resolved = current
            elif print_ast(resolved) != print_ast(current):
                return None
        return resolved

    def _resolve_field(self, owner: TypeDef, s: FieldNode) -> TypeNode | None:
        name = s.name.value
        if name == "__typename":
            return NonNullTypeNode(type=NamedTypeNode(name=NameNode(value="String")))
        f = self._field(owner, name) if owner.kind != "union" else None
        if f is None:
            self.context.report(
                "CONTEXT_INVALID_SELECTION",
                f'Context "{self.name}" is used in "{self.coordinate}" but the selection is '
                f'invalid for type {owner.name}. Error: Cannot query field "{name}" on type '
                f'"{owner.name}".',
                self.d,
            )
            raise _Invalid()
        base = named_type(f.type)
        child = self.sg.types.get(base)
        is_leaf = base in _BUILTIN_SCALARS or (child is not None and child.kind in _LEAF_KINDS)
        if s.selection_set is None:
            if not is_leaf:
                raise self.invalid(
                    f'field "{owner.name}.{name}" of composite type "{base}" needs a selection'
                )
            return f.type
        if is_leaf or child is None:
            raise self.invalid(f'field "{owner.name}.{name}" of leaf type "{base}" has a selection')
        nested = self._resolve(child, s.selection_set)
        return None if nested is None else _rewrap(f.type, nested)


def _valid_implementation_type(field_type: TypeNode, implemented: TypeNode) -> bool:
    """GraphQL's IsValidImplementationFieldType (covariance) for input-ish leaf types."""
    if isinstance(field_type, NonNullTypeNode):
        return _valid_implementation_type(field_type.type, unwrap_non_null(implemented))
    if isinstance(implemented, NonNullTypeNode):
        return False
    if isinstance(field_type, ListTypeNode):
        return isinstance(implemented, ListTypeNode) and _valid_implementation_type(
            field_type.type, implemented.type
        )
    if isinstance(implemented, ListTypeNode):
        return False
    assert isinstance(field_type, NamedTypeNode) and isinstance(implemented, NamedTypeNode)
    return field_type.name.value == implemented.name.value


def _rewrap(original: TypeNode, inner: TypeNode) -> TypeNode:
    """``inner`` wrapped in the list and non-null wrappers of ``original``."""
    if isinstance(original, NonNullTypeNode):
        wrapped = _rewrap(original.type, inner)
        if isinstance(wrapped, NonNullTypeNode):
            return wrapped
        assert isinstance(wrapped, NamedTypeNode | ListTypeNode)
        return NonNullTypeNode(type=wrapped)
    if isinstance(original, ListTypeNode):
        return ListTypeNode(type=_rewrap(original.type, inner))
    return inner
