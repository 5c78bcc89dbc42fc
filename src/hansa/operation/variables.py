"""Variable coercion: graphql-core's, with a fast path for lists of built-in scalars.

graphql-core coerces every list item through its general machinery (about 3 µs an item), so a
client sending a million-item ``[ID!]`` variable holds the event loop for seconds. A list of
``ID``, ``String``, ``Int`` or ``Boolean`` items that already have exactly the Python type the
coercion would return (``str``; ``int`` within 32 bits, not ``bool``; ``bool``), with no null
where the type forbids one, is accepted as it is, in one tight loop; anything else (another
type, a custom scalar, a value that needs converting or an error to word) goes through
graphql-core unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLSchema,
    ListTypeNode,
    NamedTypeNode,
    NonNullTypeNode,
    TypeNode,
    VariableDefinitionNode,
)
from graphql.execution.values import get_variable_values

FAST_LIST_ITEMS = 1000  # lists shorter than this are not worth a second look

_MAX_INT, _MIN_INT = 2**31 - 1, -(2**31)


def _is_str(value: Any) -> bool:
    return type(value) is str


def _is_int(value: Any) -> bool:
    return type(value) is int and _MIN_INT <= value <= _MAX_INT


def _is_bool(value: Any) -> bool:
    return type(value) is bool


_CHECKS: dict[str, Callable[[Any], bool]] = {
    "ID": _is_str,
    "String": _is_str,
    "Int": _is_int,
    "Boolean": _is_bool,
}


def _list_of_scalar(type_node: TypeNode) -> tuple[str, bool] | None:
    """(scalar name, items non-null) for ``[S]``, ``[S!]``, ``[S]!``, ``[S!]!``; else None."""
    if isinstance(type_node, NonNullTypeNode):
        type_node = type_node.type
    if not isinstance(type_node, ListTypeNode):
        return None
    item: TypeNode = type_node.type
    non_null = isinstance(item, NonNullTypeNode)
    if isinstance(item, NonNullTypeNode):
        item = item.type
    if isinstance(item, NamedTypeNode) and item.name.value in _CHECKS:
        return item.name.value, non_null
    return None


def _accepts(value: Any, scalar: str, non_null: bool) -> bool:
    if type(value) is not list or len(value) < FAST_LIST_ITEMS:
        return False
    check = _CHECKS[scalar]
    if non_null:
        return all(map(check, value))
    return all(item is None or check(item) for item in value)


def coerce_variables(
    schema: GraphQLSchema,
    definitions: Sequence[VariableDefinitionNode],
    values: Mapping[str, Any],
    max_errors: int = 50,
) -> dict[str, Any] | list[GraphQLError]:
    """The coerced variables, or graphql-core's errors."""
    fast: dict[str, Any] = {}
    for definition in definitions:
        name = definition.variable.name.value
        shape = _list_of_scalar(definition.type)
        if shape is not None and name in values and _accepts(values[name], *shape):
            fast[name] = values[name]
    if fast:
        definitions = [d for d in definitions if d.variable.name.value not in fast]
        values = {k: v for k, v in values.items() if k not in fast}
    result = get_variable_values(schema, definitions, dict(values), max_errors=max_errors)
    if isinstance(result, list):
        return result
    return {**result.coerced, **fast} if fast else dict(result.coerced)
