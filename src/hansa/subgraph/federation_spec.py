"""The federation subgraph spec: which directives a subgraph SDL may use, under which names.

A Fed 2 subgraph declares its federation version with ``@link`` and imports the directives it
uses, possibly renamed (``{name: "@key", as: "@primaryKey"}``); directives it does not import are
still available under the link's namespace (``@federation__key``). A Fed 1 subgraph has no
``@link`` and uses the plain names. This module turns an SDL document into the set of directive
and scalar definitions that make it buildable, and tells which name means "@key".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graphql import (
    ArgumentNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    ValueNode,
)

FEDERATION_SPEC_PREFIX = "https://specs.apollo.dev/federation/"
LINK_SPEC_PREFIX = "https://specs.apollo.dev/link/"

# Fed 2 directive definitions, written with placeholders for the names of the federation scalars
# so they follow imports, each with the first minor version of federation/v2.x that has it (and
# the versions where its definition changed). As federation-internals' ``FederationSpecDefinition``
# (2.14.4): a subgraph gets exactly the directives of the version it links.
_TAG = (
    "directive @{name}(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE"
    " | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT"
    " | INPUT_FIELD_DEFINITION"
)
_AUTH_LOCATIONS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"
_FED2_VERSIONED: dict[str, list[tuple[int, str]]] = {
    "key": [
        (
            0,
            "directive @{name}(fields: {FieldSet}!, resolvable: Boolean = true) repeatable"
            " on OBJECT | INTERFACE",
        )
    ],
    "requires": [(0, "directive @{name}(fields: {FieldSet}!) on FIELD_DEFINITION")],
    "provides": [(0, "directive @{name}(fields: {FieldSet}!) on FIELD_DEFINITION")],
    "external": [(0, "directive @{name}(reason: String) on OBJECT | FIELD_DEFINITION")],
    "tag": [(0, _TAG), (3, _TAG + " | SCHEMA")],
    "extends": [(0, "directive @{name} on OBJECT | INTERFACE")],
    "shareable": [
        (0, "directive @{name} on OBJECT | FIELD_DEFINITION"),
        (2, "directive @{name} repeatable on OBJECT | FIELD_DEFINITION"),
    ],
    "inaccessible": [
        (
            0,
            "directive @{name} on FIELD_DEFINITION | OBJECT | INTERFACE | UNION"
            " | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT"
            " | INPUT_FIELD_DEFINITION",
        )
    ],
    "override": [
        (0, "directive @{name}(from: String!) on FIELD_DEFINITION"),
        (7, "directive @{name}(from: String!, label: String) on FIELD_DEFINITION"),
    ],
    "composeDirective": [(1, "directive @{name}(name: String) repeatable on SCHEMA")],
    "interfaceObject": [(3, "directive @{name} on OBJECT")],
    "authenticated": [(5, f"directive @{{name}} on {_AUTH_LOCATIONS}")],
    "requiresScopes": [
        (5, f"directive @{{name}}(scopes: [[{{Scope}}!]!]!) on {_AUTH_LOCATIONS}"),
    ],
    "policy": [(6, f"directive @{{name}}(policies: [[{{Policy}}!]!]!) on {_AUTH_LOCATIONS}")],
    "context": [(8, "directive @{name}(name: String!) repeatable on INTERFACE | OBJECT | UNION")],
    "fromContext": [
        (8, "directive @{name}(field: {ContextFieldValue}) on ARGUMENT_DEFINITION"),
    ],
    "cost": [
        (
            9,
            "directive @{name}(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION"
            " | INPUT_FIELD_DEFINITION | OBJECT | SCALAR",
        )
    ],
    "listSize": [
        (
            9,
            "directive @{name}(assumedSize: Int, slicingArguments: [String!],"
            " sizedFields: [String!], requireOneSlicingArgument: Boolean = true)"
            " on FIELD_DEFINITION",
        )
    ],
    "cacheTag": [
        (12, "directive @{name}(format: String!) repeatable on OBJECT | FIELD_DEFINITION"),
    ],
}
# Every directive name, for reading imports and renames whatever the version.
_FED2_DIRECTIVES = tuple(_FED2_VERSIONED)
# The federation scalars, with the first minor version that has each.
_FED2_SCALAR_SINCE = {"FieldSet": 0, "Scope": 5, "Policy": 6, "ContextFieldValue": 8}
# The newest federation/v2.x that federation-internals 2.14.4 knows; later ones are refused.
LATEST_FED2_MINOR = 14


def fed2_definition(directive: str, minor: int) -> str | None:
    """The definition template of a directive in federation/v2.<minor>; None if it has none."""
    found: str | None = None
    for since, template in _FED2_VERSIONED[directive]:
        if since <= minor:
            found = template
    return found


_FED2_SCALARS = tuple(_FED2_SCALAR_SINCE)

_FED1_DEFINITIONS = """
scalar _FieldSet
directive @key(fields: _FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @requires(fields: _FieldSet!) on FIELD_DEFINITION
directive @provides(fields: _FieldSet!) on FIELD_DEFINITION
directive @external(reason: String) on OBJECT | FIELD_DEFINITION
directive @extends on OBJECT | INTERFACE
directive @tag(name: String!) repeatable on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
"""

_LINK_DEFINITIONS = """
scalar {Import}
enum {Purpose} {{ SECURITY EXECUTION }}
directive @{link}(url: String, as: String, for: {Purpose}, import: [{Import}]) repeatable on SCHEMA
"""


class FederationSpecError(ValueError):
    """The SDL's ``@link`` usage cannot be understood (bad import list, unknown version)."""


@dataclass(frozen=True)
class LinkedSpec:
    """How one subgraph names the federation elements: original name → name in this SDL."""

    version: int  # 1 or 2
    directive_names: dict[str, str] = field(default_factory=dict)
    fed2_minor: int = 0
    imported: tuple[str, ...] = ()  # the directives named in ``import:`` (without ``@``)

    def name_of(self, directive: str) -> str:
        """The name this subgraph uses for a federation directive (``"key"`` → ``"key"``)."""
        return self.directive_names.get(directive, directive)


def _string(value: ValueNode) -> str:
    if not isinstance(value, StringValueNode):
        raise FederationSpecError("@link arguments must be strings")
    return value.value


def _arg(directive: DirectiveNode, name: str) -> ValueNode | None:
    args: tuple[ArgumentNode, ...] = tuple(directive.arguments or ())
    for arg in args:
        if arg.name.value == name:
            return arg.value
    return None


def _link_directives(document: DocumentNode) -> list[DirectiveNode]:
    found: list[DirectiveNode] = []
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode):
            found.extend(d for d in definition.directives or () if d.name.value == "link")
    return found


def _imports(link: DirectiveNode) -> dict[str, str]:
    """``import: ["@key", {name: "@shareable", as: "@share"}, "FieldSet"]`` → {orig: local}."""
    value = _arg(link, "import")
    if value is None:
        return {}
    if not isinstance(value, ListValueNode):
        raise FederationSpecError("@link(import:) must be a list")
    result: dict[str, str] = {}
    for item in value.values:
        if isinstance(item, StringValueNode):
            result[item.value] = item.value
        elif isinstance(item, ObjectValueNode):
            fields = {f.name.value: _string(f.value) for f in item.fields}
            if "name" not in fields:
                raise FederationSpecError("@link import objects need a 'name'")
            result[fields["name"]] = fields.get("as", fields["name"])
        else:
            raise FederationSpecError("@link(import:) items must be strings or {name, as}")
    return result


def detect_spec(document: DocumentNode) -> LinkedSpec:
    """Read the ``@link`` to the federation spec, if any, and resolve imported names."""
    for link in _link_directives(document):
        url_node = _arg(link, "url")
        if url_node is None:
            raise FederationSpecError("@link needs a url")
        url = _string(url_node)
        if not url.startswith(FEDERATION_SPEC_PREFIX):
            continue
        version = url[len(FEDERATION_SPEC_PREFIX) :].lstrip("v")
        try:
            major, minor = (int(part) for part in version.split(".")[:2])
        except ValueError as exc:
            raise FederationSpecError(f"cannot read the federation version in {url!r}") from exc
        if major != 2:
            raise FederationSpecError(f"unsupported federation version {version!r} in {url!r}")
        as_node = _arg(link, "as")
        prefix = _string(as_node) if as_node is not None else "federation"
        imports = _imports(link)
        names: dict[str, str] = {}
        for directive in _FED2_DIRECTIVES:
            local = imports.get(f"@{directive}")
            names[directive] = local[1:] if local else f"{prefix}__{directive}"
        for scalar in _FED2_SCALARS:
            names[scalar] = imports.get(scalar, f"{prefix}__{scalar}")
        imported = tuple(name[1:] for name in imports if name.startswith("@"))
        return LinkedSpec(version=2, directive_names=names, fed2_minor=minor, imported=imported)
    return LinkedSpec(version=1)


def _link_names(document: DocumentNode) -> dict[str, str]:
    """Names of the link spec's own elements: ``@link``, ``link__Import``, ``link__Purpose``."""
    for link in _link_directives(document):
        url_node = _arg(link, "url")
        if url_node is not None and _string(url_node).startswith(LINK_SPEC_PREFIX):
            as_node = _arg(link, "as")
            prefix = _string(as_node) if as_node is not None else "link"
            imports = _imports(link)
            return {
                "link": "link",
                "Import": imports.get("Import", f"{prefix}__Import"),
                "Purpose": imports.get("Purpose", f"{prefix}__Purpose"),
            }
    return {"link": "link", "Import": "link__Import", "Purpose": "link__Purpose"}


def missing_definitions(document: DocumentNode, spec: LinkedSpec) -> str:
    """SDL text defining every federation directive and scalar the document does not define."""
    defined = {
        d.name.value
        for d in document.definitions
        if isinstance(d, DirectiveDefinitionNode | TypeDefinitionNode)
    }
    parts: list[str] = []
    if spec.version == 1:
        fed1 = _FED1_DEFINITIONS.strip().splitlines()
        parts.extend(line for line in fed1 if _defined_name(line) not in defined)
        return "\n".join(parts)

    link = _link_names(document)
    if link["link"] not in defined:
        parts.append(_LINK_DEFINITIONS.format(**link).strip())
    scalars = {s: spec.name_of(s) for s in _FED2_SCALARS}
    for scalar, since in _FED2_SCALAR_SINCE.items():
        if since <= spec.fed2_minor and scalars[scalar] not in defined:
            parts.append(f"scalar {scalars[scalar]}")
    for directive in _FED2_DIRECTIVES:
        template = fed2_definition(directive, spec.fed2_minor)
        name = spec.name_of(directive)
        if template is not None and name not in defined:
            parts.append(template.replace("{name}", name).format(**scalars))
    return "\n".join(parts)


def check_supported(spec: LinkedSpec) -> None:
    """Refuse what ``@apollo/subgraph`` refuses: a federation/v2.x newer than it knows, and
    importing a directive the linked version does not have."""
    if spec.version != 2:
        return
    if spec.fed2_minor > LATEST_FED2_MINOR:
        raise FederationSpecError(
            f"Invalid version v2.{spec.fed2_minor} for the federation feature in @link"
            " directive on schema"
        )
    for directive in spec.imported:
        if directive in _FED2_VERSIONED and fed2_definition(directive, spec.fed2_minor) is None:
            raise FederationSpecError(f'Cannot import unknown element "@{directive}".')


def _defined_name(line: str) -> str:
    words = line.replace("(", " ").split()
    return words[1].lstrip("@")
