"""The rules' breaking/dangerous judgement against graphql-core's ``find_schema_changes`` (a port
of graphql-js ``findBreakingChanges``/``findDangerousChanges``), on mutations generated from
one base schema: every field, argument, input field and enum value removed, made (non-)null,
listed, retyped, defaulted; arguments added; plus the structural edits (members, interfaces,
kinds, directives). The oracle checks the judgement, not the implementation.

Deliberate differences, each with its reason:

- an optional argument or input field added is ``safe`` here (graphql-inspector's judgement:
  no existing operation can observe it), ``dangerous`` in graphql-js;
- a built-in scalar that stops being referenced is not reported (graphql-js: TYPE_REMOVED);
  no operation can name a scalar nothing takes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import pytest
from graphql import GraphQLError, build_schema, validate_schema
from graphql.utilities import (
    BreakingChange,
    DangerousChange,
    SafeChange,
    find_schema_changes,
)

from hansa.registry.checks import schema_changes

BASE = """\
directive @tag(name: String!, level: Int = 1) repeatable on FIELD | QUERY
interface Node {
  id: ID!
}
type User implements Node {
  id: ID!
  name: String
  friends(first: Int = 10, after: String): [User!]!
  role: Role!
}
type Post implements Node {
  id: ID!
  title: String!
  tags: [String]
}
enum Role {
  ADMIN
  MEMBER
  GUEST
}
union Entity = User | Post
input PostFilter {
  title: String
  limit: Int! = 5
  role: Role
  nested: [String!]
  where: Where = {text: "a", exact: true}
}
input Where {
  text: String
  exact: Boolean
}
type Orphan {
  a: Int
}
type Query {
  user(id: ID!): User
  posts(filter: PostFilter, first: Int): [Post]
  search(text: String!): [Entity!]
  node(id: ID!): Node
}
"""

STRUCTURAL = [
    ("ADMIN\n", "ADMIN\n  OWNER\n"),
    ("union Entity = User | Post", "union Entity = User"),
    ("union Entity = User | Post", "union Entity = User | Post | Comment\ntype Comment { x: Int }"),
    ("type Post implements Node", "type Post"),
    ("interface Node {", "interface Named { name: String }\ninterface Node {"),
    (
        "type User implements Node {",
        "interface Named { name: String }\ntype User implements Node & Named {",
    ),
    ("type Orphan {\n  a: Int\n}\n", ""),
    ("enum Role {\n  ADMIN\n  MEMBER\n  GUEST\n}", "scalar Role"),
    ("type Post implements Node {", "type Extra { a: Int }\ntype Post implements Node {"),
    ("repeatable on FIELD | QUERY", "on FIELD | QUERY"),
    ("repeatable on FIELD | QUERY", "repeatable on FIELD"),
    ("repeatable on FIELD | QUERY", "repeatable on FIELD | QUERY | MUTATION"),
    ("directive @tag(name: String!, level: Int = 1)", "directive @tag(name: String, level: Int)"),
    ("directive @tag(name: String!, level: Int = 1)", "directive @tag(level: Int = 2)"),
    ("directive @tag(name: String!, level: Int = 1)", "directive @tag(name: String!, x: ID!)"),
    ("directive @tag(name: String!, level: Int = 1) repeatable on FIELD | QUERY\n", ""),
]

FIELD = re.compile(r"^  (\w+)(?:\((.*)\))?: (.+?)( = .+)?$")
ENUM_VALUE = re.compile(r"^  ([A-Z]+)$")


def _type_mutations(type_text: str) -> Iterator[str]:
    if not type_text.endswith("!"):
        yield type_text + "!"
    else:
        yield type_text[:-1]
    yield f"[{type_text}]"
    for a, b in (("String", "Int"), ("Int", "String"), ("ID", "String"), ("Role", "String")):
        if a in type_text:
            yield type_text.replace(a, b)
            break


def _args_mutations(args: str) -> Iterator[str]:
    parts = [p.strip() for p in args.split(",")] if args else []
    for i, part in enumerate(parts):
        name, _, rest = part.partition(": ")
        type_text, _, default = rest.partition(" = ")
        others = parts[:i] + parts[i + 1 :]
        yield ", ".join(others)  # removed
        for t in _type_mutations(type_text):
            yield ", ".join([*parts[:i], f"{name}: {t}" + (f" = {default}" if default else "")])
        if default:
            yield ", ".join([*parts[:i], f"{name}: {type_text}", *parts[i + 1 :]])
            yield ", ".join([*parts[:i], f"{name}: {type_text} = 99", *parts[i + 1 :]])
        elif type_text.startswith("Int"):
            yield ", ".join([*parts[:i], f"{name}: {type_text} = 3", *parts[i + 1 :]])
    yield ", ".join([*parts, "extra: Int"])
    yield ", ".join([*parts, "extra: Int!"])
    yield ", ".join([*parts, "extra: Int! = 1"])


def mutations() -> Iterator[tuple[str, str]]:
    lines = BASE.splitlines()
    block = ""
    for i, line in enumerate(lines):
        if line.endswith("{"):
            block = line.split()[0]
        before, after = lines[:i], lines[i + 1 :]

        def with_line(new: str | None, before: list[str] = before, after: list[str] = after) -> str:
            return "\n".join([*before, *([new] if new is not None else []), *after])

        if (match := FIELD.match(line)) is not None:
            name, args, type_text, default = match.groups()
            yield f"{i}: remove {name}", with_line(None)
            for t in _type_mutations(type_text):
                yield f"{i}: {name}: {t}", with_line(line.replace(f": {type_text}", f": {t}", 1))
            if block == "input":
                if default:
                    yield f"{i}: {name} no default", with_line(line.replace(default, ""))
                yield f"{i}: add input field", with_line(line + "\n  added: Int")
                yield f"{i}: add required input field", with_line(line + "\n  added: Int!")
            else:
                for new_args in _args_mutations(args or ""):
                    text = (
                        f"  {name}({new_args}): {type_text}"
                        if new_args
                        else f"  {name}: {type_text}"
                    )
                    yield f"{i}: {name}({new_args})", with_line(text)
        elif (match := ENUM_VALUE.match(line)) is not None:
            yield f"{i}: remove {match.group(1)}", with_line(None)
    for old, new in STRUCTURAL:
        assert old in BASE, old
        yield f"{old!r} -> {new!r}", BASE.replace(old, new, 1)


def _valid(sdl: str) -> bool:
    try:
        return not validate_schema(build_schema(sdl))
    except (GraphQLError, TypeError):
        return False


CASES = [(name, sdl) for name, sdl in mutations() if _valid(sdl)]

# graphql-core's change types as our codes: (our code, our severity) -> oracle type name.
OURS = {
    ("TYPE_REMOVED", "breaking"): "TYPE_REMOVED",
    ("TYPE_KIND_CHANGED", "breaking"): "TYPE_CHANGED_KIND",
    ("UNION_MEMBER_REMOVED", "breaking"): "TYPE_REMOVED_FROM_UNION",
    ("UNION_MEMBER_ADDED", "dangerous"): "TYPE_ADDED_TO_UNION",
    ("ENUM_VALUE_REMOVED", "breaking"): "VALUE_REMOVED_FROM_ENUM",
    ("ENUM_VALUE_ADDED", "dangerous"): "VALUE_ADDED_TO_ENUM",
    ("INPUT_FIELD_ADDED", "breaking"): "REQUIRED_INPUT_FIELD_ADDED",
    ("INTERFACE_REMOVED_FROM_OBJECT", "breaking"): "IMPLEMENTED_INTERFACE_REMOVED",
    ("INTERFACE_ADDED_TO_OBJECT", "dangerous"): "IMPLEMENTED_INTERFACE_ADDED",
    ("FIELD_REMOVED", "breaking"): "FIELD_REMOVED",
    ("INPUT_FIELD_REMOVED", "breaking"): "FIELD_REMOVED",
    ("FIELD_TYPE_CHANGED", "breaking"): "FIELD_CHANGED_KIND",
    ("INPUT_FIELD_TYPE_CHANGED", "breaking"): "FIELD_CHANGED_KIND",
    ("ARGUMENT_ADDED", "breaking"): "REQUIRED_ARG_ADDED",
    ("ARGUMENT_REMOVED", "breaking"): "ARG_REMOVED",
    ("ARGUMENT_TYPE_CHANGED", "breaking"): "ARG_CHANGED_KIND",
    ("DIRECTIVE_ARGUMENT_TYPE_CHANGED", "breaking"): "ARG_CHANGED_KIND",
    ("ARGUMENT_DEFAULT_CHANGED", "dangerous"): "ARG_DEFAULT_VALUE_CHANGE",
    ("INPUT_FIELD_DEFAULT_CHANGED", "dangerous"): "INPUT_FIELD_DEFAULT_VALUE_CHANGE",
    ("DIRECTIVE_REMOVED", "breaking"): "DIRECTIVE_REMOVED",
    ("DIRECTIVE_ARGUMENT_REMOVED", "breaking"): "DIRECTIVE_ARG_REMOVED",
    ("DIRECTIVE_ARGUMENT_ADDED", "breaking"): "REQUIRED_DIRECTIVE_ARG_ADDED",
    ("DIRECTIVE_REPEATABLE_REMOVED", "breaking"): "DIRECTIVE_REPEATABLE_REMOVED",
    ("DIRECTIVE_LOCATION_REMOVED", "breaking"): "DIRECTIVE_LOCATION_REMOVED",
}
# The documented differences: the oracle's severity for these becomes ours.
DIFFERENCES = {"OPTIONAL_ARG_ADDED": "safe", "OPTIONAL_INPUT_FIELD_ADDED": "safe"}


def oracle(old: str, new: str) -> Counter[tuple[str, str]]:
    judged: Counter[tuple[str, str]] = Counter()
    for change in find_schema_changes(build_schema(old), build_schema(new)):
        if change.description.startswith("Standard scalar"):
            continue
        severity = {BreakingChange: "breaking", DangerousChange: "dangerous", SafeChange: "safe"}[
            type(change)
        ]
        severity = DIFFERENCES.get(change.type.name, severity)
        if severity != "safe":
            judged[(change.type.name, severity)] += 1
    return judged


def ours(old: str, new: str) -> Counter[tuple[str, str]]:
    judged: Counter[tuple[str, str]] = Counter()
    for change in schema_changes(build_schema(old), build_schema(new)):
        if change.severity == "safe":
            continue
        name = OURS.get((change.code, change.severity), f"unmapped {change.code}")
        judged[(name, change.severity)] += 1
    return judged


def test_the_mutations_cover_every_judgement() -> None:
    # why: a cross-check is only as good as what it exercises
    assert len(CASES) > 100
    seen = {key for _, sdl in CASES for key in oracle(BASE, sdl)}
    assert {name for name, _ in seen} >= set(OURS.values())


@pytest.mark.parametrize(("name", "sdl"), CASES, ids=[name for name, _ in CASES])
def test_breaking_and_dangerous_as_graphql_js_judges(name: str, sdl: str) -> None:
    assert ours(BASE, sdl) == oracle(BASE, sdl)


@pytest.mark.parametrize(("name", "sdl"), CASES[::7], ids=[name for name, _ in CASES[::7]])
def test_reverse_mutations_too(name: str, sdl: str) -> None:
    # why: the reverse of a removal is an addition, of a tightening a loosening
    assert ours(sdl, BASE) == oracle(sdl, BASE)
