"""Breaking-change rules: each rule driven by a pair of schemas, with the GraphQL spec's (or
graphql-js ``findBreakingChanges``') reason beside each expectation."""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import pytest
from graphql import build_schema

from hansa.registry.checks import Change, schema_changes
from hansa.registry.checks.rules import CHANGE_RULES

BASE = """
type Query { user(id: ID!): User }
type User { id: ID! name: String }
"""


def changes(old: str, new: str) -> list[Change]:
    return schema_changes(build_schema(old), build_schema(new))


def found(old: str, new: str) -> set[tuple[str, str, str]]:
    return {(c.code, c.severity, c.coordinate) for c in changes(old, new)}


@dataclass(frozen=True)
class Case:
    id: str
    old: str
    new: str
    expected: set[tuple[str, str, str]]
    why: str


CASES = [
    # types ---------------------------------------------------------------------------------
    Case(
        "type removed",
        BASE + "type Post { id: ID! } type Feed { post: Post }",
        BASE + "type Feed { id: ID }",
        {
            ("TYPE_REMOVED", "breaking", "Post"),
            ("FIELD_REMOVED", "breaking", "Feed.post"),
            ("FIELD_ADDED", "safe", "Feed.id"),
        },
        "fragments `on Post` no longer validate (KnownTypeNames); the field that returned it "
        "goes with it",
    ),
    Case(
        "type added",
        BASE,
        BASE + "type Post { id: ID! }",
        {("TYPE_ADDED", "safe", "Post")},
        "no existing operation can name a type that did not exist",
    ),
    Case(
        "type kind changed",
        BASE + "type Post { id: ID! }",
        BASE + "interface Post { id: ID! }",
        {("TYPE_KIND_CHANGED", "breaking", "Post")},
        "graphql-js TYPE_CHANGED_KIND: selections written for an object type may not fit an "
        "interface (and field comparisons stop: the kinds differ)",
    ),
    Case(
        "built-in scalars are not types of the schema's own",
        BASE + "type Post { views: Int }",
        BASE + "type Post { views: String }",
        {("FIELD_TYPE_CHANGED", "breaking", "Post.views")},
        "graphql-core keeps Int only while referenced; no operation can name an Int nothing "
        "takes, so its disappearance alone is not reported (graphql-js reports it)",
    ),
    # output fields ------------------------------------------------------------------------
    Case(
        "field removed",
        BASE,
        "type Query { user(id: ID!): User } type User { id: ID! }",
        {("FIELD_REMOVED", "breaking", "User.name")},
        "selecting it fails FieldsOnCorrectType",
    ),
    Case(
        "field added",
        BASE,
        "type Query { user(id: ID!): User } type User { id: ID! name: String age: Int }",
        {("FIELD_ADDED", "safe", "User.age")},
        "no operation selects it yet",
    ),
    Case(
        "output field made non-null",
        BASE,
        "type Query { user(id: ID!): User } type User { id: ID! name: String! }",
        {("FIELD_TYPE_CHANGED", "safe", "User.name")},
        "a client handling null handles a string too (isChangeSafeForObjectOrInterfaceField)",
    ),
    Case(
        "output field made nullable",
        BASE,
        "type Query { user(id: ID!): User } type User { id: ID name: String }",
        {("FIELD_TYPE_CHANGED", "breaking", "User.id")},
        "a client relying on ID! may now get null",
    ),
    Case(
        "output field list items made non-null",
        "type Query { tags: [String] }",
        "type Query { tags: [String!]! }",
        {("FIELD_TYPE_CHANGED", "safe", "Query.tags")},
        "each position only became stricter",
    ),
    Case(
        "output field wrapped in a list",
        "type Query { tag: String }",
        "type Query { tag: [String] }",
        {("FIELD_TYPE_CHANGED", "breaking", "Query.tag")},
        "the answer's shape changes from a value to a list",
    ),
    Case(
        "output field of another named type",
        "type Query { count: Int }",
        "type Query { count: Float }",
        {("FIELD_TYPE_CHANGED", "breaking", "Query.count")},
        "another named type: values a client parsed as Int may not be",
    ),
    Case(
        "interface fields are compared as object fields",
        "type Query { node: Node } interface Node { id: ID! }",
        "type Query { node: Node } interface Node { id: ID }",
        {("FIELD_TYPE_CHANGED", "breaking", "Node.id")},
        "graphql-js compares object and interface fields alike",
    ),
    Case(
        "field deprecated",
        BASE,
        'type Query { user(id: ID!): User } type User { id: ID! name: String @deprecated(reason: "use fullName") }',
        {("FIELD_DEPRECATED", "safe", "User.name")},
        "deprecation changes introspection only",
    ),
    Case(
        "field deprecation removed",
        'type Query { user(id: ID!): User } type User { id: ID! name: String @deprecated(reason: "x") }',
        BASE,
        {("FIELD_DEPRECATION_REMOVED", "safe", "User.name")},
        "un-deprecating changes introspection only",
    ),
    # arguments -----------------------------------------------------------------------------
    Case(
        "argument removed",
        "type Query { users(limit: Int, sort: String): [String] }",
        "type Query { users(limit: Int): [String] }",
        {("ARGUMENT_REMOVED", "breaking", "Query.users(sort:)")},
        "passing it fails KnownArgumentNames",
    ),
    Case(
        "required argument added",
        "type Query { users: [String] }",
        "type Query { users(limit: Int!): [String] }",
        {("ARGUMENT_ADDED", "breaking", "Query.users(limit:)")},
        "every existing call omits it: ProvidedRequiredArguments fails",
    ),
    Case(
        "optional argument added",
        "type Query { users: [String] }",
        "type Query { users(limit: Int, first: Int! = 10): [String] }",
        {
            ("ARGUMENT_ADDED", "safe", "Query.users(limit:)"),
            ("ARGUMENT_ADDED", "safe", "Query.users(first:)"),
        },
        "omitted, it is absent or its default; a non-null argument with a default is optional "
        "(spec: ProvidedRequiredArguments)",
    ),
    Case(
        "argument made nullable",
        "type Query { user(id: ID!): String }",
        "type Query { user(id: ID): String }",
        {("ARGUMENT_TYPE_CHANGED", "safe", "Query.user(id:)")},
        "every value fit for ID! fits ID (VariablesInAllowedPosition accepts ID! in ID)",
    ),
    Case(
        "argument made non-null",
        "type Query { users(limit: Int): [String] }",
        "type Query { users(limit: Int!): [String] }",
        {("ARGUMENT_TYPE_CHANGED", "breaking", "Query.users(limit:)")},
        "a variable of type Int is not allowed in an Int! position; calls omitting it fail",
    ),
    Case(
        "argument list items made nullable",
        "type Query { users(ids: [ID!]!): [String] }",
        "type Query { users(ids: [ID]): [String] }",
        {("ARGUMENT_TYPE_CHANGED", "safe", "Query.users(ids:)")},
        "only positions became more permissive",
    ),
    Case(
        "argument of another named type",
        "type Query { users(limit: Int): [String] }",
        "type Query { users(limit: String): [String] }",
        {("ARGUMENT_TYPE_CHANGED", "breaking", "Query.users(limit:)")},
        "Int literals and variables no longer fit (ValuesOfCorrectType)",
    ),
    Case(
        "argument default changed",
        "type Query { users(limit: Int = 10): [String] }",
        "type Query { users(limit: Int = 20): [String] }",
        {("ARGUMENT_DEFAULT_CHANGED", "dangerous", "Query.users(limit:)")},
        "graphql-js ARG_DEFAULT_VALUE_CHANGE: calls omitting it run with another value",
    ),
    Case(
        "argument default removed",
        "type Query { users(limit: Int = 10): [String] }",
        "type Query { users(limit: Int): [String] }",
        {("ARGUMENT_DEFAULT_CHANGED", "dangerous", "Query.users(limit:)")},
        "calls omitting it now send no value at all",
    ),
    Case(
        "argument default added",
        "type Query { users(limit: Int): [String] }",
        "type Query { users(limit: Int = 10): [String] }",
        {("ARGUMENT_DEFAULT_ADDED", "safe", "Query.users(limit:)")},
        "graphql-core ARG_DEFAULT_VALUE_ADDED is a safe change",
    ),
    Case(
        "object defaults compare as introspection prints them",
        "input F { a: Int b: Int } type Query { users(f: F = {a: 1, b: 2}): [String] }",
        "input F { a: Int b: Int } type Query { users(f: F = {b: 2, a: 1}): [String] }",
        set(),
        "the same value written in another field order is the same default",
    ),
    Case(
        "argument deprecated",
        "type Query { users(limit: Int): [String] }",
        'type Query { users(limit: Int @deprecated(reason: "paginate")): [String] }',
        {("ARGUMENT_DEPRECATED", "safe", "Query.users(limit:)")},
        "deprecation changes introspection only",
    ),
    # input objects -------------------------------------------------------------------------
    Case(
        "input field removed",
        "input F { a: Int b: Int } type Query { q(f: F): Int }",
        "input F { a: Int } type Query { q(f: F): Int }",
        {("INPUT_FIELD_REMOVED", "breaking", "F.b")},
        "object literals giving it fail ValuesOfCorrectType",
    ),
    Case(
        "required input field added",
        "input F { a: Int } type Query { q(f: F): Int }",
        "input F { a: Int b: Int! } type Query { q(f: F): Int }",
        {("INPUT_FIELD_ADDED", "breaking", "F.b")},
        "graphql-js REQUIRED_INPUT_FIELD_ADDED: existing values lack it",
    ),
    Case(
        "optional input field added",
        "input F { a: Int } type Query { q(f: F): Int }",
        "input F { a: Int b: Int c: Int! = 1 } type Query { q(f: F): Int }",
        {("INPUT_FIELD_ADDED", "safe", "F.b"), ("INPUT_FIELD_ADDED", "safe", "F.c")},
        "existing values stay valid (graphql-inspector; graphql-js says dangerous)",
    ),
    Case(
        "input field made nullable",
        "input F { a: Int! } type Query { q(f: F): Int }",
        "input F { a: Int } type Query { q(f: F): Int }",
        {("INPUT_FIELD_TYPE_CHANGED", "safe", "F.a")},
        "every value fit for Int! fits Int",
    ),
    Case(
        "input field made non-null",
        "input F { a: Int } type Query { q(f: F): Int }",
        "input F { a: Int! } type Query { q(f: F): Int }",
        {("INPUT_FIELD_TYPE_CHANGED", "breaking", "F.a")},
        "values giving null or omitting it are rejected",
    ),
    Case(
        "input field default changed",
        "input F { a: Int = 1 } type Query { q(f: F): Int }",
        "input F { a: Int = 2 } type Query { q(f: F): Int }",
        {("INPUT_FIELD_DEFAULT_CHANGED", "dangerous", "F.a")},
        "graphql-js INPUT_FIELD_DEFAULT_VALUE_CHANGE",
    ),
    # enums ---------------------------------------------------------------------------------
    Case(
        "enum value removed",
        "enum Color { RED GREEN } type Query { c: Color }",
        "enum Color { RED } type Query { c: Color }",
        {("ENUM_VALUE_REMOVED", "breaking", "Color.GREEN")},
        "literals GREEN fail ValuesOfCorrectType; clients may rely on receiving it",
    ),
    Case(
        "enum value added",
        "enum Color { RED } type Query { c: Color }",
        "enum Color { RED BLUE } type Query { c: Color }",
        {("ENUM_VALUE_ADDED", "dangerous", "Color.BLUE")},
        "graphql-js VALUE_ADDED_TO_ENUM: a client's switch may not handle BLUE",
    ),
    Case(
        "enum value deprecated",
        "enum Color { RED } type Query { c: Color }",
        'enum Color { RED @deprecated(reason: "x") } type Query { c: Color }',
        {("ENUM_VALUE_DEPRECATED", "safe", "Color.RED")},
        "deprecation changes introspection only",
    ),
    # unions and interfaces -----------------------------------------------------------------
    Case(
        "union member removed",
        "type A { a: Int } type B { b: Int } union U = A | B type Query { u: U }",
        "type A { a: Int } type B { b: Int } union U = A type Query { u: U }",
        {("UNION_MEMBER_REMOVED", "breaking", "U")},
        "`... on B` inside U fails PossibleFragmentSpreads",
    ),
    Case(
        "union member added",
        "type A { a: Int } type B { b: Int } union U = A type Query { u: U b: B }",
        "type A { a: Int } type B { b: Int } union U = A | B type Query { u: U b: B }",
        {("UNION_MEMBER_ADDED", "dangerous", "U")},
        "graphql-js TYPE_ADDED_TO_UNION: a client may receive a __typename it does not handle",
    ),
    Case(
        "interface removed from object",
        "interface I { id: ID } type A implements I { id: ID } type Query { i: I a: A }",
        "interface I { id: ID } type A { id: ID } type Query { i: I a: A }",
        {("INTERFACE_REMOVED_FROM_OBJECT", "breaking", "A")},
        "`... on A` inside I fails PossibleFragmentSpreads",
    ),
    Case(
        "interface added to object",
        "interface I { id: ID } type A { id: ID } type Query { i: I a: A }",
        "interface I { id: ID } type A implements I { id: ID } type Query { i: I a: A }",
        {("INTERFACE_ADDED_TO_OBJECT", "dangerous", "A")},
        "graphql-js IMPLEMENTED_INTERFACE_ADDED: positions of I may now hold an A, as a union "
        "member added",
    ),
    # directives ----------------------------------------------------------------------------
    Case(
        "directive removed",
        "directive @cached(ttl: Int) on FIELD " + BASE,
        BASE,
        {("DIRECTIVE_REMOVED", "breaking", "@cached")},
        "operations using @cached fail KnownDirectives",
    ),
    Case(
        "directive added",
        BASE,
        "directive @cached(ttl: Int) on FIELD " + BASE,
        {("DIRECTIVE_ADDED", "safe", "@cached")},
        "no operation uses it yet",
    ),
    Case(
        "directive location removed, not repeatable any more",
        "directive @cached repeatable on FIELD | QUERY " + BASE,
        "directive @cached on FIELD " + BASE,
        {
            ("DIRECTIVE_LOCATION_REMOVED", "breaking", "@cached"),
            ("DIRECTIVE_REPEATABLE_REMOVED", "breaking", "@cached"),
        },
        "@cached on a query, or twice on a field, fails KnownDirectives / "
        "UniqueDirectivesPerLocation",
    ),
    Case(
        "directive arguments",
        "directive @cached(ttl: Int, scope: String) on FIELD " + BASE,
        "directive @cached(ttl: Int!, region: String!) on FIELD " + BASE,
        {
            ("DIRECTIVE_ARGUMENT_REMOVED", "breaking", "@cached(scope:)"),
            ("DIRECTIVE_ARGUMENT_ADDED", "breaking", "@cached(region:)"),
            ("DIRECTIVE_ARGUMENT_TYPE_CHANGED", "breaking", "@cached(ttl:)"),
        },
        "directive arguments follow the field argument rules (graphql-js DIRECTIVE_ARG_REMOVED, "
        "REQUIRED_DIRECTIVE_ARG_ADDED, ARG_CHANGED_KIND)",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule(case: Case) -> None:
    assert found(case.old, case.new) == case.expected, case.why


def test_no_change_reports_nothing() -> None:
    assert changes(BASE, BASE) == []


def test_changes_are_sorted_by_coordinate_then_code() -> None:
    # why: a check's report must read the same every time it runs
    result = changes(
        "enum E { A B } type Query { z: Int a(x: Int): Int e: E }",
        "enum E { A C } type Query { b: Int a: Int e: E }",
    )
    keys = [(c.coordinate, c.code) for c in result]
    assert keys == sorted(keys)
    assert keys == [
        ("E.B", "ENUM_VALUE_REMOVED"),
        ("E.C", "ENUM_VALUE_ADDED"),
        ("Query.a(x:)", "ARGUMENT_REMOVED"),
        ("Query.b", "FIELD_ADDED"),
        ("Query.z", "FIELD_REMOVED"),
    ]


def test_a_simple_rename_is_a_removal_and_an_addition_that_says_so() -> None:
    # why: to clients a rename is a removal (breaking) plus an addition (safe); the message
    # points at the likely new name when one field went and one of the same shape came
    result = changes(
        "type Query { user: User } type User { id: ID name: String }",
        "type Query { user: User } type User { id: ID fullName: String }",
    )
    removed = next(c for c in result if c.code == "FIELD_REMOVED")
    assert removed.severity == "breaking"
    assert "`User.fullName` looks like its new name" in removed.message
    assert any(c.code == "FIELD_ADDED" and c.coordinate == "User.fullName" for c in result)


def test_removing_a_deprecated_field_mentions_the_deprecation() -> None:
    result = changes(
        'type Query { a: Int old: Int @deprecated(reason: "use a") }', "type Query { a: Int }"
    )
    assert result[0].message == "Field `Query.old` was removed (deprecated: use a)."


def test_change_to_json() -> None:
    (change,) = changes("type Query { a: Int b: Int }", "type Query { a: Int }")
    assert change.to_json() == {
        "code": "FIELD_REMOVED",
        "severity": "breaking",
        "coordinate": "Query.b",
        "message": "Field `Query.b` was removed.",
        "downgraded": None,
    }


def test_every_rule_module_is_listed_once() -> None:
    # why: one rule per module, listed once (style item 2): a rule written but not listed
    # would never run
    import hansa.registry.checks.rules as rules

    modules = [m.name for m in pkgutil.iter_modules(rules.__path__)]
    listed = [rule.__module__.rsplit(".", 1)[-1] for rule in CHANGE_RULES]
    assert sorted(listed) == sorted(modules)
    assert len(set(listed)) == len(listed)
    for name in modules:
        module = importlib.import_module(f"{rules.__name__}.{name}")
        assert getattr(module, name) in CHANGE_RULES, f"{name}: the rule is named as its module"
