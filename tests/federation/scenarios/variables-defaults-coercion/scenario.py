"""Variables and argument coercion through the gateway.

``search`` has ``echo``, a root field whose arguments cover defaults in the schema, input objects
nesting input objects and lists (with an input-field default), an enum and two custom scalars
(``JSON`` and ``DateTime``); it answers with the arguments it received, as canonical JSON text,
so the response shows exactly what reached the subgraph. ``pricing`` adds ``Item.price`` with
its own arguments and defaults, so variables must also be forwarded into an entity fetch.

Covered: variable defaults, omitted variables (the schema default applies), an explicit ``null``
overriding a variable default, nested input objects and lists from variables and from literals
mixing variables, enum and custom-scalar values (literal and variable, input and output),
single values coerced to lists (including ``[[Int!]]``), and invalid variable values (wrong type,
unknown enum value, a missing required variable) which must fail the request before any fetch.
"""

import json
from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

ITEMS = {
    "1": {"id": "1", "name": "Kettle", "color": "RED"},
    "2": {"id": "2", "name": "Toaster", "color": "BLUE"},
    "3": {"id": "3", "name": "Mixer", "color": "GREEN"},
}
BASE_PRICE = {"1": 20, "2": 35, "3": 80}
RATES = {"EUR": 1.0, "USD": 1.25, "GBP": 0.75}

search = Subgraph(
    "search",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    scalar JSON
    scalar DateTime

    enum Color { RED GREEN BLUE }

    input Range {
      min: Int = 0
      max: Int
    }

    input Filter {
      colors: [Color!]
      tags: [String!]
      range: Range
      ranges: [Range!]
      after: DateTime
      meta: JSON
    }

    type Query {
      echo(
        limit: Int = 10
        count: Int = 1
        color: Color = GREEN
        tags: [String!]
        ids: [ID!]
        matrix: [[Int!]]
        filter: Filter
        when: DateTime
        meta: JSON
      ): String!
      items(first: Int = 2): [Item!]!
      item(id: ID!): Item
    }

    type Item @key(fields: "id") {
      id: ID!
      name: String!
      color: Color!
      createdAt: DateTime!
      attributes: JSON
    }
    """,
)


@search.field("Query", "echo")
def echo(_root: Any, _info: Any, **args: Any) -> str:
    return json.dumps(args, sort_keys=True, separators=(",", ":"))


@search.field("Query", "items")
def items(_root: Any, _info: Any, first: int = 2) -> list[dict[str, Any]]:
    return list(ITEMS.values())[:first]


@search.field("Query", "item")
def item(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    return ITEMS.get(id)


@search.field("Item", "createdAt")
def created_at(item: dict[str, Any], _info: Any) -> str:
    return f"2024-0{item['id']}-15T08:30:00Z"


@search.field("Item", "attributes")
def attributes(item: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"sku": f"SKU-{item['id']}", "dims": [10, 20.5], "fragile": item["id"] == "2"}


pricing = Subgraph(
    "pricing",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    enum Currency { EUR USD GBP }

    type Item @key(fields: "id") {
      id: ID!
      price(currency: Currency = EUR, discounts: [Int!] = [0]): String!
    }
    """,
)


@pricing.field("Item", "price")
def price(item: dict[str, Any], _info: Any, currency: str = "EUR", discounts: Any = (0,)) -> str:
    amount = BASE_PRICE[item["id"]] * RATES[currency] - sum(discounts or ())
    return f"{amount:.2f} {currency} (discounts={list(discounts or [])})"


SUBGRAPHS = [search, pricing]

QUERIES = [
    Query(
        "defaults-omitted-and-schema-defaults",
        """
        query Defaults($limit: Int = 3, $color: Color, $count: Int = 7, $cur: Currency = GBP) {
          withVariables: echo(limit: $limit, color: $color, count: $count)
          schemaDefaults: echo
          items { id price withDefault: price(currency: $cur) }
        }
        """,
        variables={"count": None},
    ),
    Query(
        "input-objects-with-nested-inputs-and-lists",
        """
        query Inputs($filter: Filter!, $min: Int, $tag: String!) {
          fromVariable: echo(filter: $filter)
          fromLiteral: echo(
            filter: {
              colors: [BLUE, RED]
              tags: [$tag, "literal"]
              range: { min: $min, max: 9 }
              ranges: [{ max: 1 }, { min: 2, max: 3 }]
            }
          )
        }
        """,
        variables={
            "filter": {
                "colors": ["RED", "BLUE"],
                "tags": ["x", "y"],
                "range": {"max": 5},
                "ranges": [{"min": 1, "max": 2}, {"max": 3}],
            },
            "min": 4,
            "tag": "from-var",
        },
    ),
    Query(
        "enums-and-custom-scalars",
        """
        query Scalars($when: DateTime!, $meta: JSON, $color: Color!) {
          variables: echo(color: $color, when: $when, meta: $meta)
          literals: echo(
            color: BLUE
            when: "2024-01-02T03:04:05Z"
            meta: { nested: { list: [1, "two", null, true, 2.5] }, empty: {} }
            filter: { after: $when, meta: "just a string" }
          )
          item(id: "2") { color createdAt attributes }
        }
        """,
        variables={
            "when": "2023-12-31T23:59:59Z",
            "meta": {"a": [1, {"b": None}], "c": "d", "e": False},
            "color": "RED",
        },
    ),
    Query(
        "single-value-coerced-to-list",
        """
        query Lists($ids: [ID!], $discounts: [Int!]) {
          fromVariable: echo(ids: $ids)
          fromLiteral: echo(ids: "7", tags: "solo", matrix: 5, filter: { colors: RED })
          nestedList: echo(matrix: [1, 2])
          item(id: "3") { price(currency: USD, discounts: $discounts) single: price(discounts: 5) }
        }
        """,
        variables={"ids": "42", "discounts": 3},
    ),
    Query(
        "invalid-variable-wrong-type",
        """
        query Wrong($limit: Int, $color: Color) {
          echo(limit: $limit, color: $color)
        }
        """,
        variables={"limit": "ten", "color": "PURPLE"},
    ),
    Query(
        "invalid-variable-missing-required",
        """
        query Missing($id: ID!, $filter: Filter) {
          item(id: $id) { id }
          echo(filter: $filter)
        }
        """,
        variables={"filter": {"range": {"min": "low"}}},
    ),
]
