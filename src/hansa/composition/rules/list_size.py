"""``LIST_SIZE_APPLIED_TO_NON_LIST``, ``LIST_SIZE_INVALID_ASSUMED_SIZE``,
``LIST_SIZE_INVALID_SLICING_ARGUMENT``, ``LIST_SIZE_INVALID_SIZED_FIELD``: ``@listSize`` sizes a
list (its own, or lists of the returned object), with a non-negative assumed size and ``Int``
slicing arguments, so that demand control can count with it."""

from __future__ import annotations

from graphql import (
    IntValueNode,
    ListValueNode,
    NamedTypeNode,
    StringValueNode,
    ValueNode,
    print_ast,
)

from hansa.composition.rules._common import composites, is_fed_directive, is_list
from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import Applied, FieldDef, TypeDef


def list_size(context: SubgraphContext) -> None:
    if not is_fed_directive(context.subgraph, "listSize"):
        return
    for t in composites(context.subgraph):
        for f in t.fields.values():
            for d in f.directives:
                if d.name == "listSize":
                    _check(context, t, f, d)


def _check(context: SubgraphContext, t: TypeDef, f: FieldDef, d: Applied) -> None:
    coordinate = f"{t.name}.{f.name}"
    sized = _strings(d.args.get("sizedFields")) or []
    if not sized and not is_list(f.type):
        context.report("LIST_SIZE_APPLIED_TO_NON_LIST", f'"{coordinate}" is not a list', d)
    assumed = _int(d.args.get("assumedSize"))
    if assumed is not None and assumed < 0:
        context.report(
            "LIST_SIZE_INVALID_ASSUMED_SIZE",
            f'Assumed size of "{coordinate}" cannot be negative',
            d,
        )
    for name in _strings(d.args.get("slicingArguments")) or []:
        arg = f.args.get(name)
        if arg is None:
            context.report(
                "LIST_SIZE_INVALID_SLICING_ARGUMENT",
                f'Slicing argument "{name}" is not an argument of "{coordinate}"',
                d,
            )
        elif print_ast(arg.type) not in ("Int", "Int!"):
            context.report(
                "LIST_SIZE_INVALID_SLICING_ARGUMENT",
                f'Slicing argument "{coordinate}({name}:)" must be Int or Int!',
                d,
            )
    if not sized:
        return
    target = (
        context.subgraph.types.get(f.type.name.value) if isinstance(f.type, NamedTypeNode) else None
    )
    if target is None or target.kind not in ("object", "interface", "union"):
        context.report(
            "LIST_SIZE_INVALID_SIZED_FIELD",
            f'Sized fields cannot be used because "{print_ast(f.type)}" is not a composite type',
            d,
        )
        return
    for name in sized:
        sized_field = target.fields.get(name)
        if sized_field is None:
            context.report(
                "LIST_SIZE_INVALID_SIZED_FIELD",
                f'Sized field "{name}" is not a field on type "{target.name}"',
                d,
            )
        elif not is_list(sized_field.type):
            context.report(
                "LIST_SIZE_APPLIED_TO_NON_LIST",
                f'Sized field "{target.name}.{name}" is not a list',
                d,
            )


def _strings(value: ValueNode | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, ListValueNode):
        return [v.value for v in value.values if isinstance(v, StringValueNode)]
    if isinstance(value, StringValueNode):
        return [value.value]
    return []


def _int(value: ValueNode | None) -> int | None:
    if isinstance(value, IntValueNode):
        try:
            return int(value.value)
        except ValueError:
            return None
    return None
