"""Type algebra for merging: how field, argument and input field types combine.

Output types merge covariantly (the supergraph type is the most general of the subgraphs',
nullable if any is, an interface or union over its implementations); argument and input field
types merge contravariantly (non-null if any subgraph requires it). ``None`` means incompatible.
"""

from __future__ import annotations

from collections.abc import Callable

from graphql import ListTypeNode, NamedTypeNode, NonNullTypeNode, TypeNode, print_ast

from hansa.composition.subgraph_reader import named_type

SubtypeTest = Callable[[str, str], bool]


def type_text(node: TypeNode) -> str:
    return print_ast(node)


def output_merge(types: list[TypeNode], is_subtype: SubtypeTest) -> TypeNode | None:
    """The most general of compatible output types (covariance), or None if incompatible.
    ``is_subtype(a, b)``: whether named type ``a`` is an implementation or member of ``b``."""
    first = types[0]
    if all(type_text(t) == type_text(first) for t in types):
        return first
    if all(isinstance(t, NamedTypeNode) for t in types):
        names = {named_type(t) for t in types}
        for candidate in names:
            if all(n == candidate or is_subtype(n, candidate) for n in names):
                return next(t for t in types if named_type(t) == candidate)
        return None
    if any(isinstance(t, NonNullTypeNode) for t in types):
        inner = [t.type if isinstance(t, NonNullTypeNode) else t for t in types]
        merged = output_merge(inner, is_subtype)
        if merged is None:
            return None
        if not all(isinstance(t, NonNullTypeNode) for t in types):
            return merged
        return NonNullTypeNode(type=merged)  # type: ignore[arg-type]
    if all(isinstance(t, ListTypeNode) for t in types):
        merged = output_merge([t.type for t in types], is_subtype)  # type: ignore[attr-defined]
        return None if merged is None else ListTypeNode(type=merged)
    return None


def input_merge(types: list[TypeNode]) -> TypeNode | None:
    """The most restrictive of compatible input types (non-null if any is), or None."""
    first = types[0]
    if all(type_text(t) == type_text(first) for t in types):
        return first
    if any(isinstance(t, NonNullTypeNode) for t in types):
        inner = [t.type if isinstance(t, NonNullTypeNode) else t for t in types]
        merged = input_merge(inner)
        return None if merged is None else NonNullTypeNode(type=merged)  # type: ignore[arg-type]
    if all(isinstance(t, ListTypeNode) for t in types):
        merged = input_merge([t.type for t in types])  # type: ignore[attr-defined]
        return None if merged is None else ListTypeNode(type=merged)
    return None


def named_compatible(types: list[TypeNode]) -> bool:
    names = {named_type(t) for t in types}
    return len(names) == 1
