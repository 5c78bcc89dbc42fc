"""The composition rules (``hansa.composition.rules``) through ``compose()``, as production runs
them: exactly Apollo's errors on the corpus cases they cover, and the rules the corpus does not
reach. (That valid inputs compose without errors is ``test_matches_reference.py``'s.)"""

from __future__ import annotations

import pytest

from hansa.composition import SubgraphInput, compose
from hansa.composition.errors import CompositionError
from tests.composition.cases import Case, cases

API_CODES = {
    "REFERENCED_INACCESSIBLE",
    "ONLY_INACCESSIBLE_CHILDREN",
    "REQUIRED_INACCESSIBLE",
    "IMPLEMENTED_BY_INACCESSIBLE",
    "DEFAULT_VALUE_USES_INACCESSIBLE",
    "DISALLOWED_INACCESSIBLE",
    "QUERY_ROOT_TYPE_INACCESSIBLE",
    "INTERFACE_FIELD_NO_IMPLEM",
}
DIRECTIVE_CODES = {
    "COST_APPLIED_TO_INTERFACE_FIELD",
    "LIST_SIZE_APPLIED_TO_NON_LIST",
    "LIST_SIZE_INVALID_ASSUMED_SIZE",
    "LIST_SIZE_INVALID_SIZED_FIELD",
    "LIST_SIZE_INVALID_SLICING_ARGUMENT",
    "CONTEXT_NOT_SET",
    "NO_CONTEXT_IN_SELECTION",
    "CONTEXT_NAME_INVALID",
    "CONTEXT_INVALID_SELECTION",
    "CONTEXT_NO_RESOLVABLE_KEY",
    "CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS",
    "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
    "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
    "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
    "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
    "INTERFACE_OBJECT_USAGE_ERROR",
}


def _run(sdls: dict[str, str], version: str, imports: str) -> list[CompositionError]:
    header = (
        f'extend schema @link(url: "https://specs.apollo.dev/federation/v{version}", '
        f"import: [{imports}])\n"
    )
    return compose(
        [SubgraphInput(name, f"http://{name}", header + sdl) for name, sdl in sdls.items()]
    ).errors


def _pairs(errors: list[CompositionError]) -> list[tuple[str, str]]:
    return [(e.code, e.message) for e in errors]


# -- the corpus ---------------------------------------------------------------------------------

COVERED = [
    pytest.param(c, id=c.name)
    for c in cases("invalid")
    if {e["code"] for e in c.json("errors.json")} <= API_CODES | DIRECTIVE_CODES
]


@pytest.mark.parametrize("case", COVERED)
def test_invalid_case_reports_apollos_errors(case: Case) -> None:
    want = [(e["code"], e["message"]) for e in case.json("errors.json")]
    assert _pairs(compose(case.subgraphs()).errors) == want


# -- rules beyond the corpus --------------------------------------------------------------------


def test_list_size_rules() -> None:
    errors = _run(
        {
            "a": """
            type Query {
              a: [String]! @listSize(assumedSize: 3)
              b(first: String, n: Int!): [String] @listSize(slicingArguments: ["first", "n"])
              c: [Page] @listSize(sizedFields: ["items"])
              d: Page @listSize(sizedFields: ["items", "count", "nn"])
              e: Int @listSize(assumedSize: 0)
            }
            type Page { items: [Int] count: Int nn: [Int]! }
            """
        },
        "2.9",
        '"@key", "@listSize"',
    )
    assert _pairs(errors) == [
        (
            "LIST_SIZE_INVALID_SLICING_ARGUMENT",
            '[a] Slicing argument "Query.b(first:)" must be Int or Int!',
        ),
        (
            "LIST_SIZE_INVALID_SIZED_FIELD",
            '[a] Sized fields cannot be used because "[Page]" is not a composite type',
        ),
        ("LIST_SIZE_APPLIED_TO_NON_LIST", '[a] Sized field "Page.count" is not a list'),
        ("LIST_SIZE_APPLIED_TO_NON_LIST", '[a] "Query.e" is not a list'),
    ]


def test_from_context_rules() -> None:
    errors = _run(
        {
            "a": """
            type Query { u: U }
            type U @key(fields: "id") @context(name: "1bad") @context(name: "ctx") {
              id: ID! name: String! kids: [K] tags: [String!]!
            }
            interface I { f(x: String @fromContext(field: "$ctx { name }")): Int }
            type K @key(fields: "id") {
              id: ID!
              g(x: String = "a" @fromContext(field: "$ctx { name }")): Int
              h(x: String! @fromContext(field: "$ctx { name }")): Int
              i(x: [String] @fromContext(field: "$ctx { tags }")): Int
              j(x: String @fromContext(field: "$ctx")): Int
              k(x: String @fromContext(field: "$ctx { nope }")): Int
              l(x: String @fromContext(field: "$ctx { name id }")): Int
            }
            """
        },
        "2.8",
        '"@key", "@context", "@fromContext"',
    )
    assert [e.code for e in errors] == [
        "CONTEXT_NAME_INVALID",
        "CONTEXT_NOT_SET",  # on an interface field
        "CONTEXT_NOT_SET",  # with a default value
        "NO_CONTEXT_IN_SELECTION",
        "CONTEXT_INVALID_SELECTION",  # unknown field
        "CONTEXT_INVALID_SELECTION",  # two fields
    ]


def test_from_context_type_conditions() -> None:
    errors = _run(
        {
            "a": """
            type Query { a: A }
            union Owner @context(name: "ctx") = A | B
            type A @key(fields: "id") { id: ID! name: String k: K }
            type B @key(fields: "id") { id: ID! title: String }
            type C @key(fields: "id") { id: ID! title: String }
            type K @key(fields: "id") {
              id: ID!
              ok(x: String @fromContext(field: "$ctx ... on A { name } ... on B { title }")): Int
              unused(x: String @fromContext(field: "$ctx ... on A { name } ... on C { title }")): Int
            }
            """
        },
        "2.8",
        '"@key", "@context", "@fromContext"',
    )
    assert _pairs(errors) == [
        (
            "CONTEXT_INVALID_SELECTION",
            '[a] Context "ctx" is used in "K.unused(x:)" but the selection is invalid: type '
            'condition "C" is never used.',
        )
    ]


def test_contextual_argument_nullable_elsewhere_is_fine() -> None:
    errors = _run(
        {
            "a": """
            type Query { u: U }
            type U @key(fields: "id") @context(name: "c") { id: ID! n: String p: P }
            type P @key(fields: "id") {
              id: ID!
              g(l: String @fromContext(field: "$c { n }")): String @shareable
            }
            """,
            "b": 'type P @key(fields: "id") { id: ID! g(l: String): String @shareable }',
        },
        "2.8",
        '"@key", "@context", "@fromContext", "@shareable"',
    )
    assert errors == []


def test_inaccessible_rules() -> None:
    # Each subgraph is valid GraphQL (else compose stops at INVALID_GRAPHQL): the default value
    # has the required ``c``, and ``T.f(a:)`` becomes required only by merging with "b".
    errors = _run(
        {
            "a": """
            type Query { u: U e: E s(f: F = {a: 1, b: 2, c: 3}): Int i: I }
            union U = A | B
            type A @inaccessible { x: Int }
            type B @inaccessible { y: Int }
            enum E { P @inaccessible Q @inaccessible }
            input F { a: Int b: Int @inaccessible c: Int! @inaccessible }
            interface I { f(a: Int @inaccessible): Int }
            type T implements I { f(a: Int): Int @shareable }
            """,
            "b": "type T { f(a: Int!): Int @shareable }",
        },
        "2.3",
        '"@key", "@inaccessible", "@shareable"',
    )
    assert _pairs(errors) == [
        (
            "ONLY_INACCESSIBLE_CHILDREN",
            'Type "U" is in the API schema but all of its members are @inaccessible.',
        ),
        (
            "ONLY_INACCESSIBLE_CHILDREN",
            'Type "E" is in the API schema but all of its values are @inaccessible.',
        ),
        (
            "DEFAULT_VALUE_USES_INACCESSIBLE",
            'Input field "F.b" is @inaccessible but is used in the default value of '
            '"Query.s(f:)", which is in the API schema.',
        ),
        (
            "REQUIRED_INACCESSIBLE",
            'Input field "F.c" is @inaccessible but is a required input field of its type.',
        ),
        (
            "DEFAULT_VALUE_USES_INACCESSIBLE",
            'Input field "F.c" is @inaccessible but is used in the default value of '
            '"Query.s(f:)", which is in the API schema.',
        ),
        (
            "REQUIRED_INACCESSIBLE",
            'Argument "I.f(a:)" is @inaccessible but is implemented by the required argument '
            '"T.f(a:)", which is in the API schema.',
        ),
    ]


def test_interface_object_usage_in_merge() -> None:
    errors = _run(
        {
            "a": """
            type Query { m: M }
            interface M @key(fields: "id") { id: ID! }
            type X implements M @key(fields: "id") { id: ID! }
            """,
            "b": """
            type Query { n: M }
            type M @key(fields: "id") @interfaceObject { id: ID! r: Int }
            type X @key(fields: "id") { id: ID! }
            """,
            "c": """
            type Query { z: Z }
            type Z @key(fields: "id") @interfaceObject { id: ID! }
            """,
        },
        "2.3",
        '"@key", "@interfaceObject"',
    )
    assert _pairs(errors) == [
        (
            "INTERFACE_OBJECT_USAGE_ERROR",
            '[b] Interface type "M" is defined as an @interfaceObject in subgraph "b" so that '
            'subgraph should not define any of the implementation types of "M", but it defines '
            'type "X"',
        ),
        (
            "INTERFACE_OBJECT_USAGE_ERROR",
            'Type "Z" is declared with @interfaceObject in all the subgraphs in which is is '
            'defined (it is defined in subgraph "c" but should be defined as an interface in at '
            "least one subgraph)",
        ),
    ]


def test_interface_key_must_be_resolvable_on_implementations() -> None:
    errors = _run(
        {
            "a": """
            type Query { m: M }
            interface M @key(fields: "id") { id: ID! }
            type X implements M @key(fields: "id", resolvable: false) { id: ID! }
            type Y implements M @key(fields: "other") @key(fields: "id") { id: ID! other: ID }
            """
        },
        "2.3",
        '"@key"',
    )
    assert _pairs(errors) == [
        (
            "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
            '[a] Key @key(fields: "id") on interface type "M" should be resolvable on all '
            'implementation types, but is declared with argument "@key(resolvable:)" set to '
            'false in type "X".',
        )
    ]


def test_transitive_auth_through_requires() -> None:
    errors = _run(
        {
            "a": """
            type Query { t: T }
            type T @key(fields: "id") {
              id: ID
              x: String @requiresScopes(scopes: [["s1", "s2"]])
              y: String @authenticated
            }
            """,
            "b": """
            type T @key(fields: "id") {
              id: ID
              x: String @external
              y: String @external
              ok: String @requires(fields: "x") @requiresScopes(scopes: [["s1", "s2", "s3"]])
              bad: String @requires(fields: "x") @requiresScopes(scopes: [["s1"]])
              ok2: String @requires(fields: "y") @authenticated
            }
            """,
        },
        "2.6",
        '"@key", "@external", "@requires", "@authenticated", "@requiresScopes"',
    )
    assert _pairs(errors) == [
        (
            "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
            '[b] Field "T.bad" does not specify necessary @authenticated, @requiresScopes and/or '
            '@policy auth requirements to access the transitive field "T.x" data from @requires '
            "selection set.",
        )
    ]
