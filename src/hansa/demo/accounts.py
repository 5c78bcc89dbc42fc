"""Accounts subgraph: owns ``User``."""

from typing import Any

from hansa.subgraph import Subgraph

USERS: dict[str, dict[str, Any]] = {
    "1": {"id": "1", "name": "Ada Lovelace", "username": "@ada", "birthYear": 1815},
    "2": {"id": "2", "name": "Alan Turing", "username": "@complete", "birthYear": 1912},
}

SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  me: User
  user(id: ID!): User
  users: [User!]!
}

type User @key(fields: "id") {
  id: ID!
  name: String
  username: String @shareable
  birthYear: Int
}
"""

accounts = Subgraph("accounts", SDL)


@accounts.field("Query", "me")
def me(_root: Any, _info: Any) -> dict[str, Any]:
    return USERS["1"]


@accounts.field("Query", "user")
def user(_root: Any, _info: Any, id: str) -> dict[str, Any] | None:
    return USERS.get(id)


@accounts.field("Query", "users")
def users(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return list(USERS.values())


@accounts.reference("User")
def resolve_user(representation: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return USERS.get(representation["id"])
