"""Subgraph error masking over HTTP: a redacted subgraph's errors keep their path and code and
lose their message and other extensions; another subgraph's pass untouched."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from hansa.subgraph import Subgraph
from tests.support.federation import federation
from tests.support.http import post_graphql

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def _failing(name: str, field: str) -> Subgraph:
    subgraph = Subgraph(name, FED + f"type Query {{ {field}: String }}")

    def fail(_root: Any, _info: Any) -> str:
        raise GraphQLError(
            "SELECT * FROM secrets failed on db-7.internal",
            extensions={"code": "DB_ERROR", "host": "db-7.internal"},
        )

    subgraph.field("Query", field)(fail)
    return subgraph


def test_a_redacted_subgraph_keeps_path_and_code_only() -> None:
    with federation(
        _failing("vault", "secret"), _failing("open", "plain"), redact_subgraph_errors=("vault",)
    ) as url:
        body = post_graphql(url, "{ secret plain }").json_without_request_ids()
    assert body["data"] == {"secret": None, "plain": None}
    by_path = {tuple(e["path"]): e for e in body["errors"]}
    assert by_path[("secret",)] == {
        "message": "Subgraph errors redacted",
        "path": ["secret"],
        "extensions": {"code": "DB_ERROR", "serviceName": "vault"},
    }
    assert by_path[("plain",)]["message"] == "SELECT * FROM secrets failed on db-7.internal"
    assert by_path[("plain",)]["extensions"]["host"] == "db-7.internal"
