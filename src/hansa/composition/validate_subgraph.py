"""Checks on one subgraph before merging, with Apollo's error codes.

Covers the ``@link`` usage, federation directive and type definitions, the field sets of
``@key``/``@requires``/``@provides``, ``@external``, ``@override`` and ``@shareable`` placement,
root type naming, and that the schema itself is valid GraphQL.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import (
    DirectiveDefinitionNode,
    EnumTypeDefinitionNode,
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    InputObjectTypeDefinitionNode,
    InterfaceTypeDefinitionNode,
    ObjectTypeDefinitionNode,
    OperationType,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    UnionTypeDefinitionNode,
    parse,
    validate_schema,
)

from hansa.composition.errors import CompositionError, Location
from hansa.composition.subgraph_reader import Applied, FieldDef, SubgraphDef, TypeDef, named_type
from hansa.subgraph.schema import build_subgraph_schema

KNOWN_FEDERATION_MINOR = 11
LABEL = re.compile(r"^(percent\((\d{1,2}(\.\d{1,8})?|100)\)|[a-zA-Z][a-zA-Z0-9_\-:.]*)$")
VERSION = re.compile(r"^v(\d+)\.(\d+)$")
_DIRECTIVE_ARGS = {
    "key": {"fields", "resolvable"},
    "requires": {"fields"},
    "provides": {"fields"},
    "external": {"reason"},
    "extends": set(),
    "shareable": set(),
    "inaccessible": set(),
    "tag": {"name"},
    "override": {"from", "label"},
    "composeDirective": {"name"},
    "interfaceObject": set(),
}
_KIND_NAMES = {
    ScalarTypeDefinitionNode: "ScalarType",
    EnumTypeDefinitionNode: "EnumType",
    ObjectTypeDefinitionNode: "ObjectType",
    InterfaceTypeDefinitionNode: "InterfaceType",
    UnionTypeDefinitionNode: "UnionType",
    InputObjectTypeDefinitionNode: "InputObjectType",
}


class _Checker:
    def __init__(self, sg: SubgraphDef) -> None:
        self.sg = sg
        self.errors: list[CompositionError] = []

    def error(self, code: str, message: str, line: int = 0, column: int = 0) -> None:
        locations = (Location(self.sg.name, line, column),) if line else ()
        self.errors.append(CompositionError(code, f"[{self.sg.name}] {message}", locations))

    # -- links and definitions ----------------------------------------------------------------

    def links(self) -> bool:
        """False when a link problem makes further checks meaningless."""
        ok = True
        linked: set[str] = set()
        linked_versions: dict[str, str] = {}
        for link in self.sg.links:
            url = link.string("url") or ""
            base, _, version = url.rstrip("/").rpartition("/")
            if not VERSION.match(version):
                self.error(
                    "INVALID_LINK_IDENTIFIER",
                    f"Expected a version string (of the form v1.2), got {version}",
                )
                ok = False
                continue
            feature = base.rsplit("/", 1)[-1]
            if base in linked:
                self.error(
                    "INVALID_LINK_DIRECTIVE_USAGE",
                    f'Cannot link feature "{base}" since it has already been linked in the schema.',
                )
                ok = False
            linked.add(base)
            linked_versions[base] = version
            match = VERSION.match(version)
            assert match is not None
            major, minor = int(match.group(1)), int(match.group(2))
            if feature == "federation" and (major != 2 or minor > KNOWN_FEDERATION_MINOR):
                self.error(
                    "UNKNOWN_FEDERATION_LINK_VERSION",
                    f"Invalid version {version} for the federation feature in @link directive on schema",
                )
                ok = False
            if (
                base.endswith("specs.apollo.dev/link")
                and (major, minor) != (1, 0)
                and len(self.sg.links) == 1
            ):
                self.error(
                    "UNKNOWN_LINK_VERSION",
                    f"Schema uses unknown version {version} of the link spec",
                )
                ok = False
            imports = link.args.get("import")
            for item in getattr(imports, "values", None) or ():
                fields = {
                    f.name.value: getattr(f.value, "value", None)
                    for f in getattr(item, "fields", None) or ()
                }
                name, alias = fields.get("name"), fields.get("as")
                if (
                    isinstance(name, str)
                    and isinstance(alias, str)
                    and name.startswith("@") != alias.startswith("@")
                ):
                    expected = (
                        "start with a '@' character"
                        if name.startswith("@")
                        else "not start with a '@' character"
                    )
                    self.error(
                        "INVALID_LINK_DIRECTIVE_USAGE",
                        f'Invalid @link import renaming: directive "{name}" imported name should {expected}, but got "{alias}".',
                    )
                    ok = False
        if linked_versions.get("https://specs.apollo.dev/link", "v1.0") != "v1.0" and any(
            b.startswith("https://specs.apollo.dev/federation") for b in linked
        ):
            # A federation link brings the link spec v1.0 along (@apollo/subgraph prints it
            # explicitly, which is fine); another version of it is a second link of the spec.
            self.error(
                "INVALID_LINK_DIRECTIVE_USAGE",
                'Cannot link feature "https://specs.apollo.dev/link" since it has already been linked in the schema.',
            )
            ok = False
        return ok

    def definitions(self) -> None:
        """Redefinitions of federation directives and types must match the spec."""
        document = parse(self.sg.sdl)
        fed_local = {
            d.name.value: d for d in document.definitions if isinstance(d, DirectiveDefinitionNode)
        }
        for local, node in fed_local.items():
            canonical = _canonical(self.sg, local)
            if canonical not in _DIRECTIVE_ARGS:
                continue
            for arg in node.arguments or ():
                if arg.name.value not in _DIRECTIVE_ARGS[canonical]:
                    self.error(
                        "DIRECTIVE_DEFINITION_INVALID",
                        f'Invalid definition for directive "@{local}": unknown/unsupported argument "{arg.name.value}"',
                    )
        for definition in document.definitions:
            name = getattr(getattr(definition, "name", None), "value", None)
            if name in ("FieldSet", "_FieldSet", "federation__FieldSet") and not isinstance(
                definition, ScalarTypeDefinitionNode
            ):
                kind = _KIND_NAMES.get(type(definition), "type")
                self.error(
                    "TYPE_DEFINITION_INVALID",
                    f"Invalid definition for type {name}: {name} should be a ScalarType but is defined as a {kind}",
                )

    def builds(self) -> None:
        """The subgraph is a valid GraphQL schema (an object implementing an interface has its
        fields with compatible types, ...), as Apollo checks before composing."""
        try:
            built = build_subgraph_schema(self.sg.sdl)
        except GraphQLError as error:
            self.error("INVALID_GRAPHQL", error.message)
            return
        except (TypeError, ValueError) as error:
            self.error("INVALID_GRAPHQL", str(error))
            return
        for invalid in validate_schema(built.schema):
            self.error("INVALID_GRAPHQL", invalid.message)

    def roots(self) -> None:
        document = parse(self.sg.sdl)
        declared: dict[str, str] = {}
        for definition in document.definitions:
            if (
                isinstance(definition, SchemaDefinitionNode)
                or definition.kind == "schema_extension"
            ):
                for op in getattr(definition, "operation_types", None) or ():
                    declared[op.operation.value] = op.type.name.value
        for op, default in (
            (OperationType.QUERY.value, "Query"),
            (OperationType.MUTATION.value, "Mutation"),
            (OperationType.SUBSCRIPTION.value, "Subscription"),
        ):
            root = declared.get(op)
            if root is not None and root != default and _defines(document, default):
                code = f"ROOT_{op.upper()}_USED"
                self.error(
                    code,
                    f'The schema has a type named "{default}" but it is not set as the {op} root type ("{root}" is instead): this is not supported by federation. If a root type does not use its default name, there should be no other type with that default name.',
                )

    # -- field sets -----------------------------------------------------------------------------

    def fieldsets(self) -> None:
        for type_def in self.sg.types.values():
            for key in type_def.keys:
                self._fieldset("KEY", key, type_def.name, type_def, None)
            if (
                type_def.kind == "interface"
                and type_def.keys
                and self.sg.version == 2
                and self.sg.fed2_minor < 3
            ):
                self.error(
                    "KEY_UNSUPPORTED_ON_INTERFACE",
                    f'Cannot use @key on interface "{type_def.name}": @key is not yet supported on interfaces',
                    type_def.line,
                    type_def.column,
                )
            for f in type_def.fields.values():
                requires = f.directive("requires")
                provides = f.directive("provides")
                coordinate = f"{type_def.name}.{f.name}"
                if type_def.kind == "interface":
                    for applied, code in ((requires, "REQUIRES"), (provides, "PROVIDES")):
                        if applied is not None:
                            self.error(
                                f"{code}_UNSUPPORTED_ON_INTERFACE",
                                f'Cannot use @{applied.name} on field "{coordinate}" of parent type "{type_def.name}": @{applied.name} is not yet supported within interfaces',
                                f.line,
                                f.column,
                            )
                    continue
                if requires is not None:
                    self._fieldset("REQUIRES", requires, type_def.name, type_def, f)
                if provides is not None:
                    target = named_type(f.type)
                    target_def = self.sg.types.get(target)
                    if target_def is None or target_def.kind not in (
                        "object",
                        "interface",
                        "union",
                    ):
                        if self.sg.version == 1:
                            continue  # Fed 1 ignored such @provides
                        self.error(
                            "PROVIDES_ON_NON_OBJECT_FIELD",
                            f'Invalid @provides directive on field "{coordinate}": field has type "{_type(f)}" which is not a Composite Type',
                            f.line,
                            f.column,
                        )
                        continue
                    self._fieldset("PROVIDES", provides, target, target_def, f)

    def _fieldset(
        self, code: str, applied: Applied, type_name: str, type_def: TypeDef, on: FieldDef | None
    ) -> None:
        where = (
            f'on type "{type_name}"' if on is None else f'on field "{self._owner(on)}.{on.name}"'
        )
        label = f"@{applied.name}"
        node = applied.args.get("fields")
        if not isinstance(node, StringValueNode):
            self.error(
                f"{code}_INVALID_FIELDS_TYPE",
                f'On {where[3:]}, for {label}(fields: ...): Invalid value for argument "fields": must be a string.',
            )
            return
        fields = node.value
        try:
            selection = parse("{" + fields + "}").definitions[0].selection_set  # type: ignore[attr-defined]
        except GraphQLError as error:
            self.error(
                f"{code}_INVALID_FIELDS",
                f'On {where[3:]}, for {label}(fields: "{fields}"): {error.message}',
            )
            return
        for problem in self._walk(
            code, selection, type_name, fields, label, where, inherited=False
        ):
            self.error(*problem)

    def _owner(self, f: FieldDef) -> str:
        for t in self.sg.types.values():
            if t.fields.get(f.name) is f:
                return t.name
        return "?"

    def _walk(
        self,
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
        type_def = self.sg.types.get(type_name)
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
                yield from self._walk(
                    code, item.selection_set, condition, fields, label, where, inherited
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
            target_def = self.sg.types.get(target)
            if (
                code == "KEY"
                and target_def is not None
                and target_def.kind in ("interface", "union")
            ):
                yield (
                    f"{code}_FIELDS_SELECT_INVALID_TYPE",
                    prefix
                    + f'field "{type_name}.{name}" is a {"Interface" if target_def.kind == "interface" else "Union"} type which is not allowed in @key',
                )
                continue
            external = (
                inherited
                or f.has("external")
                or (type_def is not None and type_def.has("external"))
            )
            if (
                code in ("REQUIRES", "PROVIDES")
                and self.sg.version == 2
                and not external
                and item.selection_set is None
            ):
                yield (
                    f"{code}_FIELDS_MISSING_EXTERNAL",
                    prefix
                    + f'field "{type_name}.{name}" should not be part of a {label} since it is'
                    " already provided by this subgraph (it is not marked @external)",
                )
                continue
            if item.selection_set is not None:
                yield from self._walk(
                    code, item.selection_set, target, fields, label, where, external
                )

    # -- directive placement ---------------------------------------------------------------------

    def placement(self) -> None:
        used = self._used_externals()
        for type_def in self.sg.types.values():
            for f in type_def.fields.values():
                coordinate = f"{type_def.name}.{f.name}"
                external = f.has("external")
                if type_def.kind == "interface":
                    if external:
                        self.error(
                            "EXTERNAL_ON_INTERFACE",
                            f'Interface type field "{coordinate}" is marked @external but @external is not allowed on interface fields.',
                            f.line,
                            f.column,
                        )
                    if f.has("shareable"):
                        self.error(
                            "INVALID_SHAREABLE_USAGE",
                            f'Invalid use of @shareable on field "{coordinate}": only object type fields can be marked with @shareable',
                            f.line,
                            f.column,
                        )
                    if f.has("override"):
                        self.error(
                            "OVERRIDE_ON_INTERFACE",
                            f'@override cannot be used on field "{coordinate}" on subgraph "{self.sg.name}": @override is not supported on interface type fields.',
                            f.line,
                            f.column,
                        )
                if external and f.has("provides"):
                    self.error(
                        "EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE",
                        f'Cannot have both @provides and @external on field "{coordinate}"',
                        f.line,
                        f.column,
                    )
                if external:
                    for d in f.directives:
                        if d.name == "deprecated":
                            reason = d.string("reason")
                            shown = (
                                f'@deprecated(reason: "{reason}")'
                                if reason is not None
                                else "@deprecated"
                            )
                            self.error(
                                "MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
                                f'Cannot apply merged directive {shown} to external field "{coordinate}"',
                                f.line,
                                f.column,
                            )
                override = f.directive("override")
                if override is not None:
                    label = override.string("label")
                    if label is not None and not LABEL.match(label):
                        self.error(
                            "OVERRIDE_LABEL_INVALID",
                            f'Invalid @override label "{label}" on field "{coordinate}" on subgraph "{self.sg.name}": labels must start with a letter and after that may contain alphanumerics, underscores, minuses, colons, periods, or they may be of the form "percent(x)" where x is a float between 0-100 inclusive.',
                            f.line,
                            f.column,
                        )
                if (
                    external
                    and self.sg.version == 2
                    and type_def.kind == "object"
                    and (type_def.name, f.name) not in used
                    and not f.has("provides")
                    and not self._satisfies_interface(type_def, f.name)
                ):
                    self.error(
                        "EXTERNAL_UNUSED",
                        f'Field "{coordinate}" is marked @external but is not used in any federation directive (@key, @provides, @requires) or to satisfy an interface; the field declaration has no use and should be removed (or the field should not be @external).',
                        f.line,
                        f.column,
                    )

    def _satisfies_interface(self, type_def: TypeDef, field: str) -> bool:
        return any(
            field in self.sg.types[i].fields for i in type_def.interfaces if i in self.sg.types
        )

    def _used_externals(self) -> set[tuple[str, str]]:
        """(type, field) pairs named by some @key, @requires or @provides of this subgraph."""
        used = self._provided()
        for type_def in self.sg.types.values():
            for key in type_def.keys:
                self._mark_text(type_def.name, key.string("fields"), used)
            for f in type_def.fields.values():
                requires = f.directive("requires")
                if requires is not None:
                    self._mark_text(type_def.name, requires.string("fields"), used)
        return used

    def _provided(self) -> set[tuple[str, str]]:
        """(type, field) pairs named by some @provides of this subgraph."""
        found: set[tuple[str, str]] = set()
        for type_def in self.sg.types.values():
            for f in type_def.fields.values():
                provides = f.directive("provides")
                if provides is not None:
                    self._mark_text(named_type(f.type), provides.string("fields"), found)
        return found

    def _mark_text(self, type_name: str, fields: str | None, into: set[tuple[str, str]]) -> None:
        if not fields:
            return
        try:
            selection = parse("{" + fields + "}").definitions[0].selection_set  # type: ignore[attr-defined]
        except GraphQLError:
            return
        self._mark(selection, type_name, into)

    def _mark(
        self, selection: SelectionSetNode, type_name: str, used: set[tuple[str, str]]
    ) -> None:
        type_def = self.sg.types.get(type_name)
        for item in selection.selections:
            if isinstance(item, InlineFragmentNode):
                condition = item.type_condition.name.value if item.type_condition else type_name
                self._mark(item.selection_set, condition, used)
                continue
            if not isinstance(item, FieldNode):
                continue
            used.add((type_name, item.name.value))
            if type_def is not None and item.name.value in type_def.fields:
                # An interface's implementations in this subgraph use the field too.
                for other in self.sg.types.values():
                    if type_name in other.interfaces:
                        used.add((other.name, item.name.value))
                if item.selection_set is not None:
                    self._mark(
                        item.selection_set, named_type(type_def.fields[item.name.value].type), used
                    )


def _type(f: FieldDef) -> str:
    from graphql import print_ast

    return print_ast(f.type)


def _canonical(sg: SubgraphDef, local: str) -> str:
    if sg.version == 1:
        return local
    from hansa.subgraph.federation_spec import detect_spec

    spec = detect_spec(parse(sg.sdl))
    for original, name in spec.directive_names.items():
        if name == local:
            return original
    return local


def _defines(document: object, name: str) -> bool:
    return any(
        getattr(getattr(d, "name", None), "value", None) == name
        and not isinstance(d, DirectiveDefinitionNode)
        for d in getattr(document, "definitions", ())
    )


def provided_fields(sg: SubgraphDef) -> set[tuple[str, str]]:
    """(type, field) pairs some ``@provides`` of this subgraph names."""
    return _Checker(sg)._provided()


def drop_unused_fed1_externals(sg: SubgraphDef) -> None:
    """A Federation 1 subgraph's ``@external`` fields that no ``@key``, ``@requires`` or
    ``@provides`` uses (nor an interface needs) are left out, as Apollo's Fed 1 schema upgrade
    does; in Federation 2 they are ``EXTERNAL_UNUSED``."""
    if sg.version != 1:
        return
    checker = _Checker(sg)
    used = checker._used_externals()
    for type_def in sg.types.values():
        if type_def.kind != "object":
            continue
        unused = [
            name
            for name, f in type_def.fields.items()
            if (f.has("external") or type_def.has("external"))
            and (type_def.name, name) not in used
            and not f.has("provides")
            and not checker._satisfies_interface(type_def, name)
        ]
        if len(unused) < len(type_def.fields):
            for name in unused:
                del type_def.fields[name]


def validate_subgraph(sg: SubgraphDef) -> list[CompositionError]:
    checker = _Checker(sg)
    if sg.name == "_" or not sg.name:
        checker.error(
            "INVALID_SUBGRAPH_NAME", f"Invalid name {sg.name} for a subgraph: this name is reserved"
        )
        return checker.errors
    if not checker.links():
        return checker.errors
    checker.definitions()
    if checker.errors:
        return checker.errors
    # Apollo builds the schema first: an unknown type is INVALID_GRAPHQL before any
    # federation rule looks at field sets
    checker.builds()
    if checker.errors:
        return checker.errors
    checker.roots()
    checker.fieldsets()
    checker.placement()
    return checker.errors
