"""``REFERENCED_INACCESSIBLE``, ``ONLY_INACCESSIBLE_CHILDREN``, ``REQUIRED_INACCESSIBLE``,
``IMPLEMENTED_BY_INACCESSIBLE``, ``DEFAULT_VALUE_USES_INACCESSIBLE``, ``DISALLOWED_INACCESSIBLE``,
``QUERY_ROOT_TYPE_INACCESSIBLE``: the API schema (the supergraph without ``@inaccessible``
elements) must still be a valid schema that clients can use. Apollo's
``validateInaccessibleElements`` of the inaccessible spec, one walk over the merged schema, so
one rule: its errors interleave by type."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from graphql import (
    DirectiveDefinitionNode,
    EnumValueNode,
    GraphQLError,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NonNullTypeNode,
    ObjectValueNode,
    StringValueNode,
    TypeNode,
    ValueNode,
    VariableNode,
    parse,
    parse_type,
    parse_value,
    print_ast,
)

from hansa.composition.output import OutArg, OutField, OutSchema, OutType
from hansa.composition.rules._common import directive_arg, directive_arg_text, parse_directives
from hansa.composition.rules.context import SupergraphContext

_BUILTIN_DIRECTIVES = frozenset({"include", "skip", "deprecated", "specifiedBy", "oneOf", "defer"})
# Directive definitions of the specs the supergraph links (join, link and the features).
_SPEC_DIRECTIVES = frozenset(
    {
        "link",
        "inaccessible",
        "tag",
        "authenticated",
        "requiresScopes",
        "policy",
        "cost",
        "listSize",
        "context",
    }
)
_SPEC_PREFIXES = ("join__", "link__", "context__", "cost__", "tag__", "inaccessible__")
_TYPE_SYSTEM_LOCATIONS = (
    "SCHEMA",
    "SCALAR",
    "OBJECT",
    "FIELD_DEFINITION",
    "ARGUMENT_DEFINITION",
    "INTERFACE",
    "UNION",
    "ENUM",
    "ENUM_VALUE",
    "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
)


def _is_inaccessible(directives: Iterable[str]) -> bool:
    return any(d == "@inaccessible" or d.startswith("@inaccessible(") for d in directives)


def _type(text: str) -> TypeNode | None:
    try:
        return parse_type(text, no_location=True)
    except GraphQLError:
        return None


def _base_name(text: str) -> str:
    node = _type(text)
    while isinstance(node, NonNullTypeNode | ListTypeNode):
        node = node.type
    return node.name.value if isinstance(node, NamedTypeNode) else text.strip("[]!")


def _is_required(type_text: str, default: str | None) -> bool:
    return type_text.endswith("!") and default is None


@dataclass
class _Directive:
    """A directive definition of the supergraph, as the inaccessible rules need it."""

    name: str
    args: list[OutArg]
    locations: list[str]


def _directive_definitions(schema: OutSchema) -> list[_Directive]:
    result: list[_Directive] = []
    for text in schema.directive_definitions:
        try:
            document = parse(text, no_location=True)
        except GraphQLError:
            continue
        for definition in document.definitions:
            if not isinstance(definition, DirectiveDefinitionNode):
                continue
            args = []
            for arg in definition.arguments or ():
                args.append(
                    OutArg(
                        arg.name.value,
                        print_ast(arg.type),
                        print_ast(arg.default_value) if arg.default_value is not None else None,
                        None,
                        [print_ast(d) for d in arg.directives or ()],
                    )
                )
            result.append(
                _Directive(definition.name.value, args, [loc.value for loc in definition.locations])
            )
    return result


def _feature_directive_names(schema: OutSchema) -> tuple[set[str], tuple[str, ...]]:
    """Directive names (and name prefixes) that belong to a linked spec."""
    names: set[str] = set(_SPEC_DIRECTIVES)
    prefixes: list[str] = list(_SPEC_PREFIXES)
    for link in parse_directives(schema.links):
        url = directive_arg_text(link, "url") or ""
        alias = directive_arg_text(link, "as")
        parts = [p for p in url.rstrip("/").split("/") if p]
        spec_name = alias or (parts[-2] if len(parts) >= 2 else "")
        if spec_name:
            names.add(spec_name)
            prefixes.append(spec_name + "__")
        imports = directive_arg(link, "import")
        for item in imports.values if isinstance(imports, ListValueNode) else ():
            if isinstance(item, StringValueNode):
                names.add(item.value.lstrip("@"))
            elif isinstance(item, ObjectValueNode):
                given = {
                    f.name.value: f.value.value
                    for f in item.fields
                    if isinstance(f.value, StringValueNode)
                }
                local = given.get("as", given.get("name"))
                if local:
                    names.add(local.lstrip("@"))
    return names, tuple(prefixes)


class _Inaccessible:
    def __init__(self, context: SupergraphContext) -> None:
        schema = context.schema
        self.schema = schema
        self.types = {t.name: t for t in schema.types}
        self.directives = _directive_definitions(schema)
        self.report = context.report

    # whether an element is hidden -----------------------------------------------------------

    def type_hidden(self, name: str) -> bool:
        t = self.types.get(name)
        return t is not None and _is_inaccessible(t.directives)

    def field_in_api(self, parent: OutType, f: OutField) -> bool:
        return not _is_inaccessible(f.directives) and not _is_inaccessible(parent.directives)

    def arg_in_api(self, parent: OutType, f: OutField, a: OutArg) -> bool:
        return not _is_inaccessible(a.directives) and self.field_in_api(parent, f)

    # the rules --------------------------------------------------------------------------------

    def run(self) -> None:
        referencers = self._default_value_referencers()
        query_root = self.schema.roots.get("query", "Query")
        for t in self.schema.types:
            if _is_inaccessible(t.directives):
                self._hidden_type(t, query_root)
            else:
                self._visible_type(t, referencers)
        self._directive_rules()

    def _hidden_type(self, t: OutType, query_root: str) -> None:
        for coordinate, in_api in self._type_referencers(t.name):
            if in_api:
                self.report(
                    "REFERENCED_INACCESSIBLE",
                    f'Type "{t.name}" is @inaccessible but is referenced by "{coordinate}", '
                    "which is in the API schema.",
                )
        if t.name == query_root:
            self.report(
                "QUERY_ROOT_TYPE_INACCESSIBLE",
                f'Type "{t.name}" is @inaccessible but is the root query type, which must be '
                "in the API schema.",
            )

    def _type_referencers(self, name: str) -> Iterator[tuple[str, bool]]:
        """Fields, arguments and input fields whose type is ``name``, with whether each is in
        the API schema."""
        for parent in self.schema.types:
            if parent.kind in ("object", "interface"):
                for f in parent.fields:
                    if _base_name(f.type) == name:
                        yield f"{parent.name}.{f.name}", self.field_in_api(parent, f)
                    for a in f.args:
                        if _base_name(a.type) == name:
                            yield (
                                f"{parent.name}.{f.name}({a.name}:)",
                                self.arg_in_api(parent, f, a),
                            )
            elif parent.kind == "input":
                for f in parent.fields:
                    if _base_name(f.type) == name:
                        yield (
                            f"{parent.name}.{f.name}",
                            self.field_in_api(parent, f),
                        )
        for directive in self.directives:
            for a in directive.args:
                if _base_name(a.type) == name:
                    yield f"@{directive.name}({a.name}:)", not _is_inaccessible(a.directives)

    def _visible_type(
        self, t: OutType, referencers: dict[tuple[str, str], list[tuple[str, bool]]]
    ) -> None:
        if t.kind in ("object", "interface", "input"):
            if t.fields and all(_is_inaccessible(f.directives) for f in t.fields):
                what = "input fields" if t.kind == "input" else "fields"
                self.report(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f'Type "{t.name}" is in the API schema but all of its {what} are @inaccessible.',
                )
        elif t.kind == "union":
            if t.members and all(self.type_hidden(m) for m in t.members):
                self.report(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f'Type "{t.name}" is in the API schema but all of its members are @inaccessible.',
                )
        elif (
            t.kind == "enum" and t.values and all(_is_inaccessible(v.directives) for v in t.values)
        ):
            self.report(
                "ONLY_INACCESSIBLE_CHILDREN",
                f'Type "{t.name}" is in the API schema but all of its values are @inaccessible.',
            )
        if t.kind in ("object", "interface"):
            self._composite_children(t)
        elif t.kind == "input":
            for f in t.fields:
                if not _is_inaccessible(f.directives):
                    continue
                coordinate = f"{t.name}.{f.name}"
                if _is_required(f.type, f.default):
                    self.report(
                        "REQUIRED_INACCESSIBLE",
                        f'Input field "{coordinate}" is @inaccessible but is a required input '
                        "field of its type.",
                    )
                for referencer, in_api in referencers.get(("input", coordinate), ()):
                    if in_api:
                        self.report(
                            "DEFAULT_VALUE_USES_INACCESSIBLE",
                            f'Input field "{coordinate}" is @inaccessible but is used in the '
                            f'default value of "{referencer}", which is in the API schema.',
                        )
        elif t.kind == "enum":
            for v in t.values:
                if not _is_inaccessible(v.directives):
                    continue
                coordinate = f"{t.name}.{v.name}"
                for referencer, in_api in referencers.get(("enum", coordinate), ()):
                    if in_api:
                        self.report(
                            "DEFAULT_VALUE_USES_INACCESSIBLE",
                            f'Enum value "{coordinate}" is @inaccessible but is used in the '
                            f'default value of "{referencer}", which is in the API schema.',
                        )

    def _composite_children(self, t: OutType) -> None:
        implemented = [
            self.types[i]
            for i in t.interfaces
            if i in self.types and self.types[i].kind == "interface"
        ]
        implementing = (
            [
                o
                for o in self.schema.types
                if o.kind in ("object", "interface") and t.name in o.interfaces
            ]
            if t.kind == "interface"
            else []
        )
        for f in t.fields:
            if _is_inaccessible(f.directives):
                for itf in implemented:
                    itf_field = _field(itf, f.name)
                    if itf_field is not None and self.field_in_api(itf, itf_field):
                        self.report(
                            "IMPLEMENTED_BY_INACCESSIBLE",
                            f'Field "{t.name}.{f.name}" is @inaccessible but implements the '
                            f'interface field "{itf.name}.{f.name}", which is in the API schema.',
                        )
                continue
            for a in f.args:
                if not _is_inaccessible(a.directives):
                    continue
                coordinate = f"{t.name}.{f.name}({a.name}:)"
                if _is_required(a.type, a.default):
                    self.report(
                        "REQUIRED_INACCESSIBLE",
                        f'Argument "{coordinate}" is @inaccessible but is a required argument '
                        "of its field.",
                    )
                for impl in implementing:
                    impl_field = _field(impl, f.name)
                    impl_arg = _arg_of(impl_field, a.name) if impl_field else None
                    if (
                        impl_field is not None
                        and impl_arg is not None
                        and self.arg_in_api(impl, impl_field, impl_arg)
                        and _is_required(impl_arg.type, impl_arg.default)
                    ):
                        self.report(
                            "REQUIRED_INACCESSIBLE",
                            f'Argument "{coordinate}" is @inaccessible but is implemented by the '
                            f'required argument "{impl.name}.{f.name}({a.name}:)", which is in '
                            "the API schema.",
                        )
                for itf in implemented:
                    itf_field = _field(itf, f.name)
                    itf_arg = _arg_of(itf_field, a.name) if itf_field else None
                    if (
                        itf_field is not None
                        and itf_arg is not None
                        and self.arg_in_api(itf, itf_field, itf_arg)
                    ):
                        self.report(
                            "IMPLEMENTED_BY_INACCESSIBLE",
                            f'Argument "{coordinate}" is @inaccessible but implements the '
                            f'interface argument "{itf.name}.{f.name}({a.name}:)", which is in '
                            "the API schema.",
                        )

    def _directive_rules(self) -> None:
        feature_names, feature_prefixes = _feature_directive_names(self.schema)
        for directive in self.directives:
            hidden = [a for a in directive.args if _is_inaccessible(a.directives)]
            coordinate = f"@{directive.name}"
            if directive.name in _BUILTIN_DIRECTIVES:
                if hidden:
                    self.report(
                        "DISALLOWED_INACCESSIBLE",
                        f'Built-in directive "{coordinate}" cannot use @inaccessible.',
                    )
                continue
            if directive.name in feature_names or directive.name.startswith(feature_prefixes):
                if hidden:
                    self.report(
                        "DISALLOWED_INACCESSIBLE",
                        f'Core feature directive "{coordinate}" cannot use @inaccessible.',
                    )
                continue
            type_system = [loc for loc in directive.locations if loc in _TYPE_SYSTEM_LOCATIONS]
            if type_system:
                if hidden:
                    self.report(
                        "DISALLOWED_INACCESSIBLE",
                        f'Directive "{coordinate}" cannot use @inaccessible because it may be '
                        f"applied to these type-system locations: {', '.join(type_system)}.",
                    )
                continue
            for a in hidden:
                if _is_required(a.type, a.default):
                    self.report(
                        "REQUIRED_INACCESSIBLE",
                        f'Argument "{coordinate}({a.name}:)" is @inaccessible but is a required '
                        "argument of its directive.",
                    )

    # default values ---------------------------------------------------------------------------

    def _default_value_referencers(self) -> dict[tuple[str, str], list[tuple[str, bool]]]:
        """``("enum", "Color.RED")`` / ``("input", "Filter.x")`` → the arguments and input
        fields whose default value uses it, with whether each is in the API schema."""
        result: dict[tuple[str, str], list[tuple[str, bool]]] = {}

        def add(default: str | None, type_text: str, coordinate: str, in_api: bool) -> None:
            if default is None:
                return
            type_node = _type(type_text)
            try:
                value = parse_value(default, no_location=True)
            except GraphQLError:
                return
            if type_node is None:
                return
            for reference in self._value_references(value, type_node):
                entries = result.setdefault(reference, [])
                if (coordinate, in_api) not in entries:
                    entries.append((coordinate, in_api))

        for t in self.schema.types:
            if t.kind in ("object", "interface"):
                for f in t.fields:
                    for a in f.args:
                        add(
                            a.default,
                            a.type,
                            f"{t.name}.{f.name}({a.name}:)",
                            self.arg_in_api(t, f, a),
                        )
            elif t.kind == "input":
                for f in t.fields:
                    add(f.default, f.type, f"{t.name}.{f.name}", self.field_in_api(t, f))
        for directive in self.directives:
            if directive.name in _BUILTIN_DIRECTIVES:
                continue
            for a in directive.args:
                add(
                    a.default,
                    a.type,
                    f"@{directive.name}({a.name}:)",
                    not _is_inaccessible(a.directives),
                )
        return result

    def _value_references(self, value: ValueNode, type_node: TypeNode) -> Iterator[tuple[str, str]]:
        if isinstance(value, VariableNode):
            return
        if isinstance(type_node, NonNullTypeNode):
            yield from self._value_references(value, type_node.type)
            return
        if isinstance(type_node, ListTypeNode):
            items = value.values if isinstance(value, ListValueNode) else (value,)
            for item in items:
                yield from self._value_references(item, type_node.type)
            return
        assert isinstance(type_node, NamedTypeNode)
        named = self.types.get(type_node.name.value)
        if named is None:
            return
        if named.kind == "enum" and isinstance(value, EnumValueNode):
            if any(v.name == value.value for v in named.values):
                yield ("enum", f"{named.name}.{value.value}")
        elif named.kind == "input" and isinstance(value, ObjectValueNode):
            given = {f.name.value: f.value for f in value.fields}
            for f in named.fields:
                if f.name in given:
                    yield ("input", f"{named.name}.{f.name}")
                    field_type = _type(f.type)
                    if field_type is not None:
                        yield from self._value_references(given[f.name], field_type)


def _field(t: OutType, name: str) -> OutField | None:
    return next((f for f in t.fields if f.name == name), None)


def _arg_of(f: OutField | None, name: str) -> OutArg | None:
    if f is None:
        return None
    return next((a for a in f.args if a.name == name), None)


def inaccessible_elements(context: SupergraphContext) -> None:
    _Inaccessible(context).run()
