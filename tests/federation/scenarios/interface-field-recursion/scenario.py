"""An interface field returning the same interface, narrowed on the implementation, nested.

``catalog`` has ``interface Product { samePriceProduct: Product }`` and ``Book implements
Product`` with ``samePriceProduct: Book @provides(fields: "price")`` (``price`` is ``@external``
there, owned by ``pricing``). A client selecting ``samePriceProduct`` on ``Product`` and then
``... on Book { price }`` is at a ``Book`` position in ``catalog``: the provided field set is
written against ``Book``, and ``price`` is provided. Found by an outside measurement: the planner
read the field set against the interface and failed with ``QUERY_PLANNING_FAILED: field set
selects unknown field Product.price``. Also covered: the same nesting without fragments, the
recursion entered from an entity fetch, and ``price`` off the providing path (from ``pricing``).
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

PRICES = {"b1": 10.5, "b2": 10.5, "b3": 7.0}
SAME_PRICE = {"b1": "b2", "b2": "b1", "b3": "b3"}

CATALOG_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3",
        import: ["@key", "@external", "@provides"])

type Query {
  products: [Product]
  book(id: ID!): Book
}

interface Product {
  id: ID!
  samePriceProduct: Product
}

type Book implements Product @key(fields: "id") {
  id: ID!
  title: String!
  price: Float @external
  samePriceProduct: Book @provides(fields: "price")
}
"""


def _book(id: str) -> dict[str, Any]:
    return {"__typename": "Book", "id": id, "title": f"Title {id}"}


def _same_price(book: dict[str, Any], _info: Any) -> dict[str, Any]:
    other = SAME_PRICE[book["id"]]
    return {**_book(other), "price": PRICES[other]}


catalog = Subgraph(
    "catalog",
    CATALOG_SDL,
    {
        "Query": {
            "products": lambda _root, _info: [_book(i) for i in PRICES],
            "book": lambda _root, _info, id: _book(id) if id in PRICES else None,
        },
        "Product": {"__resolve_type": lambda obj, *_: obj["__typename"]},
        "Book": {
            "__resolve_reference": lambda rep, _info: _book(rep["id"]),
            "samePriceProduct": _same_price,
        },
    },
)

PRICING_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  cheapest: Book
}

type Book @key(fields: "id") {
  id: ID!
  price: Float @shareable
}
"""

pricing = Subgraph(
    "pricing",
    PRICING_SDL,
    {
        "Query": {"cheapest": lambda _root, _info: {"id": "b3", "price": PRICES["b3"]}},
        "Book": {
            "__resolve_reference": lambda rep, _info: {"id": rep["id"], "price": PRICES[rep["id"]]}
        },
    },
)

SUBGRAPHS = [catalog, pricing]

QUERIES = [
    Query(
        "nested-twice-with-fragments",
        """
        { products { id samePriceProduct { ... on Book { price samePriceProduct {
            ... on Book { id price } } } } } }
        """,
    ),
    Query(
        "nested-without-fragments",
        "{ products { samePriceProduct { id samePriceProduct { __typename id } } } }",
    ),
    Query(
        "typename-and-fragment-on-interface-position",
        "{ products { s: samePriceProduct { __typename ... on Book { title price } } } }",
    ),
    Query("price-off-the-providing-path", '{ book(id: "b1") { title price } }'),
    Query(
        "entered-from-an-entity-fetch",
        "{ cheapest { price title samePriceProduct { id price samePriceProduct { title } } } }",
    ),
]
