"""Composite fields whose client selection is only ``__typename``, often under aliases.

Nothing but ``__typename`` is asked of ``category``/``related``/``maybeCategory`` here, so no
subgraph field remains for them; GraphQL has no empty selection set, so the subgraph operation
must select ``__typename`` (found by an outside measurement: the gateway printed ``a1: category
{ }``, the subgraph answered GRAPHQL_PARSE_FAILED and the whole branch was lost). Covered in a
root fetch, in an ``_entities`` fetch, nested, next to the same field with real fields under
another alias, on a null object (must stay null), and on an abstract field.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

CATEGORIES = {"c1": {"id": "c1", "name": "Tools"}, "c2": {"id": "c2", "name": "Toys"}}
PRODUCTS: dict[str, dict[str, Any]] = {
    "p1": {"id": "p1", "title": "Hammer", "category": "c1", "related": "p2", "maybe": None},
    "p2": {"id": "p2", "title": "Kite", "category": "c2", "related": "p1", "maybe": "c1"},
}

CATALOG_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  products: [Product!]!
}

type Product @key(fields: "id") {
  id: ID!
  title: String!
  category: Category!
  maybeCategory: Category
  related: Product
  media: Media
}

type Category {
  id: ID!
  name: String!
}

interface Media {
  url: String!
}

type Photo implements Media {
  url: String!
  width: Int!
}
"""


def _product(id: str | None) -> dict[str, Any] | None:
    return PRODUCTS.get(id) if id else None


catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Query": {"products": lambda _root, _info: list(PRODUCTS.values())},
        "Product": {
            "__resolve_reference": lambda rep, _info: _product(rep["id"]),
            "category": lambda p, _info: CATEGORIES[p["category"]],
            "maybeCategory": lambda p, _info: CATEGORIES.get(p["maybe"] or ""),
            "related": lambda p, _info: _product(p["related"]),
            "media": lambda p, _info: {"__typename": "Photo", "url": f"/{p['id']}.png", "width": 3},
        },
    },
)

REVIEWS = [
    {"id": "r1", "body": "Solid.", "product": "p1"},
    {"id": "r2", "body": "Flies.", "product": "p2"},
]

REVIEWS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  reviews: [Review!]!
}

type Review {
  id: ID!
  body: String!
  product: Product!
}

type Product @key(fields: "id") {
  id: ID!
}
"""

reviews = Subgraph(
    "reviews",
    REVIEWS_SDL,
    {
        "Query": {"reviews": lambda _root, _info: REVIEWS},
        "Review": {"product": lambda r, _info: {"id": r["product"]}},
    },
)

SUBGRAPHS = [catalog, reviews]

QUERIES = [
    Query("root-fetch-aliased", "{ products { a1: category { __typename } } }"),
    Query(
        "root-fetch-aliased-typename-and-sibling",
        "{ products { id a1: category { t: __typename } a2: category { name } } }",
    ),
    Query(
        "entity-fetch-aliased",
        "{ reviews { id product { a1: category { __typename } title } } }",
    ),
    Query(
        "entity-fetch-only-typename-fields",
        "{ reviews { p: product { __typename c: category { __typename } } } }",
    ),
    Query(
        "nested-typename-only",
        "{ products { r: related { __typename r2: related { __typename } } } }",
    ),
    Query("null-object-stays-null", "{ products { id m: maybeCategory { __typename } } }"),
    Query("abstract-field", "{ reviews { product { m: media { __typename } } } }"),
]
