"""Merge subgraphs into the supergraph: types, fields, arguments, enums, inputs, join metadata.

Rules follow Apollo Federation 2: output field types merge covariantly (the supergraph type is
the most general), argument and input field types invariantly-up-to-nullability (the most
restrictive), enums by usage (union for output-only, intersection for input-only, equality when
both), input objects by intersection, unions and implementations by union. Every element gets
the ``@join__*`` applications that let a gateway route it. Fed 1 subgraphs are read with Fed 1
semantics (every field shareable, ``@external`` on key fields ignored).
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    NonNullTypeNode,
    StringValueNode,
    print_ast,
)

from hansa.composition.errors import CompositionError, Hint, Location
from hansa.composition.features import FEATURES, ORDER
from hansa.composition.output import OutArg, OutEnumValue, OutField, OutSchema, OutType
from hansa.composition.rules._field_sets import provided_fields
from hansa.composition.subgraph_reader import (
    Applied,
    ArgDef,
    FieldDef,
    SubgraphDef,
    TypeDef,
    named_type,
)
from hansa.composition.type_merge import (
    input_merge,
    named_compatible,
    output_merge,
    type_text,
)
from hansa.supergraph.reader import parse_field_set

BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
_SECURITY = ("authenticated", "requiresScopes", "policy")
_EXECUTABLE = frozenset(
    {
        "QUERY",
        "MUTATION",
        "SUBSCRIPTION",
        "FIELD",
        "FRAGMENT_DEFINITION",
        "FRAGMENT_SPREAD",
        "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION",
    }
)


def graph_enum_name(name: str) -> str:
    value = re.sub(r"[^A-Z0-9_]", "_", name.upper())
    return f"_{value}" if value[:1].isdigit() else value


@dataclass
class _Source:
    subgraph: SubgraphDef
    type: TypeDef


@dataclass
class Merger:
    subgraphs: list[SubgraphDef]
    errors: list[CompositionError] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)
    features: set[str] = field(default_factory=set)
    _nested_keys: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    _provides: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    labels: bool = False
    contexts: bool = False
    stopped: bool = False  # an error before merging: nothing else is checked
    post_merge_errors: list[CompositionError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.subgraphs = sorted(self.subgraphs, key=lambda s: s.name)
        self.enum = {s.name: graph_enum_name(s.name) for s in self.subgraphs}
        self.by_type: dict[str, list[_Source]] = {}
        for sg in self.subgraphs:
            for name, type_def in sg.types.items():
                self.by_type.setdefault(name, []).append(_Source(sg, type_def))
        self.kinds: dict[str, str] = {}
        self.mismatched: set[str] = set()
        self.input_usage: set[str] = set()
        self.output_usage: set[str] = set()

    # -- entry point -------------------------------------------------------------------------

    def merge(self) -> OutSchema:
        self.check_extensions()
        if self.errors:
            # Apollo reports extensions without a base per subgraph, before merging anything
            self.stopped = True
            return self._schema({}, [])
        self._check_overrides()
        self._check_composed_directives()
        self._check_unused_external_types()
        self._check_kinds()
        self._usage()
        out_types: list[OutType] = []
        for name, sources in self.by_type.items():
            kind = self.kinds[name]
            if name in self.mismatched:
                continue
            if kind in ("object", "interface"):
                out_types.append(self._composite(name, kind, sources))
            elif kind == "union":
                out_types.append(self._union(name, sources))
            elif kind == "enum":
                out_types.append(self._enum(name, sources))
            elif kind == "input":
                out_types.append(self._input(name, sources))
            elif kind == "scalar":
                if name in BUILTIN_SCALARS:
                    continue
                out_types.append(self._scalar(name, sources))
        self._interface_object_fields(out_types)
        if "Query" not in self.by_type or not any(
            f for s in self.by_type["Query"] for f in s.type.fields
        ):
            self.errors.append(
                CompositionError(
                    "NO_QUERIES",
                    "No queries found in any subgraph: a supergraph must have a query root type.",
                )
            )
        roots = {
            op: name
            for op, name in (
                ("query", "Query"),
                ("mutation", "Mutation"),
                ("subscription", "Subscription"),
            )
            if name in self.by_type
        }
        if not self.errors:
            self.errors.extend(self.post_merge_errors)
        return self._schema(roots, out_types)

    def _schema(self, roots: dict[str, str], out_types: list[OutType]) -> OutSchema:
        minor = max((sg.fed2_minor for sg in self.subgraphs if sg.version == 2), default=0)
        if self.contexts or minor >= 8:
            version = "0.5"
        elif self.labels or minor == 7:
            version = "0.4"
        else:
            version = "0.3"
        links: list[str] = []
        definitions: list[str] = []
        extra_types: list[str] = []
        for feature in ORDER:
            if feature in self.features:
                links.append(FEATURES[feature].link)
                definitions.extend(FEATURES[feature].definitions)
                extra_types.extend(FEATURES[feature].types)
        custom_links, custom_definitions = self._custom_directives()
        links.extend(custom_links)
        definitions.extend(custom_definitions)
        schema_directives = self._schema_tags()
        if schema_directives and "tag" not in self.features:
            self.features.add("tag")
            links.append(FEATURES["tag"].link)
            definitions.extend(FEATURES["tag"].definitions)
        return OutSchema(
            graphs=[(self.enum[s.name], s.name, s.url) for s in self.subgraphs],
            roots=roots,
            types=out_types,
            join_version=version,
            links=links,
            schema_directives=schema_directives,
            directive_definitions=definitions,
            extra_types=extra_types,
        )

    def _schema_tags(self) -> list[str]:
        tags: list[str] = []
        for sg in self.subgraphs:
            for d in sg.schema_directives:
                if d.name == "tag" and d.string("name") is not None:
                    text = f"@tag(name: {_quote(d.string('name') or '')})"
                    if text not in tags:
                        tags.append(text)
        return tags

    def _custom_directives(self) -> tuple[list[str], list[str]]:
        """Composed custom directives (with their spec's @link) and executable directives
        defined in every subgraph (locations and arguments they all share)."""
        links: list[str] = []
        definitions: list[str] = []
        composed = {name for sg in self.subgraphs for name in sg.compose_directives}
        names: list[str] = []
        for sg in self.subgraphs:
            names.extend(n for n in sg.directive_definitions if n not in names)
        for name in names:
            defined = [
                sg.directive_definitions[name]
                for sg in self.subgraphs
                if name in sg.directive_definitions
            ]
            if name in composed:
                definitions.append(print_ast(defined[0]))
                for sg in self.subgraphs:
                    for link in sg.links:
                        imports = link.args.get("import")
                        if imports is not None and f'"@{name}"' in print_ast(imports):
                            text = print_ast(link.node)
                            if text not in links:
                                links.append(text)
                continue
            if len(defined) != len(self.subgraphs):
                if any(loc.value in _EXECUTABLE for d in defined for loc in d.locations):
                    self._hint(
                        "INCONSISTENT_EXECUTABLE_DIRECTIVE_PRESENCE",
                        f'Executable directive "@{name}" will not be part of the supergraph as it'
                        " does not appear in all subgraphs.",
                        f"@{name}",
                    )
                continue
            if len({tuple(sorted(loc.value for loc in d.locations)) for d in defined}) > 1:
                self._hint(
                    "INCONSISTENT_EXECUTABLE_DIRECTIVE_LOCATIONS",
                    f'Executable directive "@{name}" has inconsistent locations across subgraphs;'
                    " the supergraph keeps the locations they all have.",
                    f"@{name}",
                )
            locations = [loc.value for loc in defined[0].locations]
            common = [
                loc
                for loc in locations
                if loc in _EXECUTABLE
                and all(any(x.value == loc for x in d.locations) for d in defined)
            ]
            if not common:
                continue
            args = [
                a
                for a in defined[0].arguments or ()
                if all(
                    any(
                        b.name.value == a.name.value and print_ast(b.type) == print_ast(a.type)
                        for b in d.arguments or ()
                    )
                    for d in defined
                )
            ]
            if any(len(d.arguments or ()) != len(args) for d in defined):
                self._hint(
                    "INCONSISTENT_ARGUMENT_PRESENCE",
                    f'Some arguments of executable directive "@{name}" do not appear in all'
                    " subgraphs and will not be part of the supergraph.",
                    f"@{name}",
                )
            text = f"directive @{name}"
            if args:
                text += "(" + ", ".join(print_ast(a) for a in args) + ")"
            if any(d.repeatable for d in defined) and all(d.repeatable for d in defined):
                text += " repeatable"
            definitions.append(text + " on " + " | ".join(common))
        return links, definitions

    # -- checks across subgraphs ---------------------------------------------------------------

    def _check_kinds(self) -> None:
        for name, sources in self.by_type.items():
            kinds = {"interface" if s.type.has("interfaceObject") else s.type.kind for s in sources}
            if len(kinds) > 1:
                described = ", ".join(f'{s.type.kind} in "{s.subgraph.name}"' for s in sources)
                self.errors.append(
                    CompositionError(
                        "TYPE_KIND_MISMATCH",
                        f'Type "{name}" has mismatched kind: it is defined as {described}',
                    )
                )
            self.kinds[name] = sorted(kinds)[0] if len(kinds) == 1 else sources[0].type.kind
            if len(kinds) > 1:
                self.mismatched.add(name)

    def check_extensions(self) -> None:
        """A type only ever extended (``extend type`` / ``@extends``) has no base anywhere."""
        for name, sources in self.by_type.items():
            if name in ("Query", "Mutation", "Subscription"):
                continue
            if all(
                s.type.name in s.subgraph.only_extended or s.type.has("extends") for s in sources
            ):
                for s in sources:
                    self.errors.append(
                        CompositionError(
                            "EXTENSION_WITH_NO_BASE",
                            f'[{s.subgraph.name}] Type "{name}" is an extension type, but there is'
                            f' no type definition for "{name}" in any subgraph.',
                        )
                    )
                    break

    def _check_overrides(self) -> None:
        for name, sources in self.by_type.items():
            by_subgraph = {s.subgraph.name: s for s in sources}
            for source in sources:
                for f in source.type.fields.values():
                    d = f.directive("override")
                    origin = d.string("from") if d is not None else None
                    if (
                        origin is None
                        or origin not in by_subgraph
                        or origin == source.subgraph.name
                    ):
                        continue
                    other = by_subgraph[origin].type.fields.get(f.name)
                    if other is None:
                        continue
                    coordinate = f"{name}.{f.name}"
                    if other.has("override"):
                        self.errors.append(
                            CompositionError(
                                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                                f'Field "{coordinate}" on subgraph "{source.subgraph.name}" is also'
                                f' marked with directive @override in subgraph "{origin}". Only one'
                                " @override directive is allowed per field.",
                            )
                        )
                        continue
                    # An @external field in the source is fine: the source still uses it (for
                    # its own @requires), so it is kept there as usedOverridden/external.
                    for directive in ("requires", "provides"):
                        if other.has(directive):
                            self.errors.append(
                                CompositionError(
                                    "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                                    f'@override cannot be used on field "{coordinate}" on subgraph'
                                    f' "{source.subgraph.name}" since "{coordinate}" on "{origin}"'
                                    f' is marked with directive "@{directive}"',
                                )
                            )
                            break

    def _check_composed_directives(self) -> None:
        for sg in self.subgraphs:
            linked = {
                name.strip('"@')
                for link in sg.links
                for name in (
                    print_ast(link.args["import"]).strip("[]").split(", ")
                    if "import" in link.args
                    else ()
                )
            }
            for name in sg.compose_directives:
                if name not in linked:
                    self.errors.append(
                        CompositionError(
                            "DIRECTIVE_COMPOSITION_ERROR",
                            f'Directive "@{name}" in subgraph "{sg.name}" cannot be composed because'
                            " it is not a member of a core feature",
                        )
                    )

    def _check_unused_external_types(self) -> None:
        """Fed 1: a type whose fields are all @external and none used cannot be upgraded."""
        for sg in self.subgraphs:
            if sg.version != 1:
                continue
            used: set[str] = set()
            for t in sg.types.values():
                for f in t.fields.values():
                    for name in ("requires", "provides"):
                        d = f.directive(name)
                        if d is not None and d.string("fields"):
                            used.update(re.findall(r"[_A-Za-z]\w*", d.string("fields") or ""))
            for t in sg.types.values():
                if t.kind != "object" or t.keys or not t.fields:
                    continue
                if all(f.has("external") for f in t.fields.values()) and not (set(t.fields) & used):
                    self.errors.append(
                        CompositionError(
                            "TYPE_WITH_ONLY_UNUSED_EXTERNAL",
                            f"[{sg.name}] Type {t.name} contains only external fields and all those"
                            " fields are all unused (they do not appear in any @key, @provides or"
                            " @requires).",
                        )
                    )

    def _usage(self) -> None:
        """Which types are used in input positions and which in output positions."""
        for sources in self.by_type.values():
            for source in sources:
                for f in source.type.fields.values():
                    if source.type.kind == "input":
                        self.input_usage.add(named_type(f.type))
                    else:
                        self.output_usage.add(named_type(f.type))
                    for arg in f.args.values():
                        self.input_usage.add(named_type(arg.type))

    # -- helpers ------------------------------------------------------------------------------

    def _hint(self, code: str, message: str, coordinate: str | None = None) -> None:
        self.hints.append(Hint(code, message, coordinate))

    def _is_subtype(self, sub: str, sup: str) -> bool:
        for source in self.by_type.get(sub, ()):
            if sup in source.type.interfaces:
                return True
        return any(sub in source.type.members for source in self.by_type.get(sup, ()))

    def _description(self, values: list[str | None], coordinate: str) -> str | None:
        present = [v for v in values if v is not None and v.strip()]
        if not present:
            return None
        counts = Counter(present)
        best = max(counts.values())
        chosen = next(v for v in present if counts[v] == best)
        if len(counts) > 1:
            self.hints.append(
                Hint(
                    "INCONSISTENT_DESCRIPTION",
                    f'Element "{coordinate}" has inconsistent descriptions across subgraphs.',
                    coordinate,
                )
            )
        return chosen

    def _common_directives(self, lists: list[list[Applied]]) -> list[str]:
        """@inaccessible, @tag, @deprecated, security and cost directives, merged."""
        result: list[str] = []
        flat = [d for directives in lists for d in directives]
        if any(d.name == "inaccessible" for d in flat):
            self.features.add("inaccessible")
            result.append("@inaccessible")
        tags: list[str] = []
        for d in flat:
            if d.name == "tag":
                name = d.string("name")
                if name is not None and name not in tags:
                    tags.append(name)
        if tags:
            self.features.add("tag")
            result.extend(f'@tag(name: "{t}")' for t in tags)
        deprecations = [d for d in flat if d.name == "deprecated"]
        if deprecations:
            result.append(print_ast(deprecations[0].node))
            if len({d.string("reason") for d in deprecations}) > 1:
                self._hint(
                    "INCONSISTENT_NON_REPEATABLE_DIRECTIVE_ARGUMENTS",
                    "Non-repeatable directive @deprecated is applied with different arguments"
                    " across subgraphs; the first one is kept.",
                )
        for name in _SECURITY:
            found = [d for d in flat if d.name == name]
            if not found:
                continue
            self.features.add(name)
            if name == "authenticated":
                result.append("@authenticated")
                continue
            arg = "scopes" if name == "requiresScopes" else "policies"
            combined: list[list[str]] = [[]]
            for d in found:
                alternatives = _string_lists(d.args.get(arg))
                combined = [
                    sorted(set(have) | set(more)) for have in combined for more in alternatives
                ] or combined
            unique = list(dict.fromkeys(tuple(c) for c in combined))
            if len({print_ast(d.args[arg]) for d in found if arg in d.args}) > 1:
                self._hint(
                    "MERGED_NON_REPEATABLE_DIRECTIVE_ARGUMENTS",
                    f"Directive @{name} is applied with different arguments across subgraphs;"
                    " the supergraph combines them.",
                )
            rendered = ", ".join("[" + ", ".join(_quote(v) for v in c) + "]" for c in unique)
            result.append(f"@{name}({arg}: [{rendered}])")
        for name in ("cost", "listSize"):
            found = [d for d in flat if d.name == name]
            if found:
                self.features.add("cost")
                result.append(_reprint(found[0], name))
        for d in flat:
            if d.name == "specifiedBy":
                result.append(print_ast(d.node))
                break
        return result

    def _join_type(self, source: _Source) -> list[str]:
        graph = self.enum[source.subgraph.name]
        type_def = source.type
        flags = ""
        if self._is_extension(source):
            flags += ", extension: true"
        if type_def.has("interfaceObject"):
            flags += ", isInterfaceObject: true"
        keys = type_def.keys if type_def.kind in ("object", "interface") else []
        if source.subgraph.version == 1 and type_def.kind == "interface":
            keys = []  # Fed 1 ignored @key on interfaces
        if not keys:
            return [f"@join__type(graph: {graph}{flags})"]
        result = []
        for key in keys:
            fields = key.string("fields") or ""
            # Apollo copies an explicit argument, `resolvable: true` included (graphql-java
            # prints it on every key)
            resolvable = key.value("resolvable")
            extra = "" if resolvable is None else f", resolvable: {str(resolvable).lower()}"
            result.append(f"@join__type(graph: {graph}, key: {_quote(fields)}{flags}{extra})")
        return result

    def _is_extension(self, source: _Source) -> bool:
        if source.type.has("extends"):
            return True
        return (
            source.subgraph.version == 2
            and source.type.kind in ("object", "interface")  # Apollo flags no other kind
            and source.type.name in source.subgraph.only_extended
            and source.type.name not in ("Query", "Mutation", "Subscription")
        )

    # -- object and interface types ------------------------------------------------------------

    def _key_fields(self, source: _Source) -> set[str]:
        names: set[str] = set()
        for key in source.type.keys:
            fields = key.string("fields")
            if fields:
                try:
                    selection = parse_field_set(fields)
                except ValueError:
                    continue
                names.update(s.name.value for s in selection.selections if hasattr(s, "name"))
        return names

    def _used_fields(self, source: _Source) -> set[str]:
        """Fields of the type named in its keys, in @requires of its own fields, or declared by
        an interface it implements in this subgraph (needed there to implement it)."""
        names = self._key_fields(source)
        for interface in source.type.interfaces:
            declared = source.subgraph.types.get(interface)
            if declared is not None:
                names.update(declared.fields)
        for f in source.type.fields.values():
            for directive in ("requires",):
                d = f.directive(directive)
                fields = d.string("fields") if d else None
                if fields:
                    with contextlib.suppress(ValueError):
                        names.update(
                            s.name.value
                            for s in parse_field_set(fields).selections
                            if hasattr(s, "name")
                        )
        return names

    def _is_external(self, source: _Source, f: FieldDef) -> bool:
        external = f.has("external") or source.type.has("external")
        # Key fields of extensions (Fed 1, or ``@extends``/``extend type`` in Fed 2) are marked
        # @external by convention; they are not (Apollo's "fake externals").
        return external and not (
            (source.subgraph.version == 1 or self._is_extension(source))
            and f.name in self._key_fields(source)
        )

    def _shareable(self, source: _Source, f: FieldDef) -> bool:
        return (
            source.subgraph.version == 1
            or f.has("shareable")
            or source.type.has("shareable")
            or f.name in self._key_fields(source)
            or (source.type.name, f.name) in self._nested_key_fields(source.subgraph)
        )

    def _provided(self, subgraph: SubgraphDef) -> set[tuple[str, str]]:
        if subgraph.name not in self._provides:
            self._provides[subgraph.name] = provided_fields(subgraph)
        return self._provides[subgraph.name]

    def _nested_key_fields(self, subgraph: SubgraphDef) -> set[tuple[str, str]]:
        """(type, field) selected below the top level of a key in this subgraph (``Owner.id``
        in ``@key(fields: "owner { id }")``): key fields, so shareable as Apollo treats them."""
        cached = self._nested_keys.get(subgraph.name)
        if cached is not None:
            return cached
        found: set[tuple[str, str]] = set()

        def walk(type_name: str, selection: Any) -> None:
            owner = subgraph.types.get(type_name)
            for item in selection.selections:
                name = getattr(item, "name", None)
                inner = getattr(item, "selection_set", None)
                if owner is None or name is None or inner is None:
                    continue
                f = owner.fields.get(name.value)
                if f is None:
                    continue
                child = named_type(f.type)
                for sub in inner.selections:
                    if getattr(sub, "name", None) is not None:
                        found.add((child, sub.name.value))
                walk(child, inner)

        for type_def in subgraph.types.values():
            for key in type_def.keys:
                fields = key.string("fields")
                if fields:
                    with contextlib.suppress(ValueError):
                        walk(type_def.name, parse_field_set(fields))
        self._nested_keys[subgraph.name] = found
        return found

    def _composite(self, name: str, kind: str, sources: list[_Source]) -> OutType:
        out = OutType(kind, name)
        out.description = self._description([s.type.description for s in sources], name)
        for source in sources:
            out.directives.extend(self._join_type(source))
        interfaces: list[str] = []
        for source in sources:
            for interface in source.type.interfaces:
                out.directives.append(
                    f'@join__implements(graph: {self.enum[source.subgraph.name]}, interface: "{interface}")'
                )
                if interface not in interfaces:
                    interfaces.append(interface)
        out.interfaces = interfaces
        out.directives.extend(self._common_directives([s.type.directives for s in sources]))
        out.directives.extend(self._composed(s.type.directives for s in sources))
        for source in sources:
            for d in source.type.all("context"):
                self.features.add("context")
                out.directives.append(
                    f"@context(name: {_quote(source.subgraph.name + '__' + (d.string('name') or ''))})"
                )

        field_sources: dict[str, list[tuple[_Source, FieldDef]]] = {}
        for source in sources:
            for f in source.type.fields.values():
                field_sources.setdefault(f.name, []).append((source, f))
        type_subgraphs = [s.subgraph.name for s in sources]
        for field_name, defs in field_sources.items():
            merged = self._composite_field(name, kind, field_name, defs, type_subgraphs)
            if merged is not None:
                out.fields.append(merged)
        value_type = kind == "object" and not any(s.type.keys for s in sources)
        if value_type and name not in ("Query", "Mutation", "Subscription"):
            for field_name, defs in field_sources.items():
                having = [s.subgraph.name for s, _ in defs]
                if len(having) == len(sources):
                    continue
                lacking = [n for n in type_subgraphs if n not in having]
                self._hint(
                    "INCONSISTENT_OBJECT_VALUE_TYPE_FIELD",
                    f'Field "{name}.{field_name}" of non-entity object type "{name}" is defined in'
                    f' some but not all subgraphs that define "{name}": "{name}.{field_name}" is'
                    f" defined in {_subgraphs(having)} but not in {_subgraphs(lacking)}.",
                    name,
                )
        return out

    def _composite_field(
        self,
        type_name: str,
        kind: str,
        field_name: str,
        defs: list[tuple[_Source, FieldDef]],
        type_subgraphs: list[str],
    ) -> OutField | None:
        coordinate = f"{type_name}.{field_name}"
        externals = [(s, f) for s, f in defs if self._is_external(s, f)]
        resolving = [(s, f) for s, f in defs if not self._is_external(s, f)]
        typed = resolving or defs
        merged_type = output_merge([f.type for _, f in typed], self._is_subtype)
        if merged_type is None:
            described = ", ".join(
                f'type "{type_text(f.type)}" in "{s.subgraph.name}"' for s, f in defs
            )
            code = "FIELD_TYPE_MISMATCH"
            self.errors.append(
                CompositionError(
                    code,
                    f'Type of field "{coordinate}" is incompatible across subgraphs: it has {described}',
                )
            )
            # merged on with one of the types, as Apollo does, so that the checks after the
            # merge (interface implementations, ...) see the field and stay quiet about it
            merged_type = typed[0][1].type
        merged_text = type_text(merged_type)
        if resolving:
            self._check_externals(coordinate, resolving, externals)
        if externals and not resolving and kind == "object":
            self.errors.append(
                CompositionError(
                    "EXTERNAL_MISSING_ON_BASE",
                    f'Field "{coordinate}" is marked @external on all the subgraphs in which it is listed ({", ".join(repr(s.subgraph.name) for s, _ in externals)}).'.replace(
                        "'", '"'
                    ),
                )
            )
        # Overrides: who takes the field from whom.
        overridden: dict[str, Applied] = {}
        for source, f in resolving:
            d = f.directive("override")
            if d is None:
                continue
            origin = d.string("from")
            if origin is None:
                continue
            if origin == source.subgraph.name:
                self.errors.append(
                    CompositionError(
                        "OVERRIDE_FROM_SELF_ERROR",
                        f'Source and destination subgraphs "{origin}" are the same for overridden field "{coordinate}"',
                    )
                )
                continue
            if d.string("label") is not None:
                self.labels = True
            if not any(s.subgraph.name == origin for s, _ in defs) and all(
                sg.name != origin for sg in self.subgraphs
            ):
                self.hints.append(
                    Hint(
                        "FROM_SUBGRAPH_DOES_NOT_EXIST",
                        f'Source subgraph "{origin}" for field "{coordinate}" on subgraph "{source.subgraph.name}" does not exist.',
                        coordinate,
                    )
                )
                continue  # nothing is overridden: no join metadata either
            overridden[origin] = d
            origin_source, source_def = next(
                ((s2, f2) for s2, f2 in defs if s2.subgraph.name == origin), (source, None)
            )
            if source_def is None or self._is_external(origin_source, source_def):
                why = (
                    "no longer exists in the from subgraph"
                    if source_def is None
                    else "is not resolved anymore by the from subgraph (it is marked"
                    f' "@external" in "{origin}")'
                )
                self._hint(
                    "OVERRIDE_DIRECTIVE_CAN_BE_REMOVED",
                    f'Field "{coordinate}" on subgraph "{source.subgraph.name}" {why}. The @override directive'
                    " can be removed.",
                    coordinate,
                )
            else:
                if d.string("label") is not None:
                    self._hint(
                        "OVERRIDE_MIGRATION_IN_PROGRESS",
                        f'Field "{coordinate}" is currently being migrated with progressive'
                        f" @override. Once the migration is complete, remove the field from"
                        f' subgraph "{origin}".',
                        coordinate,
                    )
                else:
                    self._hint(
                        "OVERRIDDEN_FIELD_CAN_BE_REMOVED",
                        f'Field "{coordinate}" on subgraph "{origin}" is overridden. Consider'
                        " removing it.",
                        coordinate,
                    )
        if kind == "object" and type_name not in ("Subscription",):
            # an @external field a @provides of its subgraph names is resolved there too
            provided = [
                (s, f)
                for s, f in defs
                if self._is_external(s, f)
                and s.subgraph.version == 2
                and (type_name, f.name) in self._provided(s.subgraph)
            ]
            sharers = sorted(
                [(s, f) for s, f in resolving + provided if s.subgraph.name not in overridden],
                key=lambda pair: pair[0].subgraph.name,
            )
            if len(sharers) > 1 and not all(
                self._shareable(s, f) or (s, f) in provided for s, f in sharers
            ):
                unshared = [
                    s.subgraph.name
                    for s, f in sharers
                    if not self._shareable(s, f) and (s, f) not in provided
                ]
                all_names = [s.subgraph.name for s, _ in sharers]
                self.errors.append(
                    CompositionError(
                        "INVALID_FIELD_SHARING",
                        f'Non-shareable field "{coordinate}" is resolved from multiple subgraphs: it is resolved from subgraphs {_names(all_names)} and defined as non-shareable in '
                        + ("subgraph" if len(unshared) == 1 else "subgraphs")
                        + f" {_names(unshared)}",
                        tuple(Location(s.subgraph.name, f.line, f.column) for s, f in sharers),
                    )
                )
        if len(resolving) > 1 and kind == "object":  # Apollo checks object fields only
            self._check_runtime_types(coordinate, merged_text, resolving)
        if len({type_text(f.type) for _, f in resolving}) > 1:
            self._hint(
                "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE",
                f'Type of field "{coordinate}" is inconsistent but compatible across subgraphs:'
                f' will use type "{merged_text}" in the supergraph.',
                coordinate,
            )
        joins: list[str] = []
        needs_join = [s.subgraph.name for s, _ in defs] != type_subgraphs
        types_differ = any(type_text(f.type) != merged_text for _, f in defs)
        for source, f in defs:
            graph = self.enum[source.subgraph.name]
            name = source.subgraph.name
            args: list[str] = []
            is_external = self._is_external(source, f)
            if name in overridden and not is_external:
                label = overridden[name].string("label")
                needs_join = True
                used = field_name in self._used_fields(source)
                if label is not None:
                    used_text = "usedOverridden: true, " if used else ""
                    joins.append(
                        f"@join__field(graph: {graph}, {used_text}overrideLabel: {_quote(label)})"
                    )
                elif used:
                    joins.append(f"@join__field(graph: {graph}, usedOverridden: true)")
                continue
            requires = f.directive("requires")
            provides = f.directive("provides")
            override = f.directive("override")
            if requires is not None and requires.string("fields"):
                args.append(f"requires: {_quote(requires.string('fields') or '')}")
            if (
                provides is not None
                and provides.string("fields")
                and self.kinds.get(named_type(f.type)) in ("object", "interface", "union")
            ):
                args.append(f"provides: {_quote(provides.string('fields') or '')}")
            if types_differ:
                args.append(f"type: {_quote(type_text(f.type))}")
            if is_external:
                args.append("external: true")
            contextual = [
                (arg_name, arg)
                for arg_name, arg in f.args.items()
                if any(d.name == "fromContext" for d in arg.directives)
            ]
            if contextual:
                self.contexts = True
                self.features.add("context")
                entries = []
                for arg_name, arg in contextual:
                    value = (
                        next(d for d in arg.directives if d.name == "fromContext").string("field")
                        or ""
                    )
                    context, _, selection = value.lstrip("$").partition(" ")
                    entries.append(
                        f"{{context: {_quote(name + '__' + context)}, name: {_quote(arg_name)},"
                        f" type: {_quote(type_text(arg.type))}, selection: {_quote(' ' + selection.strip())}}}"
                    )
                args.append("contextArguments: [" + ", ".join(entries) + "]")
            # An override from a subgraph that does not define the field (or does not exist)
            # moves nothing: it is printed where join metadata is needed anyway, but is no
            # reason for it (as Apollo does).
            needed = bool(args)
            origin = override.string("from") if override is not None else None
            if override is not None and origin and origin != name:
                args.append(f"override: {_quote(origin)}")
                label = override.string("label")
                moves = any(s.subgraph.name == origin for s, _ in defs)
                if label is not None and moves:  # Apollo drops it where nothing is moved
                    args.append(f"overrideLabel: {_quote(label)}")
                needed = needed or moves
            if needed:
                needs_join = True
            joins.append(f"@join__field(graph: {graph}{''.join(', ' + a for a in args)})")
        out = OutField(field_name, merged_text)
        out.description = self._description([f.description for _, f in defs], coordinate)
        out.args = self._field_args(coordinate, [f for _, f in (resolving or defs)])
        out.directives = self._common_directives([f.directives for _, f in defs])
        if needs_join:
            out.directives.extend(joins)
        out.directives.extend(self._composed(f.directives for _, f in defs))
        return out

    def _runtime_types(self, subgraph: SubgraphDef, abstract: str) -> set[str]:
        type_def = subgraph.types.get(abstract)
        if type_def is None:
            return set()
        if type_def.kind == "union":
            return set(type_def.members)
        return {t.name for t in subgraph.types.values() if abstract in t.interfaces}

    def _check_runtime_types(
        self, coordinate: str, merged_text: str, resolving: list[tuple[_Source, FieldDef]]
    ) -> None:
        """A shared field of abstract type must be able to return the same kinds of objects
        from every subgraph serving it."""
        abstract = named_type(resolving[0][1].type)
        if self.kinds.get(abstract) not in ("interface", "union"):
            return
        sets = [(s.subgraph.name, self._runtime_types(s.subgraph, abstract)) for s, _ in resolving]
        if all(not t for _, t in sets):
            return
        if set.intersection(*(types for _, types in sets)):
            if len({frozenset(t) for _, t in sets}) > 1:
                self._hint(
                    "INCONSISTENT_RUNTIME_TYPES_FOR_SHAREABLE_RETURN",
                    f'For the following supergraph API query, field "{coordinate}" may return'
                    " different runtime types in different subgraphs.",
                    coordinate,
                )
            return
        lines = "\n".join(
            f' - in subgraph "{name}", type{"s" if len(types) > 1 else ""} '
            + ", ".join(f'"{t}"' for t in sorted(types))
            + ";"
            for name, types in sets
        )
        self.post_merge_errors.append(  # Apollo checks this once the merge has no error
            CompositionError(
                "SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES",
                f'Shared field "{coordinate}" return type "{merged_text}" has a non-intersecting set'
                f" of possible runtime types across subgraphs. Runtime types in subgraphs are:\n{lines}\n"
                "This is not allowed as shared fields must resolve the same way in all subgraphs.",
            )
        )

    def _check_externals(
        self,
        coordinate: str,
        resolving: list[tuple[_Source, FieldDef]],
        externals: list[tuple[_Source, FieldDef]],
    ) -> None:
        """An @external declaration must agree with the field it stands for."""
        base_source, base = resolving[0]
        for source, f in externals:
            if output_merge([base.type, f.type], self._is_subtype) is None or (
                named_type(base.type) != named_type(f.type)
            ):
                self.errors.append(
                    CompositionError(
                        "EXTERNAL_TYPE_MISMATCH",
                        f'Type of field "{coordinate}" is incompatible across subgraphs (where'
                        f' marked @external): it has type "{type_text(base.type)}" in subgraph'
                        f' "{base_source.subgraph.name}" but type "{type_text(f.type)}" in'
                        f' subgraph "{source.subgraph.name}"',
                    )
                )
                continue
            for arg_name, arg in base.args.items():
                theirs = f.args.get(arg_name)
                argument = f"{coordinate}({arg_name}:)"
                if theirs is None:
                    self.errors.append(
                        CompositionError(
                            "EXTERNAL_ARGUMENT_MISSING",
                            f'Field "{coordinate}" is missing argument "{argument}" in some'
                            f' subgraphs where it is marked @external: argument "{argument}" is'
                            f' declared in subgraph "{base_source.subgraph.name}" but not in'
                            f' subgraph "{source.subgraph.name}" (where "{coordinate}" is @external).',
                        )
                    )
                elif type_text(theirs.type) != type_text(arg.type):
                    self.errors.append(
                        CompositionError(
                            "EXTERNAL_ARGUMENT_TYPE_MISMATCH",
                            f'Type of argument "{argument}" is incompatible across subgraphs (where'
                            f' "{coordinate}" is marked @external): it has type'
                            f' "{type_text(arg.type)}" in subgraph "{base_source.subgraph.name}"'
                            f' but type "{type_text(theirs.type)}" in subgraph "{source.subgraph.name}"',
                        )
                    )
                elif _default_text(theirs) != _default_text(arg):
                    self.errors.append(
                        CompositionError(
                            "EXTERNAL_ARGUMENT_DEFAULT_MISMATCH",
                            f'Argument "{argument}" has incompatible defaults across subgraphs'
                            f' (where "{coordinate}" is marked @external): it has default value'
                            f' {_default_text(arg)} in subgraph "{base_source.subgraph.name}" but'
                            f' {_default_text(theirs)} in subgraph "{source.subgraph.name}"',
                        )
                    )

    def _field_args(self, coordinate: str, defs: list[FieldDef]) -> list[OutArg]:
        names: list[str] = []
        for f in defs:
            for arg in f.args:
                if arg not in names:
                    names.append(arg)
        result: list[OutArg] = []
        for arg_name in names:
            present = [f.args[arg_name] for f in defs if arg_name in f.args]
            if any(any(d.name == "fromContext" for d in a.directives) for a in present):
                continue  # filled by the gateway from a context, never by clients
            if len(present) < len(defs):
                if any(isinstance(a.type, NonNullTypeNode) and a.default is None for a in present):
                    self.errors.append(
                        CompositionError(
                            "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                            f'Argument "{coordinate}({arg_name}:)" is required in some subgraphs but does not appear in all subgraphs.',
                        )
                    )
                else:
                    self.hints.append(
                        Hint(
                            "INCONSISTENT_ARGUMENT_PRESENCE",
                            f'Optional argument "{coordinate}({arg_name}:)" will not be included in the supergraph as it does not appear in all subgraphs.',
                            coordinate,
                        )
                    )
                continue
            merged = self._input_value(
                f"{coordinate}({arg_name}:)",
                present,
                "FIELD_ARGUMENT_DEFAULT_MISMATCH",
                "FIELD_ARGUMENT_TYPE_MISMATCH",
            )
            if merged is not None:
                result.append(merged)
        return result

    def _input_value(
        self, coordinate: str, present: list[ArgDef], default_code: str, type_code: str
    ) -> OutArg | None:
        merged_type = input_merge([a.type for a in present])
        if merged_type is not None and len({type_text(a.type) for a in present}) > 1:
            self._hint(
                "INCONSISTENT_BUT_COMPATIBLE_ARGUMENT_TYPE"
                if "(" in coordinate
                else "INCONSISTENT_BUT_COMPATIBLE_FIELD_TYPE",
                f'Type of "{coordinate}" is inconsistent but compatible across subgraphs: will use'
                f' type "{type_text(merged_type)}" in the supergraph.',
                coordinate,
            )
        if merged_type is None or not named_compatible([a.type for a in present]):
            self.errors.append(
                CompositionError(
                    type_code,
                    f'Type of "{coordinate}" is incompatible across subgraphs: '
                    + ", ".join(type_text(a.type) for a in present),
                )
            )
            return None
        defaults = {_default_text(a) for a in present}
        real = {d for d in defaults if d is not None}
        if len(real) > 1:
            self.errors.append(
                CompositionError(
                    default_code,
                    f'"{coordinate}" has incompatible default values across subgraphs: '
                    + ", ".join(sorted(real)),
                )
            )
            return None
        default = next(iter(real)) if len(defaults) == 1 and real else None
        if len(defaults) > 1:
            self.hints.append(
                Hint(
                    "INCONSISTENT_DEFAULT_VALUE_PRESENCE",
                    f'"{coordinate}" has a default value in only some subgraphs;'
                    " the supergraph has none.",
                    coordinate,
                )
            )
        name = (
            coordinate.rsplit("(", 1)[-1].rstrip(":)")
            if "(" in coordinate
            else coordinate.rsplit(".", 1)[-1]
        )
        out = OutArg(name, type_text(merged_type), default)
        out.description = self._description([a.description for a in present], coordinate)
        out.directives = self._common_directives([a.directives for a in present])
        out.directives.extend(self._composed(a.directives for a in present))
        return out

    # -- other kinds --------------------------------------------------------------------------

    def _union(self, name: str, sources: list[_Source]) -> OutType:
        out = OutType("union", name)
        out.description = self._description([s.type.description for s in sources], name)
        out.directives = [d for s in sources for d in self._join_type(s)]
        members: list[str] = []
        for source in sources:
            for member in source.type.members:
                out.directives.append(
                    f'@join__unionMember(graph: {self.enum[source.subgraph.name]}, member: "{member}")'
                )
                if member not in members:
                    members.append(member)
        out.directives.extend(self._common_directives([s.type.directives for s in sources]))
        out.members = members
        for member in members:
            if not all(member in s.type.members for s in sources):
                self._hint(
                    "INCONSISTENT_UNION_MEMBER",
                    f'Union type "{name}" includes member type "{member}" in some but not all'
                    " defining subgraphs.",
                    name,
                )
        return out

    def _enum(self, name: str, sources: list[_Source]) -> OutType:
        out = OutType("enum", name)
        out.description = self._description([s.type.description for s in sources], name)
        out.directives = [d for s in sources for d in self._join_type(s)]
        out.directives.extend(self._common_directives([s.type.directives for s in sources]))
        as_input = name in self.input_usage
        as_output = name in self.output_usage or not as_input
        if name not in self.input_usage and name not in self.output_usage:
            self._hint(
                "UNUSED_ENUM_TYPE",
                f'Enum type "{name}" is defined but unused. It will be included in the supergraph'
                ' with all the values appearing in any subgraph ("as if" it was only used as an'
                " output type).",
                name,
            )
        all_values: list[str] = []
        for source in sources:
            for value in source.type.values:
                if value not in all_values:
                    all_values.append(value)
        keep: list[str] = []
        for value in all_values:
            having = [s for s in sources if value in s.type.values]
            hidden = all(
                any(d.name == "inaccessible" for d in s.type.values[value].directives)
                for s in having
            )
            if len(having) == len(sources) or (as_input and as_output and hidden):
                # an @inaccessible value no client can send or receive: Apollo keeps it
                keep.append(value)
            elif as_input and as_output:
                self.errors.append(
                    CompositionError(
                        "ENUM_VALUE_MISMATCH",
                        f'Enum type "{name}" is used as both input type and output type but value "{value}" is not defined in all the subgraphs defining "{name}".',
                    )
                )
            elif as_output:
                keep.append(value)
                self._hint(
                    "INCONSISTENT_ENUM_VALUE_FOR_OUTPUT_ENUM",
                    f'Value "{value}" of enum type "{name}" has been added to the supergraph but is'
                    f' only defined in a subset of the subgraphs defining "{name}".',
                    f"{name}.{value}",
                )
            else:
                self.hints.append(
                    Hint(
                        "INCONSISTENT_ENUM_VALUE_FOR_INPUT_ENUM",
                        f'Value "{value}" of enum type "{name}" will not be part of the supergraph as it is not defined in all the subgraphs defining "{name}".',
                        f"{name}.{value}",
                    )
                )
        if not keep:
            self.errors.append(
                CompositionError(
                    "EMPTY_MERGED_ENUM_TYPE",
                    f'None of the values of enum type "{name}" are defined consistently in all the subgraphs defining that type. As only values common to all subgraphs are merged, this would result in an empty type.',
                )
            )
        for value in keep:
            defs = [s.type.values[value] for s in sources if value in s.type.values]
            out_value = OutEnumValue(value)
            out_value.description = self._description(
                [d.description for d in defs], f"{name}.{value}"
            )
            out_value.directives = self._common_directives([d.directives for d in defs])
            out_value.directives.extend(
                f"@join__enumValue(graph: {self.enum[s.subgraph.name]})"
                for s in sources
                if value in s.type.values
            )
            out.values.append(out_value)
        return out

    def _input(self, name: str, sources: list[_Source]) -> OutType:
        errors_before = len(self.errors)
        out = OutType("input", name)
        out.description = self._description([s.type.description for s in sources], name)
        out.directives = [d for s in sources for d in self._join_type(s)]
        out.directives.extend(self._common_directives([s.type.directives for s in sources]))
        names: list[str] = []
        for source in sources:
            for f in source.type.fields:
                if f not in names:
                    names.append(f)
        for field_name in names:
            defs = [s.type.fields[field_name] for s in sources if field_name in s.type.fields]
            coordinate = f"{name}.{field_name}"
            if len(defs) < len(sources):
                if any(isinstance(f.type, NonNullTypeNode) and f.default is None for f in defs):
                    self.errors.append(
                        CompositionError(
                            "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                            f'Input object field "{coordinate}" is required in some subgraphs but does not appear in all subgraphs.',
                        )
                    )
                else:
                    self.hints.append(
                        Hint(
                            "INCONSISTENT_INPUT_OBJECT_FIELD",
                            f'Input object field "{coordinate}" will not be added to "{name}" in the supergraph as it does not appear in all subgraphs.',
                            coordinate,
                        )
                    )
                continue
            as_args = [ArgDef(f.name, f.type, f.default, f.description, f.directives) for f in defs]
            merged = self._input_value(
                coordinate, as_args, "INPUT_FIELD_DEFAULT_MISMATCH", "FIELD_TYPE_MISMATCH"
            )
            if merged is None:
                continue
            out_field = OutField(
                field_name, merged.type, [], merged.description, merged.directives, merged.default
            )
            if any(type_text(f.type) != merged.type for f in defs):
                out_field.directives.extend(
                    f"@join__field(graph: {self.enum[s.subgraph.name]},"
                    f" type: {_quote(type_text(s.type.fields[field_name].type))})"
                    for s in sources
                )
            out.fields.append(out_field)
        if not out.fields and errors_before == len(self.errors):
            self.errors.append(
                CompositionError(
                    "EMPTY_MERGED_INPUT_TYPE",
                    f'None of the fields of input object type "{name}" are consistently defined in all the subgraphs defining that type. As only fields common to all subgraphs are merged, this would result in an empty type.',
                )
            )
        return out

    def _scalar(self, name: str, sources: list[_Source]) -> OutType:
        out = OutType("scalar", name)
        out.description = self._description([s.type.description for s in sources], name)
        out.directives = [d for s in sources for d in self._join_type(s)]
        out.directives.extend(self._common_directives([s.type.directives for s in sources]))
        return out

    def _composed(self, lists: Any) -> list[str]:
        """Applications of custom directives some subgraph asked to keep (@composeDirective)."""
        wanted = {name for sg in self.subgraphs for name in sg.compose_directives}
        if not wanted:
            return []
        result: list[str] = []
        for directives in lists:
            for d in directives:
                if d.name in wanted:
                    text = print_ast(d.node)
                    if text not in result:
                        result.append(text)
        return result

    # -- @interfaceObject ----------------------------------------------------------------------

    def _interface_object_fields(self, out_types: list[OutType]) -> None:
        """Fields an @interfaceObject adds to an interface appear on its implementations with a
        bare ``@join__field``: no subgraph resolves them through the implementation itself."""
        by_name = {t.name: t for t in out_types}
        for name, sources in self.by_type.items():
            io_sources = [s for s in sources if s.type.has("interfaceObject")]
            if not io_sources or self.kinds.get(name) != "interface":
                continue
            interface = by_name.get(name)
            if interface is None:
                continue
            for t in out_types:
                if t.kind != "object" or name not in t.interfaces:
                    continue
                present = {f.name for f in t.fields}
                for f in interface.fields:
                    if f.name in present:
                        continue
                    if not any(f.name in s.type.fields for s in io_sources):
                        continue
                    copied = OutField(f.name, f.type, f.args, f.description)
                    copied.directives = [d for d in f.directives if not d.startswith("@join__")]
                    copied.directives.append("@join__field")
                    t.fields.append(copied)


def _string_lists(node: Any) -> list[list[str]]:
    """``[["a", "b"], ["c"]]`` as Python lists (scopes and policies)."""
    result: list[list[str]] = []
    for inner in getattr(node, "values", None) or ():
        result.append(
            [v.value for v in getattr(inner, "values", None) or () if hasattr(v, "value")]
        )
    return result


def _default_text(arg: ArgDef) -> str | None:
    """A default value as Apollo prints it (ID values that look like integers print as Int)."""
    if arg.default is None:
        return None
    text = print_ast(arg.default)
    if named_type(arg.type) == "ID":
        text = re.sub(r'"(-?\d+)"', r"\1", text)
    return text


def _reprint(d: Applied, name: str) -> str:
    """A directive application under its canonical name (subgraphs may have renamed it)."""
    if not d.args:
        return f"@{name}"
    return f"@{name}(" + ", ".join(f"{k}: {print_ast(v)}" for k, v in d.args.items()) + ")"


def _quote(text: str) -> str:
    return print_ast(StringValueNode(value=text))


def _subgraphs(names: list[str]) -> str:
    return ("subgraph " if len(names) == 1 else "subgraphs ") + _names(names)


def _names(names: list[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]
