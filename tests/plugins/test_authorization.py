"""Authorization from the supergraph over HTTP: ``@authenticated``, ``@requiresScopes`` and
``@policy`` on fields and types of a composed two-subgraph graph. Apollo Router's semantics:
unauthorized fields are removed before planning (the subgraphs' received queries show they
are never fetched), answered null with ``UNAUTHORIZED_FIELD_OR_TYPE`` at their path, the rest
answered; ``reject_unauthorized`` refuses the whole request."""

from __future__ import annotations

import asyncio
from typing import Any

import jwt
import pytest

from hansa.plugins.jwt_auth import JwtPolicy
from hansa.subgraph import Subgraph
from tests.support.federation import federation
from tests.support.http import post_graphql

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key", "@authenticated", "@requiresScopes", "@policy"])\n'
ACCOUNTS = (
    LINK
    + """
type Query {
  me: User @authenticated
  users: [User!]!
  user(id: ID!): User
}
type User @key(fields: "id") {
  id: ID!
  name: String
  email: String @requiresScopes(scopes: [["read:email"], ["admin"]])
  salary: Int @policy(policies: [["hr"]])
  secret: String @policy(policies: [["nobody_registered"]])
  ssn: String! @requiresScopes(scopes: [["read:ssn", "admin"]])
}
"""
)
BILLING = (
    LINK
    + """
type User @key(fields: "id") {
  id: ID!
  invoices: [Invoice!]
}
type Invoice @requiresScopes(scopes: [["billing"]]) {
  total: Int
}
"""
)
SECRET = "authorization-tests-secret-authorization"
USERS = {
    "1": {"id": "1", "name": "Ada", "email": "ada@x", "salary": 10, "secret": "s", "ssn": "123"}
}
UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"


def _graph(seen: dict[str, list[str]]) -> tuple[Subgraph, Subgraph]:
    accounts = Subgraph("accounts", ACCOUNTS)
    billing = Subgraph("billing", BILLING)

    def record(name: str, info: Any) -> None:
        from graphql import print_ast

        seen.setdefault(name, []).append(print_ast(info.operation))

    @accounts.field("Query", "users")
    def users(_root: Any, info: Any) -> list[dict[str, Any]]:
        record("accounts", info)
        return list(USERS.values())

    @accounts.field("Query", "user")
    def user(_root: Any, info: Any, id: str) -> dict[str, Any] | None:
        record("accounts", info)
        return USERS.get(id)

    @accounts.field("Query", "me")
    def me(_root: Any, info: Any) -> dict[str, Any]:
        record("accounts", info)
        return USERS["1"]

    @billing.references("User")
    def invoices(representations: list[dict[str, Any]], info: Any) -> list[dict[str, Any]]:
        record("billing", info)
        return [{"id": r["id"], "invoices": [{"total": 7}]} for r in representations]

    return accounts, billing


def _bearer(**claims: Any) -> dict[str, str]:
    return {
        "authorization": f"Bearer {jwt.encode({'sub': 'u', **claims}, SECRET, algorithm='HS256')}"
    }


def _denied(*paths: list[str | int]) -> list[dict[str, Any]]:
    return [
        {"message": "Unauthorized field or type", "path": p, "extensions": {"code": UNAUTHORIZED}}
        for p in paths
    ]


@pytest.fixture
def graph() -> Any:
    seen: dict[str, list[str]] = {}
    policies = {"hr": "tests.plugins.policies:hr"}
    with federation(*_graph(seen), jwt=JwtPolicy(secret=SECRET), policies=policies) as url:
        yield url, seen


def _post(url: str, query: str, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    response = post_graphql(url, query, headers=headers or {})
    return response.status, response.json_without_request_ids()


def test_a_field_without_its_scope_is_null_and_never_fetched(graph: Any) -> None:
    url, seen = graph
    anonymous = _post(url, "{ users { name email } }")
    reader = _post(url, "{ users { name email } }", _bearer(scope="read:email"))
    admin = _post(url, "{ users { name email } }", _bearer(scope="admin"))
    assert anonymous == (
        200,
        {
            "errors": _denied(["users", "@", "email"]),
            "data": {"users": [{"name": "Ada", "email": None}]},
        },
    )
    assert reader == admin == (200, {"data": {"users": [{"name": "Ada", "email": "ada@x"}]}})
    assert "email" not in seen["accounts"][0] and "email" in seen["accounts"][1]


def test_an_authenticated_root_field_is_not_fetched_for_anonymous_clients(graph: Any) -> None:
    url, seen = graph
    anonymous = _post(url, "{ me { name } }")
    signed_in = _post(url, "{ me { name } }", _bearer())
    assert anonymous == (200, {"errors": _denied(["me"]), "data": {"me": None}})
    assert signed_in == (200, {"data": {"me": {"name": "Ada"}}})
    assert len(seen["accounts"]) == 1  # only the signed-in request reached the subgraph


def test_a_type_requirement_guards_fields_returning_it_across_subgraphs(graph: Any) -> None:
    url, seen = graph
    query = "{ users { name invoices { total } } }"
    without = _post(url, query, _bearer(scope="read:email"))
    billing = _post(url, query, _bearer(scope="billing"))
    assert without == (
        200,
        {
            "errors": _denied(["users", "@", "invoices"]),
            "data": {"users": [{"name": "Ada", "invoices": None}]},
        },
    )
    assert billing == (200, {"data": {"users": [{"name": "Ada", "invoices": [{"total": 7}]}]}})
    assert len(seen.get("billing", [])) == 1  # the subgraph never saw the unauthorized request


def test_a_non_null_field_nulls_its_parent_with_one_error(graph: Any) -> None:
    url, _ = graph
    status, body = _post(url, '{ user(id: "1") { name ssn } }', _bearer(scope="read:ssn"))
    assert (status, body) == (200, {"errors": _denied(["user", "ssn"]), "data": {"user": None}})
    both = _post(url, '{ user(id: "1") { name ssn } }', _bearer(scope="read:ssn admin"))
    assert both == (200, {"data": {"user": {"name": "Ada", "ssn": "123"}}})


def test_policies_are_python_callables_and_unregistered_ones_deny(graph: Any) -> None:
    url, _ = graph
    query = '{ user(id: "1") { name salary secret } }'
    hr_staff = _post(url, query, _bearer(dept="hr"))
    others = _post(url, query, _bearer(dept="sales"))
    assert hr_staff == (
        200,
        {
            "errors": _denied(["user", "secret"]),
            "data": {"user": {"name": "Ada", "salary": 10, "secret": None}},
        },
    )
    assert others[1]["data"] == {"user": {"name": "Ada", "salary": None, "secret": None}}
    assert [e["path"] for e in others[1]["errors"]] == [["user", "salary"], ["user", "secret"]]


def test_a_policy_registered_on_the_gateway_from_python() -> None:
    from hansa.gateway import Gateway, GatewayConfig
    from hansa.http.serve import serving
    from tests.support.federation import supergraph_of

    accounts, billing = _graph({})
    with serving(accounts.asgi_app(), billing.asgi_app()) as (a, b):
        urls = {"accounts": f"{a}/graphql", "billing": f"{b}/graphql"}
        gateway = Gateway(supergraph_of(accounts, billing), GatewayConfig(subgraph_urls=urls))

        @gateway.policy("nobody_registered")
        def everyone(_claims: Any, _context: Any) -> bool:
            return True

        async def ask() -> Any:
            try:
                return (await gateway.execute('{ user(id: "1") { secret } }')).body
            finally:
                await gateway.close()

        body = asyncio.run(ask())
    assert body == {"data": {"user": {"secret": "s"}}}


def test_reject_unauthorized_refuses_the_whole_request() -> None:
    seen: dict[str, list[str]] = {}
    with federation(*_graph(seen), jwt=JwtPolicy(secret=SECRET), reject_unauthorized=True) as url:
        refused = _post(url, "{ users { name email } }")
        allowed = _post(url, "{ users { name } }")
    assert refused == (403, {"errors": _denied(["users", "@", "email"])})
    assert allowed == (200, {"data": {"users": [{"name": "Ada"}]}})
    assert len(seen["accounts"]) == 1


CONTENT = (
    LINK
    + """
type Query {
  search: [Result!]!
  nodes: [Node]
}
union Result = Article | Memo
interface Node { id: ID! title: String }
type Article implements Node { id: ID! title: String body: String }
type Memo implements Node @authenticated { id: ID! title: String note: String }
"""
)
ITEMS = [
    {"__typename": "Article", "id": "a1", "title": "Public", "body": "text"},
    {"__typename": "Memo", "id": "m1", "title": "Private", "note": "eyes only"},
]


@pytest.fixture
def content() -> Any:
    seen: dict[str, list[str]] = {}
    subgraph = Subgraph("content", CONTENT)

    def items(_root: Any, info: Any) -> list[dict[str, Any]]:
        from graphql import print_ast

        seen.setdefault("content", []).append(print_ast(info.operation))
        return ITEMS

    subgraph.field("Query", "search")(items)
    subgraph.field("Query", "nodes")(items)
    with federation(subgraph, jwt=JwtPolicy(secret=SECRET)) as url:
        yield url, seen


def test_a_guarded_type_reached_through_a_union_keeps_its_fields_to_itself(content: Any) -> None:
    url, seen = content
    query = "{ search { __typename ... on Article { title } ... on Memo { note } } }"
    anonymous = _post(url, query)
    signed_in = _post(url, query, _bearer())
    assert anonymous == (
        200,
        {
            "errors": _denied(["search", "@", "note"]),
            "data": {
                "search": [
                    {"__typename": "Article", "title": "Public"},
                    {"__typename": "Memo", "note": None},
                ]
            },
        },
    )
    assert "note" not in seen["content"][0]  # never fetched
    assert signed_in[1]["data"]["search"][1] == {"__typename": "Memo", "note": "eyes only"}


def test_fields_selected_on_an_interface_are_denied_where_an_implementation_is_guarded(
    content: Any,
) -> None:
    url, seen = content
    anonymous = _post(url, "{ nodes { title ... on Article { body } } }")
    # ``title`` is selected on the interface: one guarded implementation is enough to remove
    # it (Router removes the whole field); ``body`` on the unguarded Article is answered.
    assert anonymous == (
        200,
        {
            "errors": _denied(["nodes", "@", "title"]),
            "data": {"nodes": [{"title": None, "body": "text"}, {"title": None}]},
        },
    )
    assert "title" not in seen["content"][0]
    signed_in = _post(url, "{ nodes { title } }", _bearer())
    assert signed_in == (200, {"data": {"nodes": [{"title": "Public"}, {"title": "Private"}]}})
