"""Semantic comparison of supergraph SDLs: the same types, fields, arguments, directives and
join metadata, regardless of definition order, directive order and whitespace."""

from __future__ import annotations

from typing import Any

from graphql import (
    DirectiveDefinitionNode,
    DirectiveNode,
    SchemaDefinitionNode,
    StringValueNode,
    TypeDefinitionNode,
    parse,
    print_ast,
)

FIELD_SET_ARGS = {"key", "requires", "provides", "fields"}


def _fieldset(text: str) -> str:
    try:
        return print_ast(parse("{" + text + "}").definitions[0].selection_set)  # type: ignore[attr-defined]
    except Exception:
        return text


def _directive(node: DirectiveNode) -> str:
    args = []
    for arg in sorted(node.arguments or (), key=lambda a: a.name.value):
        value = arg.value
        if arg.name.value in FIELD_SET_ARGS and isinstance(value, StringValueNode):
            args.append(f"{arg.name.value}: {_fieldset(value.value)!r}")
        else:
            args.append(f"{arg.name.value}: {print_ast(value)}")
    return f"@{node.name.value}(" + ", ".join(args) + ")"


def _directives(nodes: Any) -> list[str]:
    return sorted(_directive(d) for d in nodes or ())


def _description(node: Any) -> str | None:
    description = getattr(node, "description", None)
    return " ".join(description.value.split()) if description is not None else None


def canonical(sdl: str) -> dict[str, Any]:
    document = parse(sdl)
    result: dict[str, Any] = {}
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode):
            result["schema"] = {
                "directives": _directives(definition.directives),
                "roots": sorted(
                    f"{o.operation.value}: {o.type.name.value}" for o in definition.operation_types
                ),
            }
        elif isinstance(definition, DirectiveDefinitionNode):
            result[f"directive @{definition.name.value}"] = print_ast(definition)
        elif isinstance(definition, TypeDefinitionNode):
            entry: dict[str, Any] = {
                "kind": definition.kind,
                "description": _description(definition),
                "directives": _directives(definition.directives),
            }
            if hasattr(definition, "interfaces"):
                entry["interfaces"] = sorted(i.name.value for i in definition.interfaces or ())
            if hasattr(definition, "types"):
                entry["members"] = sorted(t.name.value for t in definition.types or ())
            if hasattr(definition, "values"):
                entry["values"] = {
                    v.name.value: {
                        "description": _description(v),
                        "directives": _directives(v.directives),
                    }
                    for v in definition.values or ()
                }
            if hasattr(definition, "fields"):
                entry["fields"] = {
                    f.name.value: {
                        "type": print_ast(f.type),
                        "description": _description(f),
                        "default": print_ast(f.default_value)
                        if getattr(f, "default_value", None)
                        else None,
                        "directives": _directives(f.directives),
                        "args": {
                            a.name.value: {
                                "type": print_ast(a.type),
                                "default": print_ast(a.default_value) if a.default_value else None,
                                "description": _description(a),
                                "directives": _directives(a.directives),
                            }
                            for a in getattr(f, "arguments", None) or ()
                        },
                    }
                    for f in definition.fields or ()
                }
            result[f"type {definition.name.value}"] = entry
    return result


def differences(expected: str, actual: str) -> list[str]:
    """Human-readable differences between two supergraphs (empty when semantically equal)."""
    a, b = canonical(expected), canonical(actual)
    found: list[str] = []

    def walk(x: Any, y: Any, where: str) -> None:
        if isinstance(x, dict) and isinstance(y, dict):
            for key in sorted(set(x) | set(y)):
                if key not in y:
                    found.append(f"missing {where}{key}: {x[key]!r}")
                elif key not in x:
                    found.append(f"unexpected {where}{key}: {y[key]!r}")
                else:
                    walk(x[key], y[key], f"{where}{key} / ")
        elif x != y:
            found.append(f"{where}: expected {x!r}, got {y!r}")

    walk(a, b, "")
    return found
