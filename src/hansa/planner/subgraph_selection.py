"""Selections being built for one subgraph fetch, and their GraphQL text.

``SubSelection`` is mutable while a plan is built, then printed once into the fetch's operation
text. Response keys are the client's (so results merge straight into the response tree) except
for fields the planner adds for its own needs when they would clash with the client's: those
get internal aliases, chosen by the builder.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import ArgumentNode, VariableNode, print_ast
from graphql.language import Node


class SubField:
    __slots__ = ("arguments", "key", "name", "selection", "type")

    def __init__(
        self, key: str, name: str, arguments: tuple[ArgumentNode, ...], leaf: bool, type_: str = ""
    ) -> None:
        self.key = key
        self.name = name
        self.arguments = arguments
        self.type = type_  # the field's type in the subgraph, to detect response-shape clashes
        self.selection: SubSelection | None = None if leaf else SubSelection()


class SubSelection:
    __slots__ = ("fields", "fragments")

    def __init__(self) -> None:
        self.fields: dict[str, SubField] = {}
        self.fragments: dict[str, SubSelection] = {}

    def add_field(
        self,
        key: str,
        name: str,
        arguments: tuple[ArgumentNode, ...] = (),
        leaf: bool = True,
        type_: str = "",
    ) -> SubField:
        """The field at ``key``, created if missing. The caller guarantees no clash."""
        existing = self.fields.get(key)
        if existing is not None:
            return existing
        created = SubField(key, name, arguments, leaf, type_)
        self.fields[key] = created
        return created

    def add_typename(self) -> None:
        self.add_field("__typename", "__typename", type_="String!")

    def fragment(self, type_name: str) -> SubSelection:
        found = self.fragments.get(type_name)
        if found is None:
            found = self.fragments[type_name] = SubSelection()
        return found

    def is_empty(self) -> bool:
        return not self.fields and all(f.is_empty() for f in self.fragments.values())

    def variables(self) -> Iterator[str]:
        for f in self.fields.values():
            for arg in f.arguments:
                yield from _variables_in(arg)
            if f.selection is not None:
                yield from f.selection.variables()
        for sub in self.fragments.values():
            yield from sub.variables()

    def print(self, indent: int = 0) -> str:
        """Pretty GraphQL text of this selection set, ``{ ... }`` included."""
        pad = "  " * (indent + 1)
        lines = ["{"]
        for f in self.fields.values():
            head = f.name if f.key == f.name else f"{f.key}: {f.name}"
            if f.arguments:
                head += "(" + ", ".join(print_ast(a) for a in f.arguments) + ")"
            if f.selection is not None:
                head += " " + f.selection.print(indent + 1)
            lines.append(pad + head)
        for type_name, sub in self.fragments.items():
            if sub.is_empty():
                continue
            lines.append(f"{pad}... on {type_name} {sub.print(indent + 1)}")
        lines.append("  " * indent + "}")
        return "\n".join(lines)

    def compact(self) -> str:
        """Single-line GraphQL text, what is sent over the wire."""
        parts: list[str] = []
        for f in self.fields.values():
            head = f.name if f.key == f.name else f"{f.key}:{f.name}"
            if f.arguments:
                head += "(" + ",".join(print_ast(a) for a in f.arguments) + ")"
            if f.selection is not None:
                head += f.selection.compact()
            parts.append(head)
        for type_name, sub in self.fragments.items():
            if not sub.is_empty():
                parts.append(f"...on {type_name}{sub.compact()}")
        return "{" + " ".join(parts) + "}"


def arguments_text(arguments: tuple[ArgumentNode, ...]) -> str:
    return ",".join(print_ast(a) for a in sorted(arguments, key=lambda a: a.name.value))


def _variables_in(node: Node) -> Iterator[str]:
    if isinstance(node, VariableNode):
        yield node.name.value
        return
    for key in node.keys:
        value = getattr(node, key, None)
        if isinstance(value, Node):
            yield from _variables_in(value)
        elif isinstance(value, tuple | list):
            for item in value:
                if isinstance(item, Node):
                    yield from _variables_in(item)


@dataclass(frozen=True, slots=True)
class KeyRewrite:
    """After a fetch: in objects at ``path`` whose ``__typename`` is ``type_name``, move the
    value at ``alias`` back to ``key`` (the alias avoided a response-shape clash)."""

    path: tuple[str, ...]
    type_name: str
    alias: str
    key: str


def alias_shape_clashes(selection: SubSelection) -> tuple[KeyRewrite, ...]:
    """Alias fields that share a response key across type conditions with a different field or
    type in the subgraph (invalid there: the fields would not merge), and say how to undo it."""
    rewrites: list[KeyRewrite] = []
    counter = [0]
    _fix(selection, (), rewrites, counter)
    return tuple(rewrites)


def _fix(
    selection: SubSelection, path: tuple[str, ...], rewrites: list[KeyRewrite], counter: list[int]
) -> None:
    seen: dict[str, tuple[str, str]] = {k: (f.name, f.type) for k, f in selection.fields.items()}
    taken = set(seen)
    for fragment in selection.fragments.values():
        taken.update(fragment.fields)
    for f in selection.fields.values():
        if f.selection is not None:
            _fix(f.selection, (*path, f.key), rewrites, counter)
    needs_typename = False
    for type_name, fragment in selection.fragments.items():
        renamed: dict[str, SubField] = {}
        for key, f in fragment.fields.items():
            signature = (f.name, f.type)
            if seen.setdefault(key, signature) != signature:
                alias = f"{key}__alias_{counter[0]}"
                while alias in taken:
                    counter[0] += 1
                    alias = f"{key}__alias_{counter[0]}"
                counter[0] += 1
                taken.add(alias)
                f.key = alias
                rewrites.append(KeyRewrite(path, type_name, alias, key))
                needs_typename = True  # the rewrite picks objects by their __typename
            renamed[f.key] = f
            if f.selection is not None:
                _fix(f.selection, (*path, f.key), rewrites, counter)
        fragment.fields = renamed
    if needs_typename:
        selection.add_typename()
