"""A Federation 1 supergraph (``@core``, join v0.1, ``@join__owner``), served as-is.

Four Fed 1 subgraphs (no ``@link``): ``accounts`` owns ``User``; ``products`` owns ``Product``;
``inventory`` extends ``Product`` (``extend type``, ``@external``) with ``inStock`` and a
``shippingEstimate`` that ``@requires`` the price and weight; ``reviews`` owns ``Review``,
extends ``User`` and ``Product``, and ``@provides`` the author's username. ``Money`` is a Fed 1
value type defined identically in ``products`` and ``inventory``.

``supergraph.graphql`` comes from Apollo's last Fed 1 composer (``@apollo/federation`` 0.38.1,
``scripts/reference/fed1``), not from ``@apollo/composition``: ``SUPERGRAPH_COMPOSER = "fed1"``
tells the recorder so. Note that this composer writes ``core/v0.2`` (with ``for: EXECUTION``)
and ``join/v0.1``. Apollo Gateway 2.14.4 accepts that supergraph and the answers are recorded
from it.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

SUPERGRAPH_COMPOSER = "fed1"

USERS = {
    "1": {"id": "1", "name": "Ada Lovelace", "username": "@ada"},
    "2": {"id": "2", "name": "Alan Turing", "username": "@complete"},
}
PRODUCTS = [
    {"upc": "1", "name": "Table", "price": 899, "weight": 100},
    {"upc": "2", "name": "Couch", "price": 1299, "weight": 1000},
    {"upc": "3", "name": "Chair", "price": 54, "weight": 50},
]
BY_UPC = {p["upc"]: p for p in PRODUCTS}
IN_STOCK = {"1": True, "2": False, "3": True}
REVIEWS = [
    {"id": "r1", "author": "1", "upc": "1", "body": "Love it!"},
    {"id": "r2", "author": "1", "upc": "2", "body": "Too expensive."},
    {"id": "r3", "author": "2", "upc": "3", "body": "Could be better."},
]

accounts = Subgraph(
    "accounts",
    """
    type Query {
      me: User
      users: [User]
    }

    type User @key(fields: "id") {
      id: ID!
      name: String
      username: String
    }
    """,
)


@accounts.field("Query", "me")
def me(_root: Any, _info: Any) -> dict[str, Any]:
    return USERS["1"]


@accounts.field("Query", "users")
def users(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return list(USERS.values())


@accounts.reference("User")
def accounts_user(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return USERS.get(rep["id"])


products = Subgraph(
    "products",
    """
    type Query {
      topProducts(first: Int = 5): [Product]
    }

    type Product @key(fields: "upc") {
      upc: String!
      name: String
      price: Int
      weight: Int
      listPrice: Money
    }

    type Money {
      amount: Int
      currency: String
    }
    """,
)


@products.field("Query", "topProducts")
def top_products(_root: Any, _info: Any, first: int = 5) -> list[dict[str, Any]]:
    return PRODUCTS[:first]


@products.field("Product", "listPrice")
def list_price(product: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"amount": product["price"], "currency": "EUR"}


@products.references("Product")
def products_products(reps: list[dict[str, Any]], _info: Any) -> list[Any]:
    return [BY_UPC.get(rep["upc"]) for rep in reps]


inventory = Subgraph(
    "inventory",
    """
    extend type Product @key(fields: "upc") {
      upc: String! @external
      price: Int @external
      weight: Int @external
      inStock: Boolean
      shippingEstimate: Int @requires(fields: "price weight")
      shippingCost: Money @requires(fields: "weight")
    }

    type Money {
      amount: Int
      currency: String
    }
    """,
)


@inventory.reference("Product")
def inventory_product(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {**rep, "inStock": IN_STOCK.get(rep["upc"])}


@inventory.field("Product", "shippingEstimate")
def shipping_estimate(product: dict[str, Any], _info: Any) -> int:
    # Free for expensive items, otherwise by weight.
    return 0 if product["price"] > 1000 else product["weight"] // 2


@inventory.field("Product", "shippingCost")
def shipping_cost(product: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"amount": product["weight"] * 3, "currency": "EUR"}


reviews = Subgraph(
    "reviews",
    """
    type Review @key(fields: "id") {
      id: ID!
      body: String
      author: User @provides(fields: "username")
      product: Product
    }

    extend type User @key(fields: "id") {
      id: ID! @external
      username: String @external
      reviews: [Review]
    }

    extend type Product @key(fields: "upc") {
      upc: String! @external
      reviews: [Review]
    }

    extend type Query {
      latestReviews: [Review]
    }
    """,
)


@reviews.field("Query", "latestReviews")
def latest_reviews(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return REVIEWS[::-1]


@reviews.field("Review", "author")
def review_author(review: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": review["author"], "username": USERS[review["author"]]["username"]}


@reviews.field("Review", "product")
def review_product(review: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"upc": review["upc"]}


@reviews.field("User", "reviews")
def user_reviews(user: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return [r for r in REVIEWS if r["author"] == user["id"]]


@reviews.field("Product", "reviews")
def product_reviews(product: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return [r for r in REVIEWS if r["upc"] == product["upc"]]


@reviews.reference("Review")
def reviews_review(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return next((r for r in REVIEWS if r["id"] == rep["id"]), None)


SUBGRAPHS = [accounts, products, inventory, reviews]

QUERIES = [
    Query("owned-root-field", "{ me { id name username } }"),
    Query(
        "requires-across-subgraphs",
        "{ topProducts(first: 3) { upc name inStock shippingEstimate } }",
    ),
    Query(
        "provides-and-extended-entities",
        """
        {
          latestReviews {
            body
            author { username }
            withName: author { name }
            product { name price }
          }
        }
        """,
    ),
    Query(
        "entities-across-four-subgraphs",
        """
        {
          users {
            name
            reviews {
              body
              product { name inStock shippingEstimate reviews { author { name } } }
            }
          }
        }
        """,
    ),
    Query(
        "value-type-from-two-subgraphs",
        "{ topProducts(first: 2) { __typename upc listPrice { amount currency } shippingCost { amount } } }",
    ),
]
