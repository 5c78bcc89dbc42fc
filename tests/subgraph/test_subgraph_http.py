"""The subgraph helper, driven over real HTTP on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from hansa.demo import accounts, products, reviews
from hansa.http.serve import serving
from hansa.subgraph import Subgraph
from tests.support.http import post_graphql, request

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on User { id reviews { id } }
    ... on Product { upc reviewSummary }
    ... on Review { id body }
  }
}
"""


@pytest.fixture(scope="module")
def urls() -> Iterator[dict[str, str]]:
    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as bases:
        yield {"accounts": bases[0], "products": bases[1], "reviews": bases[2]}


def test_root_query(urls: dict[str, str]) -> None:
    response = post_graphql(f"{urls['accounts']}/graphql", "{ me { id name username } }")
    assert response.status == 200
    assert response.json() == {
        "data": {"me": {"id": "1", "name": "Ada Lovelace", "username": "@ada"}}
    }


def test_entities_of_several_types_in_one_call(urls: dict[str, str]) -> None:
    representations = [
        {"__typename": "Product", "upc": "1", "name": "Table"},
        {"__typename": "User", "id": "2"},
        {"__typename": "Review", "id": "3"},
        {"__typename": "Product", "upc": "3", "name": "Chair"},
    ]
    response = post_graphql(
        f"{urls['reviews']}/graphql", ENTITIES, {"representations": representations}
    )
    assert response.status == 200
    assert response.json() == {
        "data": {
            "_entities": [
                {
                    "__typename": "Product",
                    "upc": "1",
                    "reviewSummary": "Table: 2 reviews, 4.0 stars on average",
                },
                {"__typename": "User", "id": "2", "reviews": [{"id": "3"}, {"id": "4"}]},
                {"__typename": "Review", "id": "3", "body": "Could be better."},
                {
                    "__typename": "Product",
                    "upc": "3",
                    "reviewSummary": "Chair: 1 reviews, 3.0 stars on average",
                },
            ]
        }
    }


def test_batch_reference_resolver_and_missing_entity(urls: dict[str, str]) -> None:
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name } } }"
    reps = [{"__typename": "Product", "upc": "2"}, {"__typename": "Product", "upc": "404"}]
    response = post_graphql(f"{urls['products']}/graphql", query, {"r": reps})
    assert response.json() == {"data": {"_entities": [{"name": "Couch"}, None]}}


def test_entity_errors_carry_their_index(urls: dict[str, str]) -> None:
    failing = Subgraph(
        "failing",
        """
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
        type Query { ping: String }
        type Thing @key(fields: "id") { id: ID! name: String! }
        """,
        {
            "Thing": {
                "__resolve_reference": lambda rep, _info: (
                    {"id": rep["id"], "name": f"thing {rep['id']}"}
                    if rep["id"] != "bad"
                    else _boom(rep["id"])
                )
            }
        },
    )
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Thing { id name } } }"
    reps = [
        {"__typename": "Thing", "id": "1"},
        {"__typename": "Thing", "id": "bad"},
        {"__typename": "Thing", "id": "2"},
    ]
    with serving(failing.asgi_app()) as (base,):
        body = post_graphql(f"{base}/graphql", query, {"r": reps}).json()
    assert body["data"] == {
        "_entities": [{"id": "1", "name": "thing 1"}, None, {"id": "2", "name": "thing 2"}]
    }
    errors = {tuple(e["path"]): e["message"] for e in body["errors"]}
    assert errors == {("_entities", 1): "no thing called bad"}


def _boom(name: str) -> Any:
    raise ValueError(f"no thing called {name}")


def test_service_sdl_is_the_subgraph_schema(urls: dict[str, str]) -> None:
    body = post_graphql(f"{urls['reviews']}/graphql", "{ _service { sdl } }").json()
    assert body == {"data": {"_service": {"sdl": reviews.sdl}}}


def test_get_request(urls: dict[str, str]) -> None:
    response = request(
        f"{urls['accounts']}/graphql?query=%7B%20me%20%7B%20id%20%7D%20%7D", method="GET"
    )
    assert response.json() == {"data": {"me": {"id": "1"}}}


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "INVALID_JSON"),
        (b'{"query": 1}', "application/json", 400, "BAD_REQUEST"),
        (b"{ me { id } }", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"[]", "application/json", 400, "BAD_REQUEST"),
    ],
)
def test_bad_requests_get_coded_errors(
    urls: dict[str, str], body: bytes, content_type: str, status: int, code: str
) -> None:
    response = request(
        f"{urls['accounts']}/graphql", body=body, headers={"content-type": content_type}
    )
    assert response.status == status
    assert response.json()["errors"][0]["extensions"]["code"] == code


def test_invalid_query_is_reported_not_raised(urls: dict[str, str]) -> None:
    for query, fragment in [
        ("{ me { nope } }", "Cannot query field 'nope'"),
        ("{ me {", "Syntax Error"),
    ]:
        body = post_graphql(f"{urls['accounts']}/graphql", query).json()
        assert "data" not in body
        assert fragment in body["errors"][0]["message"]


def test_graphql_response_json_uses_4xx_for_request_errors(urls: dict[str, str]) -> None:
    response = post_graphql(
        f"{urls['accounts']}/graphql",
        "{ me { nope } }",
        headers={"accept": "application/graphql-response+json"},
    )
    assert response.status == 400
    assert response.headers["content-type"] == "application/graphql-response+json"


class Book:
    """A plain Python object whose class names the implementation it is."""

    def __init__(self, id: str) -> None:
        self.id = id
        self.title = f"title {id}"


def test_interface_entity_resolves_to_the_implementation_its_class_names() -> None:
    sdl = """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
    type Query { first: Media }
    interface Media @key(fields: "id") { id: ID! title: String }
    type Book implements Media @key(fields: "id") { id: ID! title: String }
    """
    media = Subgraph(
        "media",
        sdl,
        {
            "Query": {"first": lambda *_: Book("0")},
            "Media": {"__resolve_reference": lambda rep, _info: Book(rep["id"])},
        },
    )
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Book { id title } } }"
    with serving(media.asgi_app()) as (base,):
        body = post_graphql(
            f"{base}/graphql", query, {"r": [{"__typename": "Media", "id": "1"}]}
        ).json()
    assert body == {"data": {"_entities": [{"id": "1", "title": "title 1"}]}}
