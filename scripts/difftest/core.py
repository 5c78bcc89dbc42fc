"""The pieces of the differential: random operations, the comparison of two gateways' answers
(documented differences removed), the spec's key order, and AST minimization.

Shared by ``scripts/differential`` (corpus scenarios and random supergraphs) and the test slice
``tests/federation/test_random_graphs.py``.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import random
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    get_named_type,
    is_composite_type,
    is_leaf_type,
    parse,
    print_ast,
    validate,
    value_from_ast,
    value_from_ast_untyped,
    visit,
)
from graphql.language import ast as gast

MAX_DEPTH = 5
ALIAS_PREFIX = "al"
FETCH_FAILURE_CODES = {"SUBREQUEST_HTTP_ERROR", "SUBREQUEST_MALFORMED_RESPONSE"}
COMPLETION_MESSAGES = ("Cannot return null for non-nullable", "Invalid value found for field")
VALUE_COMPLETION = "<valueCompletion>"


# --------------------------------------------------------------------------------------------
# HTTP


def post(
    url: str,
    payload: dict[str, Any],
    headers: dict[str, str] | None = None,
    timeout: float = 60,
) -> dict:
    body = json.dumps(payload).encode()
    req = urllib.request.Request(
        url, data=body, headers={"content-type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw, status = resp.read(), resp.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
        return {"status": 0, "body": {"<no response>": repr(error)}}
    try:
        return {"status": status, "body": json.loads(raw)}
    except ValueError:
        return {"status": status, "body": {"<not json>": raw.decode(errors="replace")}}


def payload_of(query: str, variables: dict[str, Any] | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"query": query}
    if variables:
        payload["variables"] = variables
    return payload


# --------------------------------------------------------------------------------------------
# Value pools: plausible argument values


class Pools:
    """Argument values seen in the scenario's queries, and scalars seen in responses."""

    def __init__(self) -> None:
        self.by_argument: dict[tuple[str, str, str], list[Any]] = {}  # (type, field, arg)
        self.by_arg_name: dict[str, list[Any]] = {}
        self.by_field: dict[str, list[Any]] = {}  # response scalars by field name

    @staticmethod
    def _add(table: dict, key: Any, value: Any, limit: int = 40) -> None:
        values = table.setdefault(key, [])
        if value not in values and len(values) < limit:
            values.append(value)

    def add_query(self, schema: GraphQLSchema, query: str, variables: dict | None) -> None:
        try:
            document = parse(query)
        except GraphQLError:
            return
        if validate(schema, document):
            return
        type_info = TypeInfo(schema)
        pools = self

        class Collect(Visitor):
            def enter_argument(self, node: gast.ArgumentNode, *_: Any) -> None:
                arg = type_info.get_argument()
                parent = type_info.get_parent_type()
                field = type_info.get_field_def()
                if arg is None or parent is None or field is None or type_info.get_directive():
                    return
                try:
                    value = value_from_ast(node.value, arg.type, variables or {})
                except Exception:
                    return
                if value is _undefined() or (
                    value is None and not isinstance(node.value, gast.NullValueNode)
                ):
                    return
                fields = getattr(parent, "fields", {})
                field_name = next((n for n, f in fields.items() if f is field), None)
                if field_name is None:
                    return
                pools._add(pools.by_argument, (parent.name, field_name, node.name.value), value)
                pools._add(pools.by_arg_name, node.name.value, value)

        visit(document, TypeInfoVisitor(type_info, Collect()))

    def add_response(self, data: Any) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                if isinstance(value, (str, int)) and not isinstance(value, bool):
                    if not key.startswith(ALIAS_PREFIX) and not key.startswith("__"):
                        self._add(self.by_field, key, value)
                else:
                    self.add_response(value)
        elif isinstance(data, list):
            for item in data:
                self.add_response(item)


# --------------------------------------------------------------------------------------------
# Query generation


def literal(value: Any, type_: GraphQLInputType) -> str:
    """A GraphQL literal for an (already coerced-shape) JSON value of ``type_``."""
    if isinstance(type_, GraphQLNonNull):
        return literal(value, type_.of_type)
    if value is None:
        return "null"
    if isinstance(type_, GraphQLList):
        if isinstance(value, list):
            return "[" + ", ".join(literal(v, type_.of_type) for v in value) + "]"
        return literal(value, type_.of_type)
    if isinstance(type_, GraphQLEnumType):
        return str(value)
    if isinstance(type_, GraphQLInputObjectType):
        fields = ", ".join(
            f"{k}: {literal(v, type_.fields[k].type)}"
            for k, v in value.items()
            if k in type_.fields and v is not _undefined()
        )
        return "{" + fields + "}"
    return json_literal(value)


def json_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(json_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {json_literal(v)}" for k, v in value.items()) + "}"
    return json.dumps(str(value))


def enum_names(type_: GraphQLEnumType) -> list[str]:
    return list(type_.values)


def to_json(value: Any, type_: GraphQLInputType) -> Any:
    """The JSON variable value for an internal value produced by value_from_ast / the pools."""
    if isinstance(type_, GraphQLNonNull):
        return to_json(value, type_.of_type)
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        if isinstance(value, list):
            return [to_json(v, type_.of_type) for v in value]
        return to_json(value, type_.of_type)
    if isinstance(type_, GraphQLInputObjectType):
        return {
            k: to_json(v, type_.fields[k].type)
            for k, v in value.items()
            if k in type_.fields and v is not _undefined()
        }
    return value


class Generator:
    def __init__(
        self,
        schema: GraphQLSchema,
        pools: Pools,
        rng: random.Random,
        max_depth: int = MAX_DEPTH,
        max_fields: int = 5,
    ) -> None:
        self.schema = schema
        self.pools = pools
        self.rng = rng
        self.max_depth = max_depth
        self.max_fields = max_fields

    # One operation --------------------------------------------------------------------------

    def operation(self, allow_mutation: bool) -> tuple[str, dict[str, Any]]:
        self.var_defs: list[str] = []
        self.variables: dict[str, Any] = {}
        self.fragments: dict[str, str] = {}
        self.alias_counter = 0
        self.nesting = 0
        rng = self.rng
        root = self.schema.query_type
        kind = "query"
        if allow_mutation and self.schema.mutation_type is not None and rng.random() < 0.25:
            root, kind = self.schema.mutation_type, "mutation"
        assert root is not None
        body = self.selection_set(root, 1, root_level=True)
        defs = f"({', '.join(self.var_defs)})" if self.var_defs else ""
        name = rng.choice(["", " Q", " Op"]) if not defs else rng.choice([" Q", " Op", ""])
        header = f"{kind}{name}{defs} " if (name or defs or kind != "query") else ""
        text = header + body
        for frag_name, frag in self.fragments.items():
            text += f"\n\nfragment {frag_name} {frag}"
        return text, dict(self.variables)

    # Selections -----------------------------------------------------------------------------

    def selection_set(
        self,
        type_: GraphQLNamedType,
        depth: int,
        root_level: bool = False,
        scope: dict[str, Any] | None = None,
    ) -> str:
        """``scope``: response key -> (arguments, scope of its subselection), shared by the
        fragments merged into this selection set, to avoid most field conflicts."""
        rng = self.rng
        scope = {} if scope is None else scope
        items: list[str] = []
        if isinstance(type_, (GraphQLObjectType, GraphQLInterfaceType)):
            fields = list(type_.fields.items())
            counts = [c for c in (1, 1, 2, 2, 3, 3, 4, 5) if c <= self.max_fields]
            count = rng.choice(counts) if not root_level else rng.choice([1, 1, 2, 3])
            for _ in range(count):
                name, field = rng.choice(fields)
                items.extend(self.field_selections(type_, name, field, depth, scope))
        fragment_odds = 0.6 if self.abstract(type_) else 0.15
        if (
            is_composite_type(type_)
            and (isinstance(type_, GraphQLUnionType) or rng.random() < fragment_odds)
            and self.nesting < 3
        ):
            self.nesting += 1
            for _ in range(rng.choice([1, 1, 2, 3])):
                items.append(self.fragment(type_, depth, scope))
            self.nesting -= 1
        if not root_level and (rng.random() < 0.15 or not items):
            items.insert(rng.randrange(len(items) + 1), "__typename")
        elif root_level and rng.random() < 0.05:
            items.append("__typename")
        return "{ " + " ".join(items) + " }"

    def abstract(self, type_: GraphQLNamedType) -> bool:
        return isinstance(type_, (GraphQLInterfaceType, GraphQLUnionType))

    def possible(self, type_: GraphQLNamedType) -> set[str]:
        if isinstance(type_, GraphQLObjectType):
            return {type_.name}
        return {t.name for t in self.schema.get_possible_types(type_)}  # type: ignore[arg-type]

    def fragment(self, parent: GraphQLNamedType, depth: int, scope: dict[str, Any]) -> str:
        """An inline fragment or a named fragment spread whose condition overlaps ``parent``."""
        rng = self.rng
        mine = self.possible(parent)
        candidates = [
            t
            for t in self.schema.type_map.values()
            if is_composite_type(t) and not t.name.startswith("__") and self.possible(t) & mine
        ]
        candidates.sort(key=lambda t: t.name)
        condition = rng.choice(candidates) if candidates else parent
        directive = self.condition_directive() if rng.random() < 0.2 else ""
        if self.abstract(parent) and rng.random() < 0.15:
            # Fragments nested three deep, each condition overlapping the one around it.
            chain = [condition]
            for _ in range(2):
                inner_mine = self.possible(chain[-1])
                inner = [c for c in candidates if self.possible(c) & inner_mine]
                chain.append(rng.choice(inner) if inner else chain[-1])
            text = self.selection_set(chain[-1], depth, scope=scope)
            for cond in reversed(chain[1:]):
                text = f"{{ ... on {cond.name}{self.maybe_condition()} {text} }}"
            return f"... on {chain[0].name}{directive} {text}"
        if rng.random() < 0.1 and not isinstance(parent, GraphQLUnionType):
            # No type condition: `... @include(if: ...) { ... }`.
            sub = self.selection_set(parent, depth, scope=scope)
            return f"...{directive or self.condition_directive()} " + sub
        selection = self.selection_set(condition, depth, scope=scope)
        if rng.random() < 0.35:
            name = f"F{len(self.fragments)}"
            self.fragments[name] = f"on {condition.name} {selection}"
            return f"...{name}{directive}"
        return f"... on {condition.name}{directive} {selection}"

    def field_selections(
        self, parent: GraphQLNamedType, name: str, field: Any, depth: int, scope: dict[str, Any]
    ) -> list[str]:
        rng = self.rng
        named = get_named_type(field.type)
        if depth >= self.max_depth and not is_leaf_type(named):
            return ["__typename"] if rng.random() < 0.5 else []
        composite = is_composite_type(named)
        args = self.arguments(parent.name, name, field.args)
        if composite and rng.random() < 0.08:
            # Only `__typename` under an alias: `a1: category { __typename }`.
            inner = "__typename" if rng.random() < 0.7 else f"{self.alias(force=True)}__typename"
            return [f"{self.alias(force=True)}{name}{args}{self.maybe_condition()} {{ {inner} }}"]
        alias = self.alias()
        if not alias and name in scope and scope[name][0] != args and rng.random() < 0.9:
            alias = self.alias(force=True)
        if alias:
            key, child = alias[:-2], {}
        else:
            key = name
            child = scope[name][1] if name in scope else {}
        scope.setdefault(key, (args, child))
        sub = self.selection_set(named, depth + 1, scope=child) if composite else ""
        out = [f"{alias}{name}{args}{self.maybe_condition()}{(' ' + sub) if sub else ''}"]
        roll = rng.random()
        if roll < 0.12:
            # The same field again under another alias, with other arguments.
            other_args = self.arguments(parent.name, name, field.args)
            other = self.alias(force=True)
            other_sub = self.selection_set(named, depth + 1) if composite else ""
            out.append(f"{other}{name}{other_args}{(' ' + other_sub) if other_sub else ''}")
        elif roll < 0.2 and composite:
            # The same response key again (same arguments), another subselection to merge.
            other_sub = self.selection_set(named, depth + 1, scope=child)
            out.append(f"{alias}{name}{args}{self.maybe_condition()} {other_sub}")
        return out

    def alias(self, force: bool = False) -> str:
        if force or self.rng.random() < 0.18:
            self.alias_counter += 1
            return f"{ALIAS_PREFIX}{self.alias_counter}: "
        return ""

    def maybe_condition(self) -> str:
        return self.condition_directive() if self.rng.random() < 0.1 else ""

    def condition_directive(self) -> str:
        rng = self.rng
        directive = rng.choice(["include", "skip"])
        if rng.random() < 0.5:
            value = rng.choice(["true", "false"])
        else:
            var = f"c{len(self.var_defs)}"
            choice = rng.random()
            if choice < 0.2:
                self.var_defs.append(f"${var}: Boolean = {rng.choice(['true', 'false'])}")
            elif choice < 0.35:
                self.var_defs.append(f"${var}: Boolean = {rng.choice(['true', 'false'])}")
                self.variables[var] = rng.choice([True, False])
            else:
                self.var_defs.append(f"${var}: Boolean!")
                self.variables[var] = rng.choice([True, False])
            value = f"${var}"
        return f" @{directive}(if: {value})"

    # Arguments ------------------------------------------------------------------------------

    def arguments(self, parent: str, field: str, args: dict[str, Any]) -> str:
        rng = self.rng
        parts = []
        for arg_name, arg in args.items():
            required = isinstance(arg.type, GraphQLNonNull) and arg.default_value is _undefined()
            if not required and rng.random() < 0.6:
                continue
            value = self.value(arg.type, parent, field, arg_name, arg.default_value)
            if rng.random() < 0.2:
                var = f"v{len(self.var_defs)}"
                type_text = str(arg.type)
                if isinstance(arg.type, GraphQLNonNull) and rng.random() < 0.3:
                    # A nullable variable with a default, in a non-null position.
                    self.var_defs.append(f"${var}: {arg.type.of_type} = {literal(value, arg.type)}")
                    if rng.random() < 0.5:
                        self.variables[var] = to_json(value, arg.type)
                elif value is not None or not isinstance(arg.type, GraphQLNonNull):
                    self.var_defs.append(f"${var}: {type_text}")
                    self.variables[var] = to_json(value, arg.type)
                else:
                    parts.append(f"{arg_name}: {literal(value, arg.type)}")
                    continue
                parts.append(f"{arg_name}: ${var}")
            else:
                parts.append(f"{arg_name}: {literal(value, arg.type)}")
        return f"({', '.join(parts)})" if parts else ""

    def value(self, type_: Any, parent: str, field: str, arg_name: str, default: Any = None) -> Any:
        rng = self.rng
        pools = self.pools
        if not isinstance(type_, GraphQLNonNull) and rng.random() < 0.04:
            return None
        inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
        is_list = isinstance(inner, GraphQLList)
        seen = [
            v
            for v in pools.by_argument.get((parent, field, arg_name), [])
            if isinstance(v, list) == is_list
        ]
        if seen and rng.random() < 0.6:
            return copy.deepcopy(rng.choice(seen))
        if default is not _undefined() and default is not None and rng.random() < 0.3:
            return copy.deepcopy(default)
        if isinstance(inner, GraphQLList):
            count = rng.choice([1, 1, 2, 3])
            items = [self.value(inner.of_type, parent, field, arg_name) for _ in range(count)]
            return items if rng.random() < 0.9 else items[0]
        if isinstance(inner, GraphQLEnumType):
            return rng.choice(enum_names(inner))
        if isinstance(inner, GraphQLInputObjectType):
            out = {}
            for name, f in inner.fields.items():
                required = isinstance(f.type, GraphQLNonNull) and f.default_value is _undefined()
                if required or rng.random() < 0.5:
                    out[name] = self.value(f.type, inner.name, name, name, f.default_value)
            return out
        assert isinstance(inner, GraphQLScalarType)
        by_name = [v for v in pools.by_arg_name.get(arg_name, []) if not isinstance(v, list)]
        harvested = pools.by_field.get(arg_name, [])
        if inner.name == "ID" and not harvested:
            harvested = pools.by_field.get("id", [])
        if inner.name == "Int":
            choices = [v for v in by_name + harvested if isinstance(v, int)] + [0, 1, 2, 3, -1]
            return rng.choice(choices)
        if inner.name == "Float":
            choices = [v for v in by_name if isinstance(v, (int, float))] + [0.5, 1.0, 2.5]
            return rng.choice(choices)
        if inner.name == "Boolean":
            return rng.choice([True, False])
        if inner.name in ("ID", "String"):
            choices = [v for v in by_name + harvested if isinstance(v, (str, int))]
            if choices and rng.random() < 0.85:
                value = rng.choice(choices)
                return str(value) if inner.name == "String" or isinstance(value, str) else value
            return rng.choice(["1", "x", "missing"])
        # A custom scalar: only values seen for this argument name.
        if by_name:
            return copy.deepcopy(rng.choice(by_name))
        return rng.choice(["1", "x"])


def _undefined() -> Any:
    from graphql.pyutils import Undefined

    return Undefined


# --------------------------------------------------------------------------------------------
# Comparison


def is_progressive(sdl: str) -> bool:
    return '"percent(' in sdl


def normalize_progressive(value: Any) -> Any:
    """Percent labels: Hansa evaluates them, Apollo Gateway never does (docs/gateway.md)."""
    if isinstance(value, dict):
        return {k: normalize_progressive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize_progressive(v) for v in value]
    if isinstance(value, str) and value.startswith(("old: ", "new: ")):
        return "<old|new>: " + value[5:]
    return value


def ordered(value: Any) -> Any:
    """JSON with object key order kept (as lists); numbers compare by value (40 == 40.0)."""
    if isinstance(value, dict):
        return [(k, ordered(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [ordered(v) for v in value]
    return value


def sorted_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return sorted((k, sorted_keys(v)) for k, v in value.items())
    if isinstance(value, list):
        return [sorted_keys(v) for v in value]
    return value


def _related(a: tuple, b: tuple) -> bool:
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def error_keys(body: dict[str, Any], apollo: bool) -> Counter:
    """The multiset of (path, code) of a response's errors, documented differences removed."""
    out: Counter = Counter()
    subgraph_paths: list[tuple] = []
    fetch_failed = False
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        path = tuple(error["path"]) if error.get("path") else None
        message = str(error.get("message", ""))
        if not apollo and code in FETCH_FAILURE_CODES:
            fetch_failed = True
            continue
        if apollo and path is None and code == "INTERNAL_SERVER_ERROR":
            fetch_failed = True  # a failed fetch, reported under Apollo Gateway's code
            continue
        if not apollo and message.startswith(COMPLETION_MESSAGES) and code is None:
            code = VALUE_COMPLETION
        elif path is not None:
            subgraph_paths.append(path)
        out[(path, code)] += 1
    if apollo:
        for entry in (body.get("extensions") or {}).get("valueCompletion") or []:
            path = tuple(entry.get("path") or ())
            if any(_related(path, p) for p in subgraph_paths):
                continue  # Hansa adds none where a subgraph error explains the null
            out[(path or None, VALUE_COMPLETION)] += 1
    del fetch_failed
    return out


def compare(sdl: str, apollo: dict, hansa: dict) -> list[str]:
    """The kinds of difference: status, data (values), key-order (same values), errors."""
    kinds = []
    if apollo["status"] != hansa["status"]:
        kinds.append("status")
    a_body, h_body = apollo["body"], hansa["body"]
    a_data, h_data = a_body.get("data"), h_body.get("data")
    if is_progressive(sdl):
        a_data, h_data = normalize_progressive(a_data), normalize_progressive(h_data)
    if ("data" in a_body) != ("data" in h_body) or ordered(a_data) != ordered(h_data):
        same_values = ("data" in a_body) == ("data" in h_body) and sorted_keys(
            a_data
        ) == sorted_keys(h_data)
        kinds.append("key-order" if same_values else "data")
    a_errors, h_errors = error_keys(a_body, True), error_keys(h_body, False)
    if a_body.get("errors"):
        # Apollo Gateway drops all its valueCompletion entries once there is any error; Hansa
        # reports nulls in non-null positions as errors (docs/gateway.md): not comparable.
        h_errors = Counter({k: n for k, n in h_errors.items() if k[1] != VALUE_COMPLETION})
    if a_errors != h_errors:
        nulled = "data" not in kinds and all(
            _under_null(a_data, path) for path, _ in (a_errors - h_errors) + (h_errors - a_errors)
        )
        # errors only below a position both answers null: the same answer, reached by different
        # (both valid) fetches; e.g. one error per item of an `_entities` call against the
        # first error of a root list.
        kinds.append("errors-under-null" if nulled else "errors")
    return kinds


def _under_null(data: Any, path: tuple | None) -> bool:
    """Is ``path`` at or below a null (or missing) position of ``data``? (not the path itself)"""
    if path is None:
        return False
    node = data
    for step in path[:-1]:
        if node is None:
            return True
        if isinstance(node, dict):
            if step not in node:
                return True
            node = node[step]
        elif isinstance(node, list):
            if not isinstance(step, int) or step >= len(node):
                return True
            node = node[step]
        else:
            return False
    return node is None


# --------------------------------------------------------------------------------------------
# Key order per the spec (CollectFields), to tell whose order is wrong


class SpecOrder:
    """Reorders a response's objects into the order GraphQL's CollectFields gives."""

    def __init__(self, schema: GraphQLSchema, query: str, variables: dict[str, Any]) -> None:
        self.schema = schema
        document = parse(query)
        self.fragments = {
            d.name.value: d
            for d in document.definitions
            if isinstance(d, gast.FragmentDefinitionNode)
        }
        self.operation = next(
            d for d in document.definitions if isinstance(d, gast.OperationDefinitionNode)
        )
        self.variables = dict(variables)
        for definition in self.operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and definition.default_value is not None:
                self.variables[name] = value_from_ast_untyped(definition.default_value)

    def _included(self, node: Any) -> bool:
        for directive in node.directives or ():
            if directive.name.value not in ("skip", "include"):
                continue
            arg = next(a for a in directive.arguments if a.name.value == "if")
            if isinstance(arg.value, gast.VariableNode):
                value = bool(self.variables.get(arg.value.name.value))
            else:
                value = value_from_ast_untyped(arg.value)
            if (directive.name.value == "skip") == bool(value):
                return False
        return True

    def _applies(self, condition: Any, type_: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        named = self.schema.get_type(condition.name.value)
        if named is type_:
            return True
        return bool(self.abstract(named)) and self.schema.is_sub_type(named, type_)  # type: ignore[arg-type]

    @staticmethod
    def abstract(type_: Any) -> bool:
        return isinstance(type_, (GraphQLInterfaceType, GraphQLUnionType))

    def collect(self, type_: GraphQLObjectType, sets: list[Any]) -> dict[str, list[Any]]:
        out: dict[str, list[Any]] = {}
        visited: set[str] = set()

        def walk(selection_set: Any) -> None:
            for node in selection_set.selections:
                if not self._included(node):
                    continue
                if isinstance(node, gast.FieldNode):
                    key = node.alias.value if node.alias else node.name.value
                    out.setdefault(key, []).append(node)
                elif isinstance(node, gast.InlineFragmentNode):
                    if self._applies(node.type_condition, type_):
                        walk(node.selection_set)
                elif isinstance(node, gast.FragmentSpreadNode):
                    name = node.name.value
                    if name in visited:
                        continue
                    visited.add(name)
                    fragment = self.fragments[name]
                    if self._applies(fragment.type_condition, type_):
                        walk(fragment.selection_set)

        for selection_set in sets:
            walk(selection_set)
        return out

    def reorder(self, data: Any) -> Any:
        root = self.schema.get_root_type(self.operation.operation)  # type: ignore[attr-defined]
        return self._value(data, root, [self.operation.selection_set])

    def _value(self, value: Any, type_: Any, sets: list[Any]) -> Any:
        if value is None:
            return None
        if isinstance(type_, GraphQLNonNull):
            return self._value(value, type_.of_type, sets)
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                return value
            return [self._value(v, type_.of_type, sets) for v in value]
        if not isinstance(value, dict) or is_leaf_type(type_):
            return value
        runtime = type_
        if self.abstract(type_):
            runtime = None
            for candidate in self.schema.get_possible_types(type_):
                fields = self.collect(candidate, sets)
                if set(fields) != set(value):
                    continue
                typename_keys = [k for k, n in fields.items() if n[0].name.value == "__typename"]
                if typename_keys and value.get(typename_keys[0]) != candidate.name:
                    continue
                runtime = candidate
                break
            if runtime is None:
                return value  # cannot tell the runtime type: leave as is
        fields = self.collect(runtime, sets)
        result = {}
        for key, nodes in fields.items():
            if key not in value:
                continue
            name = nodes[0].name.value
            if name == "__typename":
                result[key] = value[key]
                continue
            definition = runtime.fields.get(name)
            if definition is None:
                result[key] = value[key]
                continue
            sub = [n.selection_set for n in nodes if n.selection_set is not None]
            result[key] = self._value(value[key], definition.type, sub)
        for key in value:  # anything unexpected stays, at the end
            if key not in result:
                result[key] = value[key]
        return result


def spec_order_verdict(
    schema: GraphQLSchema, query: str, variables: dict[str, Any], apollo: dict, hansa: dict
) -> str:
    """For a key-order mismatch: which side follows CollectFields ("hansa", "apollo", "neither")."""
    try:
        spec = SpecOrder(schema, query, variables)
        a_data, h_data = apollo["body"].get("data"), hansa["body"].get("data")
        a_ok = ordered(spec.reorder(a_data)) == ordered(a_data)
        h_ok = ordered(spec.reorder(h_data)) == ordered(h_data)
    except Exception as error:
        return f"unknown ({error!r})"
    return "both" if a_ok and h_ok else "hansa" if h_ok else "apollo" if a_ok else "neither"


# --------------------------------------------------------------------------------------------
# Minimization: greedy deletion over the AST


def _children(node: Any) -> Iterator[tuple[tuple, str]]:
    """(path, kind) of every deletable element under ``node``; path = ((attr, index), ...)."""

    def walk(n: Any, path: tuple) -> Iterator[tuple[tuple, str]]:
        if not isinstance(n, gast.Node):
            return
        for f in dataclasses.fields(n):
            value = getattr(n, f.name)
            if f.name == "loc":
                continue
            if isinstance(value, tuple):
                for i, child in enumerate(value):
                    if f.name in (
                        "selections",
                        "arguments",
                        "directives",
                        "definitions",
                        "values",
                        "fields",
                    ):
                        yield ((*path, (f.name, i)), f.name)
                    yield from walk(child, (*path, (f.name, i)))
            elif isinstance(value, gast.Node):
                if f.name == "alias":
                    yield ((*path, (f.name, None)), "alias")
                yield from walk(value, (*path, (f.name, None)))

    yield from walk(node, ())


def _update(node: Any, path: tuple, fn: Callable[[Any], Any]) -> Any:
    if not path:
        return fn(node)
    (attr, index), rest = path[0], path[1:]
    value = getattr(node, attr)
    if index is None:
        new_value = _update(value, rest, fn) if rest else fn(value)
    else:
        items = list(value)
        if rest:
            items[index] = _update(items[index], rest, fn)
            new_value = tuple(items)
        else:
            new_value = fn(value)  # fn gets the tuple
    clone = copy.copy(node)
    object.__setattr__(clone, attr, new_value)
    return clone


def _delete(document: DocumentNode, path: tuple) -> DocumentNode:
    index = path[-1][1]
    if index is None:
        return _update(document, path, lambda _v: None)
    return _update(document, path, lambda items: (*items[:index], *items[index + 1 :]))


def _unwrap_fragment(document: DocumentNode, path: tuple) -> DocumentNode | None:
    """Replace an inline fragment by its selections."""
    node: Any = document
    for attr, index in path:
        node = getattr(node, attr) if index is None else getattr(node, attr)[index]
    if not isinstance(node, gast.InlineFragmentNode):
        return None
    (attr, index) = path[-1]
    inner = node.selection_set.selections
    return _update(document, path, lambda items: (*items[:index], *inner, *items[index + 1 :]))


def _inline_spread(document: DocumentNode, path: tuple) -> DocumentNode | None:
    """Replace a named fragment spread by an inline fragment with the fragment's content."""
    node: Any = document
    for attr, index in path:
        node = getattr(node, attr) if index is None else getattr(node, attr)[index]
    if not isinstance(node, gast.FragmentSpreadNode):
        return None
    fragment = next(
        d
        for d in document.definitions
        if isinstance(d, gast.FragmentDefinitionNode) and d.name.value == node.name.value
    )
    inline = gast.InlineFragmentNode(
        type_condition=fragment.type_condition,
        directives=node.directives,
        selection_set=fragment.selection_set,
    )
    (attr, index) = path[-1]
    return _update(document, path, lambda items: (*items[:index], inline, *items[index + 1 :]))


class _Uses(Visitor):
    """The fragments spread and the variables used in a document."""

    def __init__(self) -> None:
        super().__init__()
        self.fragments: set[str] = set()
        self.variables: set[str] = set()

    def enter_fragment_spread(self, node: Any, *_: Any) -> None:
        self.fragments.add(node.name.value)

    def enter_variable(self, node: Any, _key: Any, parent: Any, *_: Any) -> None:
        if not isinstance(parent, gast.VariableDefinitionNode):
            self.variables.add(node.name.value)


def _clean(document: DocumentNode, variables: dict[str, Any]) -> tuple[DocumentNode, dict]:
    """Drop unused fragments and variable definitions (repeat until stable)."""
    while True:
        text = print_ast(document)
        uses = _Uses()
        visit(document, uses)
        used_fragments, used_vars = uses.fragments, uses.variables
        definitions = tuple(
            d
            for d in document.definitions
            if not isinstance(d, gast.FragmentDefinitionNode) or d.name.value in used_fragments
        )
        new_defs = []
        for d in definitions:
            if isinstance(d, gast.OperationDefinitionNode):
                kept = tuple(
                    v for v in d.variable_definitions or () if v.variable.name.value in used_vars
                )
                d = copy.copy(d)
                object.__setattr__(d, "variable_definitions", kept)
            new_defs.append(d)
        document = copy.copy(document)
        object.__setattr__(document, "definitions", tuple(new_defs))
        if print_ast(document) == text:
            break
    variables = {k: v for k, v in variables.items() if k in used_vars}
    return document, variables


def _has_empty_selection_set(document: DocumentNode) -> bool:
    empty = False

    class Find(Visitor):
        def enter_selection_set(self, node: Any, *_: Any) -> None:
            nonlocal empty
            if not node.selections:
                empty = True

    visit(document, Find())
    return empty


def minimize(
    schema: GraphQLSchema,
    query: str,
    variables: dict[str, Any],
    still_fails: Callable[[str, dict[str, Any]], bool],
    max_attempts: int = 600,
    max_seconds: float = 120.0,
) -> tuple[str, dict[str, Any]]:
    document, variables = _clean(parse(query, no_location=True), variables)
    budget = max_attempts
    position, changed = 0, False
    deadline = time.monotonic() + max_seconds
    while budget > 0 and time.monotonic() < deadline:
        children = list(_children(document))
        if position >= len(children):
            if not changed:
                break
            position, changed = 0, False  # another pass over the smaller document
            continue
        path, kind = children[position]
        attempts = [lambda d, p=path: _delete(d, p)]
        if kind == "selections":
            attempts.append(lambda d, p=path: _unwrap_fragment(d, p))
            attempts.append(lambda d, p=path: _inline_spread(d, p))
        for attempt in attempts:
            try:
                candidate = attempt(document)
            except (IndexError, AttributeError, TypeError, StopIteration):
                continue
            if candidate is None:
                continue
            candidate, cand_vars = _clean(candidate, variables)
            if _has_empty_selection_set(candidate) or validate(schema, candidate):
                continue  # `{}` is a syntax error (SelectionSet: { Selection+ })
            budget -= 1
            if still_fails(print_ast(candidate), cand_vars):
                document, variables = candidate, cand_vars
                changed = True
                break
        else:
            position += 1  # nothing worked here: next element (else retry the same position)
    return print_ast(document), variables


# --------------------------------------------------------------------------------------------
# Running: one target (a supergraph served by both gateways), many operations


class Target(Protocol):
    """A supergraph served by Apollo Gateway and Hansa's gateway, behind the same subgraphs."""

    name: str
    sdl: str
    schema: GraphQLSchema
    hansa: str

    def both(self, query: str, variables: dict[str, Any]) -> tuple[dict, dict, list[str]]: ...

    def apollo_plan(self, query: str) -> str: ...


@dataclass
class Options:
    queries: int = 100
    minimize: bool = False
    minimize_per_kind: int = 6
    no_mutations: bool = False
    quiet: bool = False
    out: str | None = None
    minimize_seconds: float = 120.0
    max_depth: int = MAX_DEPTH
    max_fields: int = 5


Verdict = Callable[[dict[str, Any]], str | None]


@dataclass
class Checker:
    """Sends operations to a target, records, re-checks and minimizes the mismatches."""

    options: Options
    sent: int = 0
    generated: int = 0
    invalid: int = 0
    mismatches: list[dict[str, Any]] = field(default_factory=list)
    extra: Callable[[Target], dict[str, Any]] | None = None  # added to every record
    verdict: Verdict | None = None  # "who is right", from the record (minimized if so)
    minimized_global: dict[tuple[str, ...], int] | None = None  # else a budget per target

    def __post_init__(self) -> None:
        self.out = open(self.options.out, "w") if self.options.out else None  # noqa: SIM115

    def close(self) -> None:
        if self.out:
            self.out.close()

    def run(self, target: Target, pools: Pools, rng: random.Random) -> tuple[int, int]:
        """``options.queries`` valid operations against ``target``; (produced, mismatches)."""
        generator = Generator(
            target.schema, pools, rng, self.options.max_depth, self.options.max_fields
        )
        found = attempts = produced = 0
        minimized: dict[tuple[str, ...], int] = {}
        options = self.options
        while produced < options.queries and attempts < options.queries * 5:
            attempts += 1
            query, variables = generator.operation(allow_mutation=not options.no_mutations)
            try:
                document = parse(query, allow_empty_selection_sets=False)
            except GraphQLError:
                self.invalid += 1
                continue
            if validate(target.schema, document):
                self.invalid += 1
                continue
            produced += 1
            self.generated += 1
            a, h, kinds = self.both(target, query, variables)
            pools.add_response(a["body"].get("data"))
            if not kinds:
                continue
            found += 1
            key: tuple[str, ...] = tuple(kinds)
            table = minimized
            if self.minimized_global is not None:
                # one budget for the whole run, per kind of difference and verdict
                quick = (
                    self.verdict(
                        {
                            "apollo": a,
                            "hansa": h,
                            "query": query,
                            "variables": variables,
                            "kinds": kinds,
                        }
                    )
                    if self.verdict
                    else None
                )
                key, table = (*kinds, quick or ""), self.minimized_global
            table[key] = table.get(key, 0) + 1
            shrink = options.minimize and table[key] <= options.minimize_per_kind
            self.mismatch(target, query, variables, a, h, kinds, shrink)
        return produced, found

    def both(
        self, target: Target, query: str, variables: dict[str, Any]
    ) -> tuple[dict, dict, list[str]]:
        self.sent += 1
        return target.both(query, variables)

    def mismatch(
        self,
        target: Target,
        query: str,
        variables: dict[str, Any],
        a: dict,
        h: dict,
        kinds: list[str],
        shrink: bool,
    ) -> dict[str, Any]:
        # Flaky? (a dropped connection, parallel fetches...)
        kinds2 = self.both(target, query, variables)[2]
        flaky = kinds2 != kinds
        record: dict[str, Any] = {
            "scenario": target.name,
            "kinds": kinds,
            "flaky": flaky,
            "query": query,
            "variables": variables,
            "apollo": a,
            "hansa": h,
        }
        if self.extra is not None:
            record.update(self.extra(target))
        if shrink and not flaky:

            def still(text: str, v: dict[str, Any]) -> bool:
                return self.both(target, text, v)[2] == kinds

            mq, mv = minimize(
                target.schema, query, variables, still, max_seconds=self.options.minimize_seconds
            )
            ma, mh, _ = self.both(target, mq, mv)
            record.update(min_query=mq, min_variables=mv, min_apollo=ma, min_hansa=mh)
        shown_q = record.get("min_query", query)
        shown_v = record.get("min_variables", variables)
        if "key-order" in kinds:
            record["spec_order"] = spec_order_verdict(
                target.schema,
                shown_q,
                shown_v,
                record.get("min_apollo", a),
                record.get("min_hansa", h),
            )
        planned = post(
            target.hansa, payload_of(shown_q, shown_v), {"hansa-expose-query-plan": "true"}
        )
        record["hansa_plan"] = (planned["body"].get("extensions") or {}).get("queryPlan")
        record["apollo_plan"] = target.apollo_plan(shown_q)
        if self.verdict is not None:
            verdict = self.verdict(record)
            if verdict:
                record["verdict"] = verdict
        self.mismatches.append(record)
        self.report(record)
        return record

    def report(self, record: dict[str, Any]) -> None:
        if self.out:
            self.out.write(json.dumps(record) + "\n")
            self.out.flush()
        if self.options.quiet:
            return
        minimal = "min_query" in record
        q = record.get("min_query", record["query"])
        v = record.get("min_variables", record["variables"])
        a = record.get("min_apollo", record["apollo"])
        h = record.get("min_hansa", record["hansa"])
        print("=" * 100)
        print(
            f"MISMATCH in {record['scenario']}: {', '.join(record['kinds'])}"
            f"{' (flaky)' if record['flaky'] else ''}{' (minimized)' if minimal else ''}"
        )
        if "reproduce" in record:
            print(f"reproduce: {record['reproduce']}")
        if "spec_order" in record:
            print(f"key order per the spec (CollectFields) followed by: {record['spec_order']}")
        if "verdict" in record:
            print(f"verdict: {record['verdict']}")
        print(q)
        if v:
            print("variables:", json.dumps(v))
        print(f"-- apollo ({a['status']}):", json.dumps(a["body"]))
        print(f"-- hansa  ({h['status']}):", json.dumps(h["body"]))
        print("-- hansa plan:\n" + str(record["hansa_plan"]))
        print("-- apollo plan:\n" + str(record["apollo_plan"]))
        flush()

    def summary(self) -> None:
        kinds: Counter[tuple[str, str, str]] = Counter()
        for m in self.mismatches:
            kinds[(m["scenario"], ", ".join(m["kinds"]), m.get("spec_order", ""))] += 1
        for (scenario, kind, order), count in sorted(kinds.items()):
            extra = f" (spec order followed by {order})" if order else ""
            print(f"  {scenario}: {count} x {kind}{extra}")
        if self.options.minimize:
            self.print_minimized()

    def print_minimized(self) -> None:
        distinct: dict[tuple[str, str, str], int] = {}
        for m in self.mismatches:
            if "min_query" in m:
                key = (m["scenario"], ", ".join(m["kinds"]), m["min_query"])
                distinct[key] = distinct.get(key, 0) + 1
        print(f"distinct minimized mismatches: {len(distinct)}")
        for (scenario, kind, query), count in sorted(distinct.items()):
            print(f"--- {scenario}: {kind} (x{count})\n{query}")


def flush() -> None:
    import sys

    sys.stdout.flush()
