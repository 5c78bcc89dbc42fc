"""Print a composed ``OutSchema`` as supergraph SDL, laid out as Apollo's composition does."""

from __future__ import annotations

from graphql.language.print_string import print_string

from hansa.composition.output import OutArg, OutField, OutSchema, OutType

_JOIN_FIELD_ARGS = {
    "0.3": "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean",
    "0.4": "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String",
    "0.5": "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, contextArguments: [join__ContextArgument!]",
}


def _description(text: str | None, indent: str) -> list[str]:
    if text is None:
        return []
    if "\n" not in text and '"' not in text and len(text) < 70:
        return [f'{indent}"""{text}"""']
    body = text.replace('"""', '\\"""')
    lines = [f'{indent}"""']
    lines.extend(f"{indent}{line}" if line else "" for line in body.split("\n"))
    lines.append(f'{indent}"""')
    return lines


def _arg(arg: OutArg) -> str:
    text = f"{arg.name}: {arg.type}"
    if arg.default is not None:
        text += f" = {arg.default}"
    if arg.directives:
        text += " " + " ".join(arg.directives)
    return text


def _field(f: OutField) -> list[str]:
    lines = _description(f.description, "  ")
    head = f"  {f.name}"
    if f.args:
        if any(a.description for a in f.args):
            inner: list[str] = []
            for a in f.args:
                inner.extend(_description(a.description, "    "))
                inner.append("    " + _arg(a))
            head += "(\n" + "\n".join(inner) + "\n  )"
        else:
            head += "(" + ", ".join(_arg(a) for a in f.args) + ")"
    head += f": {f.type}"
    if f.default is not None:
        head += f" = {f.default}"
    if f.directives:
        head += " " + " ".join(f.directives)
    lines.append(head)
    return lines


_KEYWORDS = {
    "object": "type",
    "interface": "interface",
    "union": "union",
    "enum": "enum",
    "input": "input",
    "scalar": "scalar",
}


def _type(t: OutType) -> str:
    lines = _description(t.description, "")
    head = f"{_KEYWORDS[t.kind]} {t.name}"
    if t.interfaces:
        head += " implements " + " & ".join(t.interfaces)
    lines.append(head)
    lines.extend(f"  {d}" for d in t.directives)
    if t.kind == "scalar":
        return "\n".join(lines)
    if t.kind == "union":
        if t.members:
            members = "= " + " | ".join(t.members)
            if t.directives:
                lines.append(" " + members)
            else:
                lines[-1] += " " + members
        return "\n".join(lines)
    body: list[str] = []
    if t.kind == "enum":
        for value in t.values:
            body.extend(_description(value.description, "  "))
            body.append("  " + " ".join([value.name, *value.directives]))
    else:
        for f in t.fields:
            body.extend(_field(f))
    if t.directives:
        lines.append("{")
    else:
        lines[-1] += " {"
    lines.extend(body)
    lines.append("}")
    return "\n".join(lines)


def print_supergraph(schema: OutSchema) -> str:
    links = ['@link(url: "https://specs.apollo.dev/link/v1.0")']
    links.append(
        f'@link(url: "https://specs.apollo.dev/join/v{schema.join_version}", for: EXECUTION)'
    )
    links.extend(schema.links)
    links.extend(schema.schema_directives)
    roots = "\n".join(f"  {op}: {name}" for op, name in schema.roots.items())
    blocks = ["schema\n" + "\n".join(f"  {link}" for link in links) + "\n{\n" + roots + "\n}"]
    version = schema.join_version
    directives = [
        "directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE",
        f"directive @join__field({_JOIN_FIELD_ARGS[version]}) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
        "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
        "directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE",
        "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
        "directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION",
        "directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA",
    ]
    if version != "0.3":
        directives.insert(
            0,
            "directive @join__directive(graphs: [join__Graph!], name: String!, args: join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION",
        )
    directives.extend(schema.directive_definitions)
    blocks.extend(sorted(directives, key=lambda d: d.split("(")[0].split(" ")[1]))
    spec_types = []
    if version == "0.5":
        spec_types.append(
            "input join__ContextArgument {\n  name: String!\n  type: String!\n  context: String!\n  selection: join__FieldValue!\n}"
        )
    if version != "0.3":
        spec_types.append("scalar join__DirectiveArguments")
    spec_types.append("scalar join__FieldSet")
    if version == "0.5":
        spec_types.append("scalar join__FieldValue")
    graphs = "\n".join(
        f"  {enum} @join__graph(name: {print_string(name)}, url: {print_string(url)})"
        for enum, name, url in schema.graphs
    )
    spec_types.append("enum join__Graph {\n" + graphs + "\n}")
    spec_types.append("scalar link__Import")
    spec_types.append(
        'enum link__Purpose {\n  """\n  `SECURITY` features provide metadata necessary to securely resolve fields.\n  """\n  SECURITY\n\n  """\n  `EXECUTION` features provide metadata necessary for operation execution.\n  """\n  EXECUTION\n}'
    )
    spec_types.extend(schema.extra_types)
    blocks.extend(spec_types)
    blocks.extend(_type(t) for t in sorted(schema.types, key=lambda t: t.name))
    return "\n\n".join(blocks) + "\n"
