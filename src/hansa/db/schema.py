"""The subgraph SDL derived from the model (``hansa db sdl``): an Apollo Federation 2 subgraph,
``@key`` on keyed types, and for each list query ``where`` (equality, ``in`` and ranges on the
declared columns), ``orderBy``, ``limit`` (capped) and ``offset``.

Everything printed here comes from the model's names, which ``model.py`` checked.
"""

from __future__ import annotations

import inspect
import json

from hansa.db.model import CUSTOM_SCALARS, Argument, GraphQLType, Model, RootField, TypeModel

FEDERATION = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@shareable"])'
)
# Keyset pagination: every list query `xs` also has `xsConnection(first, after, ...)`.
PAGE_INFO = "type PageInfo @shareable {\n  hasNextPage: Boolean!\n  endCursor: String\n}"


def connection_name(root: RootField) -> str:
    return f"{root.name}Connection"


# Filter operators per scalar: ranges only where the values are ordered.
ORDERED = frozenset({"Int", "Float", "String", "ID", "Decimal", "DateTime", "Date"})
FILTERABLE = ORDERED | {"Boolean"}
# Arguments every list query gets (beside its own).
LIST_ARGUMENTS = ("where", "orderBy", "offset")


def filter_name(scalar: str) -> str:
    return f"{scalar}Filter"


def where_name(model: TypeModel) -> str:
    return f"{model.name}Where"


def order_name(model: TypeModel) -> str:
    return f"{model.name}OrderBy"


def _description(text: str | None, indent: str = "") -> str:
    if not text:
        return ""
    body = text.replace('"""', '\\"""')
    return f'{indent}"""\n{indent}{body}\n{indent}"""\n'


def _argument(argument: Argument) -> str:
    text = f"{argument.name}: {argument.type.sdl()}"
    if argument.default is not inspect.Parameter.empty and argument.default is not None:
        text += f" = {_literal(argument.default)}"
    return text


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))


def list_query(root: RootField) -> bool:
    return root.kind == "query" and root.returns.many


def print_sdl(model: Model, settings_default_limit: int = 50) -> str:
    blocks = [FEDERATION]
    blocks.extend(f"scalar {name}" for name in sorted(model.scalars & CUSTOM_SCALARS))
    queried = {r.returns.name for r in model.roots.values() if list_query(r)}
    if queried:
        blocks.append("enum SortDirection {\n  ASC\n  DESC\n}")
        used = sorted(
            {c.type.name for t in queried for c in model.types[t].columns.values()} & FILTERABLE
        )
        for scalar in used:
            fields = [f"  eq: {scalar}", f"  ne: {scalar}", f"  in: [{scalar}!]"]
            if scalar in ORDERED:
                fields += [f"  {op}: {scalar}" for op in ("gt", "gte", "lt", "lte")]
            fields.append("  isNull: Boolean")
            blocks.append(f"input {filter_name(scalar)} {{\n" + "\n".join(fields) + "\n}")
    for name in sorted(model.types):
        type_model = model.types[name]
        blocks.append(_object(type_model))
        if name in queried:
            blocks.append(_where(type_model))
            blocks.append(_order(type_model))
            blocks.append(
                f"type {name}Connection @shareable {{\n  edges: [{name}Edge!]!\n  pageInfo: PageInfo!\n}}"
            )
            blocks.append(f"type {name}Edge @shareable {{\n  cursor: String!\n  node: {name}!\n}}")
    if queried:
        blocks.append(PAGE_INFO)
    for kind, type_name in (("query", "Query"), ("mutation", "Mutation")):
        roots = [r for r in model.roots.values() if r.kind == kind]
        if roots:
            printed = "\n".join(_root(r, model, settings_default_limit) for r in roots)
            blocks.append(f"type {type_name} {{\n{printed}\n}}")
    return "\n\n".join(blocks) + "\n"


def _object(model: TypeModel) -> str:
    key = f' @key(fields: "{" ".join(model.key)}")' if model.key else ""
    lines = []
    for column in model.columns.values():
        lines.append(
            _description(column.description, "  ") + f"  {column.name}: {column.type.sdl()}"
        )
    for relation in model.relations.values():
        # Rows across databases may be missing (eventual consistency): a single is nullable.
        shown = GraphQLType(relation.target, nullable=not relation.many, many=relation.many)
        lines.append(f"  {relation.name}: {shown.sdl()}")
    return (
        _description(model.description) + f"type {model.name}{key} {{\n" + "\n".join(lines) + "\n}"
    )


def _where(model: TypeModel) -> str:
    fields = [
        f"  {c.name}: {filter_name(c.type.name)}"
        for c in model.columns.values()
        if c.type.name in FILTERABLE and not c.type.many
    ]
    return f"input {where_name(model)} {{\n" + "\n".join(fields) + "\n}"


def _order(model: TypeModel) -> str:
    names = [c.name for c in model.columns.values() if not c.type.many]
    enum = f"enum {model.name}Field {{\n" + "\n".join(f"  {n}" for n in names) + "\n}"
    return (
        enum
        + f"\n\ninput {order_name(model)} {{\n  field: {model.name}Field!\n"
        + "  direction: SortDirection = ASC\n}"
    )


def _root(root: RootField, model: Model, default_limit: int) -> str:
    arguments = [_argument(a) for a in root.arguments.values()]
    if list_query(root):
        target = model.types[root.returns.name]
        if "limit" not in root.arguments:
            arguments.append(f"limit: Int = {default_limit}")
        arguments += [
            f"where: {where_name(target)}",
            f"orderBy: [{order_name(target)}!]",
            "offset: Int",
        ]
    shown = f"({', '.join(arguments)})" if arguments else ""
    printed = _description(root.description, "  ") + f"  {root.name}{shown}: {root.returns.sdl()}"
    if list_query(root):
        target = model.types[root.returns.name]
        own = [_argument(a) for n, a in root.arguments.items() if n not in ("limit", "offset")]
        keyset = [
            *own,
            f"first: Int = {default_limit}",
            "after: String",
            f"where: {where_name(target)}",
            f"orderBy: [{order_name(target)}!]",
        ]
        printed += f"\n  {connection_name(root)}({', '.join(keyset)}): {target.name}Connection!"
    return printed
