"""Variable coercion's fast path for long scalar lists agrees with graphql-core's coercion (the
reference) on generated values, and a million-item list reaches the subgraph through HTTP."""

from __future__ import annotations

import time
from typing import Any

from graphql import build_schema, parse
from graphql.execution.values import get_variable_values
from hypothesis import given, settings
from hypothesis import strategies as st

from hansa.operation.variables import FAST_LIST_ITEMS, coerce_variables
from hansa.subgraph import Subgraph
from tests.support.federation import federation
from tests.support.http import post_graphql

SCHEMA = build_schema(
    "type Query { f(a: [ID!], b: [String], c: [Int!]!, d: [Boolean], e: [Float]): Int }"
)
OPERATION = parse("query($a: [ID!], $b: [String], $c: [Int!]!, $d: [Boolean], $e: [Float]) { f }")
DEFINITIONS = OPERATION.definitions[0].variable_definitions  # type: ignore[attr-defined]

items = st.one_of(
    st.text(max_size=3),
    st.integers(min_value=-(2**33), max_value=2**33),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
)


def _long(draw_list: list[Any]) -> list[Any]:
    """Repeat a drawn list to the fast path's length, keeping its mix of values."""
    if not draw_list:
        return []
    return (draw_list * (FAST_LIST_ITEMS // len(draw_list) + 1))[: FAST_LIST_ITEMS + 3]


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from("abcde"), st.lists(items, max_size=4).map(_long)))
def test_the_fast_path_agrees_with_graphql_core(values: dict[str, Any]) -> None:
    reference = get_variable_values(SCHEMA, DEFINITIONS, dict(values), max_errors=50)
    ours = coerce_variables(SCHEMA, DEFINITIONS, values)
    if isinstance(reference, list):
        assert isinstance(ours, list)
        assert [e.message for e in ours] == [e.message for e in reference]
    else:
        assert ours == reference.coerced


def test_a_million_item_list_reaches_the_subgraph() -> None:
    received: list[int] = []
    sdl = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
        "type Query { count(ids: [ID!]!): Int }"
    )
    counter = Subgraph("counter", sdl)

    @counter.field("Query", "count")
    def count(_root: Any, _info: Any, ids: list[str]) -> int:
        received.append(len(ids))
        return len(ids)

    ids = [str(i) for i in range(1_000_000)]
    large = 64 * 1024 * 1024
    apps = {"counter": counter.asgi_app(max_body_bytes=large)}
    with federation(counter, apps=apps, max_body_bytes=large) as url:
        started = time.monotonic()
        body = post_graphql(url, "query($ids: [ID!]!) { count(ids: $ids) }", {"ids": ids}).json()
        took = time.monotonic() - started
        wrong = post_graphql(
            url, "query($ids: [ID!]!) { count(ids: $ids) }", {"ids": [*ids[:5000], None]}
        )
    assert body == {"data": {"count": 1_000_000}}
    assert received == [1_000_000]
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    print(f"a million IDs through the gateway: {took:.1f} s")
