"""Read one subgraph SDL into the composition's model, with federation names made canonical.

Whatever a subgraph calls ``@key`` (``@key``, ``@primaryKey`` via an import rename, or
``@fed__key`` via an ``as:`` prefix), the model calls it ``key``. Federation plumbing (``_Any``,
``_Entity``, ``_Service``, ``Query._entities``, link and federation scalars and directive
definitions) is dropped; root types are renamed to ``Query``/``Mutation``/``Subscription``;
definitions and extensions of one type are folded together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    GraphQLError,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    ValueNode,
    parse,
    print_ast,
)

from hansa.composition.errors import CompositionError, Location
from hansa.subgraph.federation_spec import FederationSpecError, detect_spec

FEDERATION_DIRECTIVES = frozenset(
    {
        "key",
        "requires",
        "provides",
        "external",
        "extends",
        "shareable",
        "inaccessible",
        "tag",
        "override",
        "composeDirective",
        "interfaceObject",
        "authenticated",
        "requiresScopes",
        "policy",
        "cost",
        "listSize",
        "context",
        "fromContext",
    }
)
FEDERATION_TYPES = frozenset({"_Any", "_Entity", "_Service", "FieldSet", "_FieldSet"})
ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}

TYPE_KINDS: dict[type, str] = {  # AST definition or extension node -> kind
    ObjectTypeDefinitionNode: "object",
    ObjectTypeExtensionNode: "object",
    InterfaceTypeDefinitionNode: "interface",
    InterfaceTypeExtensionNode: "interface",
    UnionTypeDefinitionNode: "union",
    UnionTypeExtensionNode: "union",
    EnumTypeDefinitionNode: "enum",
    EnumTypeExtensionNode: "enum",
    InputObjectTypeDefinitionNode: "input",
    InputObjectTypeExtensionNode: "input",
    ScalarTypeDefinitionNode: "scalar",
    ScalarTypeExtensionNode: "scalar",
}
_EXTENSIONS = (
    ObjectTypeExtensionNode,
    InterfaceTypeExtensionNode,
    UnionTypeExtensionNode,
    EnumTypeExtensionNode,
    InputObjectTypeExtensionNode,
    ScalarTypeExtensionNode,
)


@dataclass
class Applied:
    """A directive application; ``name`` is canonical for federation directives."""

    name: str
    args: dict[str, ValueNode]
    node: DirectiveNode

    def string(self, arg: str) -> str | None:
        value = self.args.get(arg)
        return value.value if isinstance(value, StringValueNode) else None

    def value(self, arg: str) -> Any:
        node = self.args.get(arg)
        return None if node is None else getattr(node, "value", node)


@dataclass
class ArgDef:
    name: str
    type: TypeNode
    default: ValueNode | None
    description: str | None
    directives: list[Applied] = field(default_factory=list)


@dataclass
class FieldDef:
    name: str
    type: TypeNode
    args: dict[str, ArgDef]
    description: str | None
    directives: list[Applied]
    line: int = 0
    column: int = 0
    default: ValueNode | None = None  # input fields only

    def directive(self, name: str) -> Applied | None:
        return next((d for d in self.directives if d.name == name), None)

    def has(self, name: str) -> bool:
        return any(d.name == name for d in self.directives)


@dataclass
class EnumValueDef:
    name: str
    description: str | None
    directives: list[Applied]


@dataclass
class TypeDef:
    kind: str
    name: str
    description: str | None = None
    directives: list[Applied] = field(default_factory=list)
    fields: dict[str, FieldDef] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValueDef] = field(default_factory=dict)
    has_definition: bool = False
    line: int = 0
    column: int = 0

    def directive(self, name: str) -> Applied | None:
        return next((d for d in self.directives if d.name == name), None)

    def all(self, name: str) -> list[Applied]:
        return [d for d in self.directives if d.name == name]

    def has(self, name: str) -> bool:
        return any(d.name == name for d in self.directives)

    @property
    def keys(self) -> list[Applied]:
        return self.all("key")

    @property
    def extension(self) -> bool:
        """Declared as an extension: ``@extends``, or only ``extend type`` in a Fed 2 subgraph."""
        return self.has("extends")


@dataclass
class SubgraphDef:
    name: str
    url: str
    sdl: str
    version: int  # 1 or 2
    fed2_minor: int
    types: dict[str, TypeDef]
    directive_definitions: dict[str, DirectiveDefinitionNode]
    compose_directives: list[str]  # custom directive names (without @) to keep in the supergraph
    links: list[Applied]  # every @link of the schema, for custom specs
    schema_directives: list[Applied] = field(default_factory=list)  # e.g. @tag on the schema
    only_extended: set[str] = field(default_factory=set)  # types declared only via ``extend``


def _type_name(node: TypeNode) -> str:
    while isinstance(node, NonNullTypeNode | ListTypeNode):
        node = node.type
    assert isinstance(node, NamedTypeNode)
    return node.name.value


def rename_type(node: TypeNode, mapping: dict[str, str]) -> TypeNode:
    if isinstance(node, NonNullTypeNode):
        return NonNullTypeNode(type=rename_type(node.type, mapping))  # type: ignore[arg-type]
    if isinstance(node, ListTypeNode):
        return ListTypeNode(type=rename_type(node.type, mapping))
    assert isinstance(node, NamedTypeNode)
    name = node.name.value
    return NamedTypeNode(name=NameNode(value=mapping.get(name, name))) if name in mapping else node


def named_type(node: TypeNode) -> str:
    return _type_name(node)


class _Reader:
    def __init__(self, name: str, url: str, sdl: str) -> None:
        self.name = name
        self.url = url
        self.sdl = sdl
        self.errors: list[CompositionError] = []

    def error(self, code: str, message: str, node: Any = None) -> None:
        locations: tuple[Location, ...] = ()
        loc = getattr(node, "loc", None)
        if loc is not None and loc.start_token is not None:
            locations = (Location(self.name, loc.start_token.line, loc.start_token.column),)
        self.errors.append(CompositionError(code, f"[{self.name}] {message}", locations))

    def read(self) -> SubgraphDef | None:
        try:
            document = parse(self.sdl)
        except GraphQLError as error:
            self.error("INVALID_GRAPHQL", error.message, None)
            return None
        try:
            spec = detect_spec(document)
        except FederationSpecError as error:
            self.error("UNKNOWN_FEDERATION_LINK_VERSION", str(error), None)
            return None
        canonical: dict[str, str] = {}
        if spec.version == 2:
            for original, local in spec.directive_names.items():
                if original in FEDERATION_DIRECTIVES:
                    canonical[local] = original
        else:
            canonical = {d: d for d in FEDERATION_DIRECTIVES}
        self.canonical = canonical
        plumbing = set(FEDERATION_TYPES)
        if spec.version == 2:
            plumbing.update(
                local for original, local in spec.directive_names.items() if original[0].isupper()
            )
        roots = self._roots(document)
        definitions: dict[str, DirectiveDefinitionNode] = {}
        types: dict[str, TypeDef] = {}
        only_extended: set[str] = set()
        links: list[Applied] = []
        schema_directives: list[Applied] = []
        compose: list[str] = []
        for definition in document.definitions:
            if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
                for directive in definition.directives or ():
                    applied = self._applied(directive)
                    if applied.name == "link":
                        links.append(applied)
                    elif applied.name == "tag":
                        schema_directives.append(applied)
                    elif applied.name == "composeDirective":
                        value = applied.string("name")
                        if value:
                            compose.append(value.lstrip("@"))
                continue
            if isinstance(definition, DirectiveDefinitionNode):
                name = definition.name.value
                if (
                    name not in canonical
                    and name not in ("link",)
                    and not name.startswith(("federation__", "link__"))
                ):
                    definitions[name] = definition
                continue
            kind = TYPE_KINDS.get(type(definition))
            if kind is None:
                continue
            type_name = definition.name.value  # type: ignore[attr-defined]
            if (
                type_name in plumbing
                or type_name.startswith(("link__", "federation__"))
                or (spec.version == 2 and type_name in ("link__Import", "link__Purpose"))
            ):
                continue
            type_name = roots.get(type_name, type_name)
            existing = types.get(type_name)
            if existing is None:
                existing = types[type_name] = TypeDef(kind, type_name)
                loc = getattr(definition, "loc", None)
                if loc is not None:
                    existing.line, existing.column = loc.start_token.line, loc.start_token.column
            elif existing.kind != kind:
                self.error(
                    "INVALID_GRAPHQL",
                    f'Type "{type_name}" is defined as both {existing.kind} and {kind}.',
                    definition,
                )
                continue
            is_extension = isinstance(definition, _EXTENSIONS)
            if not is_extension:
                existing.has_definition = True
            self._fold(existing, definition, roots)
        for type_name, type_def in types.items():
            if not type_def.has_definition:
                only_extended.add(type_name)
        for type_def in types.values():
            if type_def.name == "Query":
                type_def.fields.pop("_service", None)
                type_def.fields.pop("_entities", None)
        # Every subgraph has a query root (federation adds _service/_entities to it).
        types.setdefault("Query", TypeDef("object", "Query", has_definition=True))
        return SubgraphDef(
            name=self.name,
            url=self.url,
            sdl=self.sdl,
            version=spec.version,
            fed2_minor=spec.fed2_minor,
            types=types,
            directive_definitions=definitions,
            compose_directives=compose,
            links=links,
            schema_directives=schema_directives,
            only_extended=only_extended,
        )

    def _roots(self, document: DocumentNode) -> dict[str, str]:
        roots: dict[str, str] = {}
        for definition in document.definitions:
            if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
                for operation in definition.operation_types or ():
                    canonical = ROOT_NAMES[operation.operation.value]
                    if operation.type.name.value != canonical:
                        roots[operation.type.name.value] = canonical
        return roots

    def _applied(self, node: DirectiveNode) -> Applied:
        local = node.name.value
        name = self.canonical.get(local, local)
        args: dict[str, ValueNode] = {a.name.value: a.value for a in node.arguments or ()}
        return Applied(name, args, node)

    def _directives(self, nodes: Any) -> list[Applied]:
        return [self._applied(d) for d in nodes or ()]

    def _fold(self, target: TypeDef, definition: Any, roots: dict[str, str]) -> None:
        if getattr(definition, "description", None) is not None and target.description is None:
            target.description = definition.description.value
        target.directives.extend(self._directives(definition.directives))
        for interface in getattr(definition, "interfaces", None) or ():
            if interface.name.value not in target.interfaces:
                target.interfaces.append(interface.name.value)
        for member in getattr(definition, "types", None) or ():
            name = roots.get(member.name.value, member.name.value)
            if name not in target.members:
                target.members.append(name)
        for value in getattr(definition, "values", None) or ():
            target.values[value.name.value] = EnumValueDef(
                value.name.value,
                value.description.value if value.description else None,
                self._directives(value.directives),
            )
        for node in getattr(definition, "fields", None) or ():
            field_name = node.name.value
            if field_name in target.fields:
                self.error(
                    "INVALID_GRAPHQL",
                    f'Field "{target.name}.{field_name}" can only be defined once.',
                    node,
                )
                continue
            args: dict[str, ArgDef] = {}
            for arg in getattr(node, "arguments", None) or ():
                args[arg.name.value] = ArgDef(
                    arg.name.value,
                    rename_type(arg.type, roots),
                    arg.default_value,
                    arg.description.value if arg.description else None,
                    self._directives(arg.directives),
                )
            loc = node.loc
            target.fields[field_name] = FieldDef(
                field_name,
                rename_type(node.type, roots),
                args,
                node.description.value if node.description else None,
                self._directives(node.directives),
                loc.start_token.line if loc else 0,
                loc.start_token.column if loc else 0,
            )
            target.fields[field_name].default = getattr(node, "default_value", None)


def read_subgraph(
    name: str, url: str, sdl: str
) -> tuple[SubgraphDef | None, list[CompositionError]]:
    reader = _Reader(name, url, sdl)
    result = reader.read()
    return (result if not reader.errors else None), reader.errors


def print_value(node: ValueNode | None) -> str | None:
    return None if node is None else print_ast(node)
