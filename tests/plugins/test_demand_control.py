"""Demand control over HTTP: costs from ``@cost``/``@listSize`` in real subgraphs, composed
into the supergraph, measured and enforced by the gateway.

Every expected cost is worked out by hand from the rules Apollo Router documents for its static
estimate (the IBM cost directive spec): composite types weigh 1 and leaves 0 unless ``@cost``
says otherwise, a list multiplies its field's cost by its size (largest slicing argument, else
``assumedSize``, else the configured list size), ``sizedFields`` moves that size to the named
child fields, argument weights add, and a mutation starts at 10.
"""

from __future__ import annotations

from typing import Any

import pytest

from hansa.plugins.demand_control import DemandControlPolicy
from hansa.subgraph import Subgraph
from tests.support.federation import federation
from tests.support.http import post_graphql

SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.9",
                    import: ["@key", "@cost", "@listSize"])

type Query {
  products(first: Int, last: Int): [Product!]
    @listSize(slicingArguments: ["first", "last"], requireOneSlicingArgument: false)
  topProducts: [Product!] @listSize(assumedSize: 10)
  page(first: Int!): ProductPage @listSize(slicingArguments: ["first"], sizedFields: ["items"])
  expensive(filter: String @cost(weight: 3)): Int @cost(weight: 20)
  all: [Product!]
  search(where: Where): [Product!] @listSize(assumedSize: 1)
}

input Where { name: String @cost(weight: 6) grade: Grade }

type Mutation { touch: Product }

type Product @key(fields: "id") @cost(weight: 2) {
  id: ID!
  name: String
  grade: Grade
  raw: Blob
}

type ProductPage { items: [Product!] cursor: String }

enum Grade @cost(weight: 4) { A B }

scalar Blob @cost(weight: 7)
"""

PRODUCT = {"id": "1", "name": "Table", "grade": "A", "raw": "x"}


def catalog(calls: list[str]) -> Subgraph:
    subgraph = Subgraph("catalog", SDL)

    def products(_root: Any, info: Any, **_: Any) -> list[dict[str, Any]]:
        calls.append(info.field_name)
        return [PRODUCT]

    for name in ("products", "topProducts", "all", "search"):
        subgraph.field("Query", name)(products)
    subgraph.field("Query", "page")(lambda _r, _i, first: {"items": [PRODUCT], "cursor": "c"})
    subgraph.field("Query", "expensive")(lambda _r, _i, filter=None: 1)
    subgraph.field("Mutation", "touch")(lambda _r, _i: PRODUCT)
    return subgraph


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("{ products(first: 3) { id name } }", None, 3 * 2),
        ("{ products(first: 3, last: 5) { id } }", None, 5 * 2),
        ("{ topProducts { grade raw } }", None, 10 * (2 + 4 + 7)),
        ("{ page(first: 4) { cursor items { id } } }", None, 1 + 4 * 2),
        ('{ expensive(filter: "x") }', None, 20 + 3),
        ("{ expensive }", None, 20),
        ("{ all { id } }", None, 7 * 2),
        ("query($n: Int) { products(first: $n) { id } }", {"n": 50}, 50 * 2),
        ("query($n: Int) { products(first: $n) { id } }", {"n": 2}, 2 * 2),
        ('{ search(where: {name: "t", grade: A}) { id } }', None, 6 + 1 * 2),
        ("mutation { touch { id } }", None, 10 + 2),
        ("{ __typename }", None, 0),
    ],
)
def test_measured_costs(query: str, variables: dict[str, Any] | None, cost: float) -> None:
    policy = DemandControlPolicy("measure", max_cost=100, list_size=7)
    with federation(catalog([]), demand_control=policy) as url:
        body = post_graphql(url, query, variables).json()
    assert "errors" not in body, body
    assert body["extensions"]["cost"] == {"estimated": cost, "max": 100}


def test_enforce_refuses_before_any_fetch() -> None:
    calls: list[str] = []
    policy = DemandControlPolicy("enforce", max_cost=100)
    with federation(catalog(calls), demand_control=policy) as url:
        refused = post_graphql(url, "{ topProducts { grade raw } }")
        admitted = post_graphql(url, "{ products(first: 3) { id } }")
    assert refused.status == 400
    assert refused.json_without_request_ids() == {
        "errors": [
            {
                "message": "query estimated cost 130 exceeded configured maximum 100",
                "extensions": {
                    "code": "COST_ESTIMATED_TOO_EXPENSIVE",
                    "cost.estimated": 130.0,
                    "cost.max": 100.0,
                },
            }
        ]
    }
    assert admitted.json()["data"] == {"products": [{"id": "1"}]}
    assert calls == ["products"]  # the refused query reached no subgraph


def test_off_by_default() -> None:
    with federation(catalog([])) as url:
        body = post_graphql(url, "{ topProducts { id } }").json()
    assert body == {"data": {"topProducts": [{"id": "1"}]}}
