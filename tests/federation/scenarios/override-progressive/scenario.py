"""Progressive @override: ``label: "percent(0)"`` and ``label: "percent(100)"``.

Federation v2.7 lets ``@override`` carry a label; a ``percent(x)`` label means "route x% of
requests to the new owner". Only the two deterministic extremes are used here: ``new`` declares
``Product.price @override(from: "old", label: "percent(0)")`` (never migrated),
``Product.stock @override(from: "old", label: "percent(100)")`` (always migrated) and the root
field ``Query.banner @override(from: "old", label: "percent(100)")``. ``old`` and ``new`` answer
with different strings (``"old: ..."`` / ``"new: ..."``) so each response shows who answered.

Apollo Gateway does not implement progressive override (only the GraphOS Router evaluates
``percent(x)``): its planner treats every label as "not overridden", so it sends percent(100)
fields to ``old``. The expectations of the queries touching percent(100) fields are therefore
hand-written (see their ``why``); they were checked against Apollo Gateway on the equivalent
composition without labels, and their plans are @apollo/query-planner's with
``overrideConditions`` ``{"percent(100)": true, "percent(0)": false}``.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRODUCTS: dict[str, dict[str, Any]] = {
    "1": {"id": "1", "name": "Kettle"},
    "2": {"id": "2", "name": "Toaster"},
    "3": {"id": "3", "name": "Blender"},
}

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

type Query {
  products: [Product!]!
  product(id: ID!): Product
}

type Product @key(fields: "id") {
  id: ID!
  name: String
}
"""

catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Query": {
            "products": lambda _root, _info: list(PRODUCTS.values()),
            "product": lambda _root, _info, id: PRODUCTS.get(id),
        },
        "Product": {"__resolve_reference": lambda rep, _info: PRODUCTS.get(rep["id"])},
    },
)

OLD_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

type Query {
  banner: String
}

type Product @key(fields: "id") {
  id: ID!
  price: String
  stock: String
}
"""


def _tagged(tag: str) -> Any:
    def resolve(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
        if rep["id"] not in PRODUCTS:
            return None
        return {
            "id": rep["id"],
            "price": f"{tag}: {int(rep['id']) * 10} EUR",
            "stock": f"{tag}: {int(rep['id']) * 3} left",
        }

    return resolve


old = Subgraph(
    "old",
    OLD_SDL,
    {
        "Query": {"banner": lambda _root, _info: "old: welcome"},
        "Product": {"__resolve_reference": _tagged("old")},
    },
)

NEW_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override"])

type Query {
  banner: String @override(from: "old", label: "percent(100)")
}

type Product @key(fields: "id") {
  id: ID!
  price: String @override(from: "old", label: "percent(0)")
  stock: String @override(from: "old", label: "percent(100)")
}
"""

new = Subgraph(
    "new",
    NEW_SDL,
    {
        "Query": {"banner": lambda _root, _info: "new: welcome"},
        "Product": {"__resolve_reference": _tagged("new")},
    },
)

SUBGRAPHS = [catalog, old, new]

QUERIES = [
    Query(
        "percent-0-field-stays-with-old-owner",
        "{ products { id price } }",
    ),
    Query(
        "percent-100-field-goes-to-new-owner",
        "{ products { id stock } }",
    ),
    Query(
        "both-labels-in-one-selection",
        "{ products { __typename id name price stock } }",
    ),
    Query(
        "root-field-override-with-variables-and-aliases",
        """
        query One($id: ID!) {
          greeting: banner
          product(id: $id) { __typename ...Money left: stock }
        }
        fragment Money on Product { cost: price }
        """,
        variables={"id": "2"},
    ),
]
