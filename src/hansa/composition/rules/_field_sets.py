"""The field sets of ``@key``, ``@requires`` and ``@provides``: checking one (shared by the three
``*_fields`` rules, which differ only in the code prefix and the type the set is read on), and
which fields the subgraph's field sets name (for ``@external`` usage)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from graphql import (
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    SelectionSetNode,
    StringValueNode,
    parse,
)

from hansa.composition.subgraph_reader import Applied, FieldDef, SubgraphDef, TypeDef, named_type

if TYPE_CHECKING:
    from hansa.composition.rules.context import SubgraphContext


def check_field_set(
    context: SubgraphContext, code: str, applied: Applied, type_name: str, on: FieldDef | None
) -> None:
    """Report the problems of ``applied``'s ``fields`` read on ``type_name`` as
    ``{code}_INVALID_FIELDS_TYPE``, ``{code}_INVALID_FIELDS``, ``{code}_DIRECTIVE_IN_FIELDS_ARG``,
    ``{code}_FIELDS_HAS_ARGS``, ``{code}_FIELDS_SELECT_INVALID_TYPE`` or
    ``{code}_FIELDS_MISSING_EXTERNAL``; ``on`` is the field carrying the directive (None for a
    ``@key`` on a type)."""
    where = (
        f'on type "{type_name}"'
        if on is None
        else f'on field "{_owner(context.subgraph, on)}.{on.name}"'
    )
    label = f"@{applied.name}"
    node = applied.args.get("fields")
    if not isinstance(node, StringValueNode):
        context.report(
            f"{code}_INVALID_FIELDS_TYPE",
            f'On {where[3:]}, for {label}(fields: ...): Invalid value for argument "fields": must be a string.',
        )
        return
    fields = node.value
    try:
        selection = parse("{" + fields + "}").definitions[0].selection_set  # type: ignore[attr-defined]
    except GraphQLError as error:
        context.report(
            f"{code}_INVALID_FIELDS",
            f'On {where[3:]}, for {label}(fields: "{fields}"): {error.message}',
        )
        return
    for problem in _walk(
        context.subgraph, code, selection, type_name, fields, label, where, inherited=False
    ):
        context.report(*problem)


def _owner(sg: SubgraphDef, f: FieldDef) -> str:
    for t in sg.types.values():
        if t.fields.get(f.name) is f:
            return t.name
    return "?"


def _walk(
    sg: SubgraphDef,
    code: str,
    selection: SelectionSetNode,
    type_name: str,
    fields: str,
    label: str,
    where: str,
    inherited: bool,
) -> Iterator[tuple[str, str]]:
    """Problems in a field set; ``inherited``: under an @external field (its subfields need
    no @external of their own)."""
    prefix = f'On {where[3:]}, for {label}(fields: "{fields}"): '
    type_def = sg.types.get(type_name)
    for item in selection.selections:
        if item.directives:
            yield (
                f"{code}_DIRECTIVE_IN_FIELDS_ARG",
                prefix
                + f"cannot have directive applications in the {label}(fields:) argument but found @{item.directives[0].name.value}.",
            )
            continue
        if isinstance(item, InlineFragmentNode):
            condition = item.type_condition.name.value if item.type_condition else type_name
            yield from _walk(
                sg, code, item.selection_set, condition, fields, label, where, inherited
            )
            continue
        assert isinstance(item, FieldNode)
        name = item.name.value
        if name == "__typename":
            continue
        f = type_def.fields.get(name) if type_def is not None else None
        if f is None:
            yield (
                f"{code}_INVALID_FIELDS",
                prefix
                + f'Cannot query field "{name}" on type "{type_name}" (if the field is defined in another subgraph, you need to add it to this subgraph with @external).',
            )
            continue
        if f.args and code in ("KEY", "PROVIDES"):
            yield (
                f"{code}_FIELDS_HAS_ARGS",
                prefix
                + f"field {type_name}.{name} cannot be included because it has arguments (fields with argument are not allowed in {label})",
            )
            continue
        target = named_type(f.type)
        target_def = sg.types.get(target)
        if code == "KEY" and target_def is not None and target_def.kind in ("interface", "union"):
            yield (
                f"{code}_FIELDS_SELECT_INVALID_TYPE",
                prefix
                + f'field "{type_name}.{name}" is a {"Interface" if target_def.kind == "interface" else "Union"} type which is not allowed in @key',
            )
            continue
        external = (
            inherited or f.has("external") or (type_def is not None and type_def.has("external"))
        )
        if (
            code in ("REQUIRES", "PROVIDES")
            and sg.version == 2
            and not external
            and item.selection_set is None
        ):
            yield (
                f"{code}_FIELDS_MISSING_EXTERNAL",
                prefix + f'field "{type_name}.{name}" should not be part of a {label} since it is'
                " already provided by this subgraph (it is not marked @external)",
            )
            continue
        if item.selection_set is not None:
            yield from _walk(sg, code, item.selection_set, target, fields, label, where, external)


# -- fields named by field sets -----------------------------------------------------------------


def used_externals(sg: SubgraphDef) -> set[tuple[str, str]]:
    """(type, field) pairs named by some @key, @requires or @provides of this subgraph."""
    used = provided_fields(sg)
    for type_def in sg.types.values():
        for key in type_def.keys:
            _mark_text(sg, type_def.name, key.string("fields"), used)
        for f in type_def.fields.values():
            requires = f.directive("requires")
            if requires is not None:
                _mark_text(sg, type_def.name, requires.string("fields"), used)
    return used


def provided_fields(sg: SubgraphDef) -> set[tuple[str, str]]:
    """(type, field) pairs named by some @provides of this subgraph."""
    found: set[tuple[str, str]] = set()
    for type_def in sg.types.values():
        for f in type_def.fields.values():
            provides = f.directive("provides")
            if provides is not None:
                _mark_text(sg, named_type(f.type), provides.string("fields"), found)
    return found


def satisfies_interface(sg: SubgraphDef, type_def: TypeDef, field: str) -> bool:
    """Whether ``field`` of ``type_def`` is needed by an interface it implements here."""
    return any(field in sg.types[i].fields for i in type_def.interfaces if i in sg.types)


def _mark_text(
    sg: SubgraphDef, type_name: str, fields: str | None, into: set[tuple[str, str]]
) -> None:
    if not fields:
        return
    try:
        selection = parse("{" + fields + "}").definitions[0].selection_set  # type: ignore[attr-defined]
    except GraphQLError:
        return
    _mark(sg, selection, type_name, into)


def _mark(
    sg: SubgraphDef, selection: SelectionSetNode, type_name: str, used: set[tuple[str, str]]
) -> None:
    type_def = sg.types.get(type_name)
    for item in selection.selections:
        if isinstance(item, InlineFragmentNode):
            condition = item.type_condition.name.value if item.type_condition else type_name
            _mark(sg, item.selection_set, condition, used)
            continue
        if not isinstance(item, FieldNode):
            continue
        used.add((type_name, item.name.value))
        if type_def is not None and item.name.value in type_def.fields:
            # An interface's implementations in this subgraph use the field too.
            for other in sg.types.values():
                if type_name in other.interfaces:
                    used.add((other.name, item.name.value))
            if item.selection_set is not None:
                _mark(
                    sg, item.selection_set, named_type(type_def.fields[item.name.value].type), used
                )
