"""Errors raised by subgraph resolvers, and how the gateway passes them on.

``accounts`` owns ``User`` and root fields that fail (a plain error, and one carrying custom
``extensions``: ``code: FORBIDDEN`` plus extra keys); ``orders`` adds ``User.orders`` and
``User.vip`` through an entity fetch in which the representation of user u2 fails on its own
(one index of the batch), and ``Order.note`` fails for one order. The gateway must keep the
rest of the data, null only what failed, and report each error at the *client's* path: an
error the subgraph reports at ``["_entities", 1, ...]`` maps back to wherever that entity sits
in the response, including when the same entity appears twice in a list.
"""

from typing import Any

from graphql import GraphQLError
from tests.federation.harness import Query

from hansa.subgraph import Subgraph

USERS = {
    "u1": {"id": "u1", "name": "Ada"},
    "u2": {"id": "u2", "name": "Brian"},
    "u3": {"id": "u3", "name": "Cleo"},
}
ORDERS = {
    "u1": [{"id": "o1", "total": 10}, {"id": "o2", "total": 25}],
    "u2": [{"id": "o3", "total": 7}],
    "u3": [{"id": "o4", "total": 99}],
}

accounts = Subgraph(
    "accounts",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      me: User
      users: [User!]!
      failing: String
      forbidden: String
    }

    type User @key(fields: "id") {
      id: ID!
      name: String
      secret: String
    }
    """,
)


@accounts.field("Query", "me")
def me(_root: Any, _info: Any) -> dict[str, Any]:
    return USERS["u1"]


@accounts.field("Query", "users")
def users(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [USERS["u1"], USERS["u2"], USERS["u3"], USERS["u2"]]


@accounts.field("Query", "failing")
def failing(_root: Any, _info: Any) -> str:
    raise GraphQLError("The failing field failed.")


@accounts.field("Query", "forbidden")
def forbidden(_root: Any, _info: Any) -> str:
    raise GraphQLError(
        "You may not see this.",
        extensions={"code": "FORBIDDEN", "reason": "missing badge", "retryable": False},
    )


@accounts.field("User", "secret")
def secret(user: dict[str, Any], _info: Any) -> str:
    raise GraphQLError(f"Secret of {user['id']} is sealed.")


@accounts.reference("User")
def accounts_user(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return USERS.get(rep["id"])


orders = Subgraph(
    "orders",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type User @key(fields: "id") {
      id: ID!
      orders: [Order!]!
      vip: Boolean
    }

    type Order {
      id: ID!
      total: Int
      note: String
    }
    """,
)


@orders.reference("User")
def orders_user(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    if rep["id"] == "u2":
        raise GraphQLError(
            "Orders of u2 are locked.", extensions={"code": "LOCKED", "user": rep["id"]}
        )
    return {"id": rep["id"], "vip": rep["id"] == "u3"}


@orders.field("User", "orders")
def user_orders(user: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return ORDERS[user["id"]]


@orders.field("Order", "note")
def order_note(order: dict[str, Any], _info: Any) -> str:
    if order["id"] == "o2":
        raise GraphQLError("Note of o2 is unreadable.", extensions={"code": "FORBIDDEN"})
    return f"note for {order['id']}"


SUBGRAPHS = [accounts, orders]

QUERIES = [
    Query("error-at-root-and-nested-field", "{ me { id name secret } failing }"),
    Query(
        "error-for-one-entity-of-a-batch",
        "{ users { id name vip } }",
    ),
    Query(
        "entity-error-missing-non-null-field-nulls-data",
        "{ users { id name orders { id total } } }",
    ),
    Query(
        "error-at-nested-field-inside-entity",
        "{ me { id orders { id total note } } }",
    ),
    Query(
        "error-with-custom-extensions",
        "{ forbidden me { name } }",
    ),
    Query(
        "errors-from-both-subgraphs",
        """
        {
          failing
          forbidden
          me { secret orders { note } }
          users { name vip }
        }
        """,
    ),
]
