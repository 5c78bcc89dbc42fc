"""Completion: project the client's selection over the merged response tree, per the spec.

Walks the normalized selection once: response keys in document order, ``__typename`` from the
runtime type, abstract types resolved by the tree's ``__typename``, leaf values checked against
their types, and null propagation exactly as GraphQL's CompleteValue does: a null in a non-null
position is an error at that path and makes the nearest nullable parent null. Internal fields
the planner fetched (keys, requirements, internal aliases) are simply never visited.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    is_abstract_type,
)

from hansa.executor.errors import ErrorCollector, ResponseError
from hansa.executor.paths import PathLink, path_list
from hansa.operation.normalized import Field, PossibleTest, Selection

# Marks a null that is propagating to the nearest nullable position (its error is recorded).
_INVALID: Any = object()
# A subgraph value the schema does not allow (wrong type, null where non-null): Apollo
# Router's code for a subgraph response that fails validation.
INVALID_VALUE = "RESPONSE_VALIDATION_FAILED"
# Deepest JSON a custom scalar may carry (the response encoder's own limit is 255 levels).
MAX_SCALAR_DEPTH = 64


class Completer:
    """Completes responses for one API schema; holds no per-request state."""

    def __init__(self, schema: GraphQLSchema, applies: PossibleTest) -> None:
        self.schema = schema
        self.applies = applies

    def complete(
        self,
        selection: Selection,
        root_type: str,
        data: dict[str, Any] | None,
        errors: ErrorCollector,
        precompleted: frozenset[str] = frozenset(),
    ) -> dict[str, Any] | None:
        """The response ``data``: ``None`` when a non-null root field failed. Adds the
        completion errors to ``errors`` (which holds the fetch errors so far), and drops the
        fetch errors that lead outside the response."""
        run = _Completion(self.schema, self.applies, errors)
        result = run._object(selection, root_type, data or {}, None, precompleted)
        completed = None if result is _INVALID else result
        errors.retain(lambda e: _in_response(completed, e.path))
        return completed


class _Completion:
    """One response's completion: knows where fetch errors already explain a null."""

    def __init__(
        self, schema: GraphQLSchema, applies: PossibleTest, errors: ErrorCollector
    ) -> None:
        self.schema = schema
        self.applies = applies
        self.errors = errors
        paths = [tuple(e.path) for e in errors if e.path is not None]
        self._errored = set(paths)
        self._errored_below = {p[:i] for p in paths for i in range(1, len(p) + 1)}

    def _object(
        self,
        selection: Selection,
        type_name: str,
        value: dict[str, Any],
        link: PathLink,
        precompleted: frozenset[str] = frozenset(),
    ) -> Any:
        if not precompleted:
            return self._compiled_object(selection, type_name, value, link)
        result: dict[str, Any] = {}
        for f in selection.fields_for(type_name, self.applies):
            key = f.response_key
            if f.name == "__typename":
                result[key] = type_name
                continue
            if f.name in precompleted:
                result[key] = value.get(key)
                continue
            completed = self._value(f.type_ref, f, value.get(key), (link, key), type_name)
            if completed is _INVALID:
                return _INVALID
            result[key] = completed
        return result

    def _compiled_object(
        self, selection: Selection, type_name: str, value: dict[str, Any], link: PathLink
    ) -> Any:
        """``_object`` through the steps compiled for this selection and type: the expected
        case (a value of the right type, or an allowed null) in a few operations; anything
        else goes to ``_value`` for that field or list item, which words the error."""
        steps = selection.compiled.get(type_name)
        if steps is None:
            steps = selection.compiled[type_name] = _compile(
                selection.fields_for(type_name, self.applies)
            )
        result: dict[str, Any] = {}
        for key, kind, f, nullable, accepts, inner in steps:
            if kind == _TYPENAME:
                result[key] = type_name
                continue
            v = value.get(key)
            if kind == _LEAF:
                if type(v) in accepts or (v is None and nullable):
                    result[key] = v
                    continue
            elif kind == _INT:
                if (type(v) is int and _INT_MIN <= v <= _INT_MAX) or (v is None and nullable):
                    result[key] = v
                    continue
            elif kind == _OBJECT:
                if type(v) is dict:
                    completed = self._compiled_object(inner, accepts, v, (link, key))
                    if completed is _INVALID and not nullable:
                        return _INVALID  # a null propagating: its error is recorded
                    result[key] = None if completed is _INVALID else completed
                    continue
                if v is None and nullable:
                    result[key] = None
                    continue
            elif kind == _LIST and type(v) is list:
                completed = self._compiled_list(f, v, (link, key), nullable, inner)
                if completed is _INVALID and not nullable:
                    return _INVALID
                result[key] = None if completed is _INVALID else completed
                continue
            elif kind == _LIST and v is None and nullable:
                result[key] = None
                continue
            completed = self._value(f.type_ref, f, v, (link, key), type_name)
            if completed is _INVALID:
                return _INVALID
            result[key] = completed
        return result

    def _compiled_list(
        self, f: Field, value: list[Any], link: PathLink, nullable: bool, item: Any
    ) -> Any:
        """A list field's items: the generic loop of ``_nullable`` with the item step
        compiled (``item``: items' kind, nullability, accepted types, selection)."""
        kind, item_nullable, accepts, selection = item
        list_type = f.type_ref if nullable else f.type_ref.of_type  # type: ignore[union-attr]
        item_type = list_type.of_type  # type: ignore[union-attr]
        items = []
        for index, entry in enumerate(value):
            if kind == _LEAF:
                if type(entry) in accepts or (entry is None and item_nullable):
                    items.append(entry)
                    continue
            elif kind == _OBJECT and type(entry) is dict:
                completed = self._compiled_object(selection, accepts, entry, (link, index))
                if completed is _INVALID and not item_nullable:
                    return _INVALID
                items.append(None if completed is _INVALID else completed)
                continue
            elif kind == _OBJECT and entry is None and item_nullable:
                items.append(None)
                continue
            completed = self._value(item_type, f, entry, (link, index))
            if completed is _INVALID:
                return _INVALID
            items.append(completed)
        return items

    def _value(
        self,
        type_ref: GraphQLOutputType | None,
        f: Field,
        value: Any,
        link: PathLink,
        parent: str | None = None,
    ) -> Any:
        """``parent``: the runtime type of the object the field belongs to (None for list
        items), which the spec's error names (graphql-js's ``info.parentType``)."""
        if isinstance(type_ref, GraphQLNonNull):
            inner = type_ref.of_type
            completed = None if value is None else self._nullable(inner, f, value, link)
            if completed is None:
                self._null_error(inner, f, link, parent or f.parent_type)
                return _INVALID
            return completed  # may be _INVALID: keep propagating
        if value is None:
            return None
        completed = self._nullable(type_ref, f, value, link)
        return None if completed is _INVALID else completed

    def _null_error(self, inner: GraphQLOutputType, f: Field, link: PathLink, parent: str) -> None:
        """A null where the schema forbids one: a field error, unless a subgraph already
        reported an error at, above or below this path, or inside the same object (a subgraph
        that nulls a whole entity for one failing field nulls its siblings too): then the null
        is that error propagating."""
        path = path_list(link)
        if (
            tuple(path) in self._errored_below
            or tuple(path[:-1]) in self._errored_below
            or any(tuple(path[:i]) in self._errored for i in range(1, len(path)))
        ):
            return
        assert link is not None
        if isinstance(link[1], int):
            message = (
                f"Cannot return null for non-nullable array element of type {inner}"
                f" at index {link[1]}."
            )
        else:
            message = f"Cannot return null for non-nullable field {parent}.{f.name}."
        self.errors.add(ResponseError(message, path, {"code": INVALID_VALUE}))

    def _nullable(
        self,
        type_ref: GraphQLOutputType | None,
        f: Field,
        value: Any,
        link: PathLink,
    ) -> Any:
        if isinstance(type_ref, GraphQLList):
            if not isinstance(value, list):
                return self._bad(
                    f,
                    f'Expected Iterable, but did not find one for field "{f.parent_type}.{f.name}".',
                    link,
                )
            items = []
            for index, item in enumerate(value):
                completed = self._value(type_ref.of_type, f, item, (link, index))
                if completed is _INVALID:
                    return _INVALID
                items.append(completed)
            return items
        if isinstance(type_ref, GraphQLScalarType):
            return self._scalar(type_ref, f, value, link)
        if isinstance(type_ref, GraphQLEnumType):
            if isinstance(value, str) and value in type_ref.values:
                return value
            return self._bad(f, f"Invalid value found for field {f.parent_type}.{f.name}.", link)
        if not isinstance(value, dict) or f.selection is None:
            return self._bad(
                f,
                f'Expected a value of type "{type_ref}" but received: {_show(value)}',
                link,
            )
        if isinstance(type_ref, GraphQLObjectType):
            return self._object(f.selection, type_ref.name, value, link)
        if type_ref is not None and is_abstract_type(type_ref):
            runtime = value.get("__typename")
            if runtime == type_ref.name:
                # Only an @interfaceObject subgraph answered: the concrete type is unknown.
                if f.selection.depends_on_runtime_type(type_ref.name):
                    return None
                return self._object(f.selection, type_ref.name, value, link)
            runtime_type = self.schema.get_type(runtime) if isinstance(runtime, str) else None
            if not isinstance(runtime_type, GraphQLObjectType) or not self.schema.is_sub_type(
                type_ref,
                runtime_type,
            ):
                return self._bad(
                    f,
                    f'Abstract type "{type_ref}" must resolve to an Object type at runtime for field'
                    f' "{f.parent_type}.{f.name}". Received: {_show(runtime)}.',
                    link,
                )
            return self._object(f.selection, runtime_type.name, value, link)
        return self._bad(f, f"Unexpected type for field {f.parent_type}.{f.name}.", link)

    def _scalar(
        self,
        type_ref: GraphQLScalarType,
        f: Field,
        value: Any,
        link: PathLink,
    ) -> Any:
        name = type_ref.name
        if name == "ID":
            if isinstance(value, str):
                return value
            if isinstance(value, int) and not isinstance(value, bool):
                return str(value)
            return self._bad(f, f"ID cannot represent value: {_show(value)}", link)
        if name == "String":
            if isinstance(value, str):
                return value
            return self._bad(f, f"String cannot represent value: {_show(value)}", link)
        if name == "Int":
            if isinstance(value, int) and not isinstance(value, bool) and -(2**31) <= value < 2**31:
                return value
            if isinstance(value, float) and value.is_integer() and -(2**31) <= value < 2**31:
                return int(value)
            return self._bad(f, f"Int cannot represent non-integer value: {_show(value)}", link)
        if name == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            return self._bad(f, f"Float cannot represent non numeric value: {_show(value)}", link)
        if name == "Boolean":
            if isinstance(value, bool):
                return value
            return self._bad(
                f, f"Boolean cannot represent a non boolean value: {_show(value)}", link
            )
        if isinstance(value, dict | list) and _too_deep(value, MAX_SCALAR_DEPTH):
            return self._bad(f, f"{name} value is nested more than {MAX_SCALAR_DEPTH} deep", link)
        return value  # custom scalars pass through as the subgraph serialized them

    def _bad(self, f: Field, message: str, link: PathLink) -> Any:
        self.errors.add(ResponseError(message, path_list(link), {"code": INVALID_VALUE}))
        return _INVALID


_TYPENAME, _LEAF, _INT, _OBJECT, _LIST, _OTHER = range(6)
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
# Scalars whose valid values pass through unchanged, by the Python types of those values
# (``type(v) in ...``: ``bool`` is not an ``int`` here, as the spec's Int and Float require).
_PASSING = {
    "String": frozenset({str}),
    "ID": frozenset({str}),
    "Boolean": frozenset({bool}),
    "Float": frozenset({int, float}),
}


def _step_of(type_ref: Any, selection: Selection | None) -> tuple[int, bool, Any, Any]:
    """(kind, nullable, accepted types or object type name, selection or list item step)."""
    nullable = not isinstance(type_ref, GraphQLNonNull)
    inner = type_ref if nullable else type_ref.of_type
    if isinstance(inner, GraphQLScalarType) and inner.name in _PASSING:
        return (_LEAF, nullable, _PASSING[inner.name], None)
    if isinstance(inner, GraphQLScalarType) and inner.name == "Int":
        return (_INT, nullable, None, None)
    if isinstance(inner, GraphQLObjectType) and selection is not None:
        return (_OBJECT, nullable, inner.name, selection)
    if isinstance(inner, GraphQLList):
        item = _step_of(inner.of_type, selection)
        if item[0] in (_LEAF, _OBJECT):
            return (_LIST, nullable, None, item)
    return (_OTHER, nullable, None, None)


def _compile(fields: list[Field]) -> list[tuple[str, int, Field, bool, Any, Any]]:
    steps = []
    for f in fields:
        if f.name == "__typename":
            steps.append((f.response_key, _TYPENAME, f, True, None, None))
            continue
        kind, nullable, accepts, inner = _step_of(f.type_ref, f.selection)
        steps.append((f.response_key, kind, f, nullable, accepts, inner))
    return steps


def _too_deep(value: Any, limit: int) -> bool:
    """Whether a JSON value nests more than ``limit`` levels (stops looking at the limit)."""
    level = [value]
    for _ in range(limit):
        level = [
            child
            for item in level
            for child in (item.values() if isinstance(item, dict) else item)
            if isinstance(child, dict | list)
        ]
        if not level:
            return False
    return True


def _show(value: Any) -> str:
    import json

    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _in_response(data: Any, path: Any) -> bool:
    """Whether an error's path points into the client's response. Subgraph errors on fields
    the planner fetched for its own needs (keys, requirements, another type's fragment) lead
    to a key the client never selected; those are dropped, the client asked for nothing there."""
    if not isinstance(path, list):
        return True
    current = data
    for step in path:
        if current is None:
            return True  # nulled on the way: the error explains it
        if isinstance(current, dict):
            if step not in current:
                return False
            current = current[step]
        elif isinstance(current, list):
            if not isinstance(step, int) or not 0 <= step < len(current):
                return False
            current = current[step]
        else:
            return True
    return True
