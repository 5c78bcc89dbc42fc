"""Request ids: every response carries one in ``x-request-id`` and in each error's
``extensions.requestId``, whatever refused the request (the connection guard, the HTTP layer,
a plugin, validation, a failed fetch); a client's plain id is kept, anything else replaced."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from graphql import GraphQLError

from hansa.demo import accounts, products, reviews
from hansa.gateway import Gateway
from hansa.subgraph import Subgraph
from tests.support.federation import federation, supergraph_of
from tests.support.http import post_graphql, request

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


@pytest.fixture(scope="module")
def gateway() -> Iterator[str]:
    with federation(accounts, products, reviews, max_body_bytes=10_000, max_url_bytes=512) as url:
        yield url


def _is_new(rid: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{32}", rid) is not None


def _ids(body: dict[str, Any]) -> set[str]:
    return {error["extensions"]["requestId"] for error in body["errors"]}


def test_a_successful_answer_has_a_new_id_in_its_header(gateway: str) -> None:
    first = post_graphql(gateway, "{ me { name } }")
    second = post_graphql(gateway, "{ me { name } }")
    assert first.json() == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert _is_new(first.headers["x-request-id"]) and _is_new(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


def test_a_clients_plain_id_is_kept_in_the_header_and_every_error(gateway: str) -> None:
    answer = post_graphql(gateway, "{ me { nope } }", headers={"x-request-id": "lb-7f3a:42"})
    assert answer.status == 400
    assert answer.headers["x-request-id"] == "lb-7f3a:42"
    assert _ids(answer.json()) == {"lb-7f3a:42"}


@pytest.mark.parametrize("sent", ["has spaces", "<script>", "x" * 129, ""])
def test_an_id_that_is_not_a_plain_token_is_replaced(gateway: str, sent: str) -> None:
    answer = post_graphql(gateway, "{ me { nope } }", headers={"x-request-id": sent})
    rid = answer.headers["x-request-id"]
    assert _is_new(rid) and _ids(answer.json()) == {rid}


@pytest.mark.parametrize(
    ("path", "method", "body", "headers", "status"),
    [
        ("/nowhere", "GET", None, {}, 404),  # not the GraphQL endpoint
        ("/graphql", "POST", b"{", {"content-type": "application/json"}, 400),  # not JSON
        ("/graphql", "POST", b"x" * 20_000, {"content-type": "application/json"}, 413),
        ("/graphql", "POST", b'{"query":"{me{id}}"}', {"accept": "text/plain"}, 406),
        ("/graphql", "GET", None, {}, 400),  # CSRF: a GET without a preflight header
        ("/graphql?" + "q" * 600, "GET", None, {}, 414),  # refused by the connection guard
    ],
)
def test_refusals_at_every_layer_carry_the_id(
    gateway: str,
    path: str,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    status: int,
) -> None:
    base = gateway.removesuffix("/graphql")
    answer = request(base + path, method=method, body=body, headers=headers)
    assert answer.status == status
    rid = answer.headers["x-request-id"]
    assert _is_new(rid) and _ids(answer.json()) == {rid}


def test_errors_from_subgraphs_and_failed_fetches_carry_it() -> None:
    broken = Subgraph("broken", FED + "type Query { boom: String, fine: String }")

    def boom(_root: Any, _info: Any) -> str:
        raise GraphQLError("kaboom", extensions={"code": "BOOM"})

    broken.field("Query", "boom")(boom)
    broken.field("Query", "fine")(lambda _r, _i: "ok")
    gone = Subgraph("gone", FED + "type Query { away: String }")
    with federation(broken, gone, down=["gone"]) as url:
        answer = post_graphql(url, "{ boom fine away }", headers={"x-request-id": "r-1"})
    body = answer.json()
    assert body["data"] == {"boom": None, "fine": "ok", "away": None}
    codes = sorted(e["extensions"]["code"] for e in body["errors"])
    assert codes == ["BOOM", "SUBREQUEST_HTTP_ERROR"]
    assert _ids(body) == {"r-1"}


def test_requests_sharing_one_execution_keep_their_own_ids() -> None:
    """With ``inbound_dedup`` two identical requests share one answer, not one id."""
    slow = Subgraph("slow", FED + "type Query { late: String }")

    async def late(_root: Any, _info: Any) -> str:
        await asyncio.sleep(0.5)
        raise GraphQLError("too late", extensions={"code": "LATE"})

    slow.field("Query", "late")(late)
    with federation(slow, inbound_dedup=True) as url, ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda rid: post_graphql(url, "{ late }", headers={"x-request-id": rid}),
                ["one", "two"],
            )
        )
    assert [_ids(a.json()) for a in answers] == [{"one"}, {"two"}]


def test_the_python_api_gives_every_error_an_id() -> None:
    gateway = Gateway(supergraph_of(accounts, products, reviews))
    given = asyncio.run(gateway.execute("{ me { nope } }", request_id="py-1"))
    made = asyncio.run(gateway.execute("{ me { nope } }"))
    assert _ids(given.body) == {"py-1"}
    (rid,) = _ids(made.body)
    assert _is_new(rid)
