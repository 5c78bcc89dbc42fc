"""A join v0.2 supergraph, as @apollo/composition 2.0 wrote it (no @join__unionMember,
@join__enumValue or isInterfaceObject): entities across subgraphs, a union and an enum.

The gateway must still read such supergraphs: union members and enum values then come from the
type definitions, for every subgraph that defines the type.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

SUPERGRAPH_COMPOSER = "join02"

LINK = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.0",'
    ' import: ["@key", "@shareable", "@external", "@requires"])\n'
)
PRODUCTS = {
    "1": {"upc": "1", "name": "Table", "price": 899},
    "2": {"upc": "2", "name": "Couch", "price": 1299},
}
USERS = {"1": {"id": "1", "name": "Ada"}, "2": {"id": "2", "name": "Alan"}}

catalog = Subgraph(
    "catalog",
    LINK
    + """
type Query { products: [Product!]! user(id: ID!): User }
type Product @key(fields: "upc") { upc: String! name: String price: Int }
type User @key(fields: "id") { id: ID! name: String }
""",
    {
        "Query": {
            "products": lambda *_: list(PRODUCTS.values()),
            "user": lambda _r, _i, id: USERS.get(id),
        },
        "Product": {"__resolve_reference": lambda rep, _i: PRODUCTS.get(rep["upc"])},
        "User": {"__resolve_reference": lambda rep, _i: USERS.get(rep["id"])},
    },
)


def _search(_root: Any, _info: Any, term: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [{"__typename": "Product", "upc": "1"}]
    if term.startswith("a"):
        found.append({"__typename": "User", "id": "1"})
    return found


search = Subgraph(
    "search",
    LINK
    + """
type Query { search(term: String!): [Result!]! favouriteColour: Colour }
union Result = Product | User
enum Colour { RED GREEN BLUE }
type Product @key(fields: "upc") { upc: String! price: Int @external label: String @requires(fields: "price") }
type User @key(fields: "id") { id: ID! }
""",
    {
        "Query": {"search": _search, "favouriteColour": lambda *_: "GREEN"},
        "Product": {"label": lambda p, _i: f"{p['upc']} at {p['price']}"},
    },
)

SUBGRAPHS = [catalog, search]

QUERIES = [
    Query("entities-and-requires", "{ products { name label } }"),
    Query(
        "union-and-enum",
        """
        query($term: String!) {
          favouriteColour
          search(term: $term) {
            __typename
            ... on Product { name label }
            ... on User { name }
          }
        }
        """,
        variables={"term": "ada"},
    ),
]
