"""The names a supergraph gives a linked spec's directives: ``@link(url: ".../cost/v0.1",
import: ["@listSize"], as: "c")`` makes the spec's namesake directive ``@c`` and the others
``@c__name`` unless imported (possibly renamed, ``{name: "@x", as: "@y"}``)."""

from __future__ import annotations

from graphql import GraphQLSchema, ListValueNode, ObjectValueNode, StringValueNode


def directive_names(schema: GraphQLSchema, spec: str, names: tuple[str, ...]) -> dict[str, str]:
    """For the spec whose URL starts with ``spec`` (``https://specs.apollo.dev/cost/``), each
    of ``names`` (without ``@``) -> the name it has in ``schema``. The spec's namesake (its URL's
    last name segment) defaults to that name, the others to ``namespace__name``."""
    namespace = spec.rstrip("/").rsplit("/", 1)[-1]
    imports: dict[str, str] = {}
    for node in [schema.ast_node, *schema.extension_ast_nodes]:
        for directive in (node.directives if node else ()) or ():
            if directive.name.value != "link":
                continue
            arguments = {a.name.value: a.value for a in directive.arguments or ()}
            url = arguments.get("url")
            if not isinstance(url, StringValueNode) or not url.value.startswith(spec):
                continue
            alias = arguments.get("as")
            if isinstance(alias, StringValueNode):
                namespace = alias.value
            listed = arguments.get("import")
            for item in listed.values if isinstance(listed, ListValueNode) else ():
                if isinstance(item, StringValueNode):
                    imports[item.value.lstrip("@")] = item.value.lstrip("@")
                elif isinstance(item, ObjectValueNode):
                    entry = {f.name.value: f.value for f in item.fields}
                    name, renamed = entry.get("name"), entry.get("as")
                    if isinstance(name, StringValueNode):
                        target = renamed if isinstance(renamed, StringValueNode) else name
                        imports[name.value.lstrip("@")] = target.value.lstrip("@")
    own = spec.rstrip("/").rsplit("/", 1)[-1]
    return {
        name: imports.get(name, namespace if name == own else f"{namespace}__{name}")
        for name in names
    }
