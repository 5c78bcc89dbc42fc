"""``hansa.subgraph`` against ``@apollo/subgraph`` on Apollo Server 5, live and side by side.

Every corpus scenario's subgraph SDLs are served by both (Apollo's without resolvers), and what
can be compared without mirroring the Python resolvers in Node is compared: ``_service { sdl }``
(parsed and normalised), ``_entities`` for representations whose answer does not depend on a
resolver, and the answers to malformed and invalid requests (status, codes, whether ``data`` is
there). The expectations are whatever the reference answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from hansa.http.serve import serving
from hansa.subgraph import FederationSpecError, Subgraph
from tests.subgraph import apollo_subgraph
from tests.support import reference
from tests.support.http import Response, post_graphql, request

pytestmark = pytest.mark.skipif(
    not (reference.available() and apollo_subgraph.available()), reason="run `make reference`"
)

SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { me: User hello(x: Int!): String }
type Mutation { rename(name: String!): User }
type User @key(fields: "id") { id: ID! name: String }
"""


@pytest.fixture(scope="module")
def peers() -> Iterator[dict[str, str]]:
    """``{"hansa": url, "apollo": url}`` for the same SDL."""
    with (
        apollo_subgraph.apollo_subgraphs({"users": SDL}) as apollo,
        serving(Subgraph("users", SDL).asgi_app()) as (hansa,),
    ):
        yield {"hansa": f"{hansa}/", "apollo": apollo["users"]}


def _post(url: str, body: bytes, headers: dict[str, str] | None = None) -> Response:
    return request(url, body=body, headers={"content-type": "application/json", **(headers or {})})


def _code(error: dict[str, Any]) -> str | None:
    """Apollo Server codes every uncoded error ``INTERNAL_SERVER_ERROR``; Hansa leaves those
    uncoded, so that a gateway's own default (``DOWNSTREAM_SERVICE_ERROR``) applies."""
    code = (error.get("extensions") or {}).get("code")
    return None if code == "INTERNAL_SERVER_ERROR" else code


def _shape(response: Response) -> dict[str, Any]:
    """What must agree: status, media type, ``data``, error codes and paths in order."""
    body = response.json()
    return {
        "status": response.status,
        "media": response.headers.get("content-type", "").split(";")[0],
        "has_data": "data" in body,
        "data": body.get("data"),
        "errors": [(_code(e), e.get("path")) for e in body.get("errors") or []],
    }


REQUESTS = {
    "no-query": {},
    "empty-query": {"query": ""},
    "null-query": {"query": None},
    "query-not-a-string": {"query": 1},
    "variables-not-an-object": {"query": "{ me { id } }", "variables": "x"},
    "operation-name-not-a-string": {"query": "{ me { id } }", "operationName": 1},
    "parse-failure": {"query": "{ me {"},
    "empty-selection-set": {"query": "{ me { } }"},
    "validation-failure": {"query": "{ me { nope } }"},
    "several-validation-failures": {"query": "{ me { nope } hello }"},
    "unknown-operation-name": {"query": "query A { me { id } }", "operationName": "B"},
    "several-operations-none-named": {"query": "query A { me { id } } query B { me { id } }"},
    "variable-does-not-coerce": {
        "query": "query($x: Int!) { hello(x: $x) }",
        "variables": {"x": "no"},
    },
    "required-variable-missing": {"query": "query($x: Int!) { hello(x: $x) }"},
    "executes": {"query": "query A { me { id } } query B { hello(x: 1) }", "operationName": "B"},
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_request_answers_match(peers: dict[str, str], name: str) -> None:
    body = json.dumps(REQUESTS[name]).encode()
    hansa, apollo = (_shape(_post(peers[p], body)) for p in ("hansa", "apollo"))
    assert hansa == apollo


def test_graphql_response_json_request_error_matches(peers: dict[str, str]) -> None:
    body = json.dumps(REQUESTS["validation-failure"]).encode()
    accept = {"accept": "application/graphql-response+json"}
    hansa, apollo = (_shape(_post(peers[p], body, accept)) for p in ("hansa", "apollo"))
    assert hansa == apollo


def test_body_that_is_not_json_is_a_400(peers: dict[str, str]) -> None:
    """Apollo's standalone server answers Express's HTML error page; only the status compares."""
    statuses = {p: _post(peers[p], b"{not json").status for p in ("hansa", "apollo")}
    assert statuses["hansa"] == statuses["apollo"] == 400


def test_mutation_over_get_is_refused_alike(peers: dict[str, str]) -> None:
    """Both answer 405; the code is Hansa's shared ``METHOD_NOT_ALLOWED`` (Apollo: BAD_REQUEST)."""
    query = "?query=mutation%7Brename(name%3A%22x%22)%7Bid%7D%7D"
    headers = {"apollo-require-preflight": "1"}
    statuses = {
        p: request(peers[p] + query, method="GET", headers=headers).status
        for p in ("hansa", "apollo")
    }
    assert statuses["hansa"] == statuses["apollo"] == 405


def test_query_over_get_matches(peers: dict[str, str]) -> None:
    headers = {"apollo-require-preflight": "1"}
    answers = [
        _shape(request(peers[p] + "?query=%7Bhello(x%3A1)%7D", method="GET", headers=headers))
        for p in ("hansa", "apollo")
    ]
    assert answers[0] == answers[1]


def test_field_error_is_a_200_with_data(peers: dict[str, str]) -> None:
    """An ``_entities`` call naming a type that does not exist fails the whole field."""
    query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }"
    reps = {"r": [{"__typename": "User", "id": "1"}, {"__typename": "Nope", "id": "2"}]}
    hansa, apollo = (_shape(post_graphql(peers[p], query, reps)) for p in ("hansa", "apollo"))
    assert hansa == apollo


# -- the schema each builds: federation definitions per linked version ---------------------------

DIRECTIVES = """
{
  __schema {
    directives {
      name isRepeatable locations
      args { name defaultValue type { ...T } }
    }
    types { name kind }
  }
}
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
"""


# graphql-core 3.3 follows graphql-js 17 for these (``@deprecated(reason: String!)``).
SPECIFIED = {"skip", "include", "deprecated", "specifiedBy", "oneOf"}


def _schema_shape(url: str) -> dict[str, Any]:
    body = post_graphql(url, DIRECTIVES).json()
    schema = body["data"]["__schema"]
    directives = {
        d["name"]: {
            "repeatable": d["isRepeatable"],
            "locations": sorted(d["locations"]),
            "args": sorted(json.dumps(a, sort_keys=True) for a in d["args"]),
        }
        for d in schema["directives"]
        if d["name"] not in SPECIFIED
    }
    return {
        "directives": directives,
        "types": sorted((t["name"], t["kind"]) for t in schema["types"]),
    }


def _versioned_sdl(minor: int, imports: str) -> str:
    return f"""
extend schema @link(url: "https://specs.apollo.dev/federation/v2.{minor}", import: [{imports}])
type Query {{ me: User }}
type User @key(fields: "id") {{ id: ID! }}
"""


VERSIONED = {
    f"v2_{minor}": _versioned_sdl(minor, '"@key"' if minor % 2 else '"@key", "@shareable"')
    for minor in range(15)
}


@pytest.fixture(scope="module")
def versioned() -> Iterator[dict[str, dict[str, str]]]:
    subgraphs = [Subgraph(name, sdl) for name, sdl in VERSIONED.items()]
    with (
        apollo_subgraph.apollo_subgraphs(VERSIONED) as apollo,
        serving(*(s.asgi_app() for s in subgraphs)) as hansa,
    ):
        yield {
            name: {"hansa": f"{url}/", "apollo": apollo[name]}
            for name, url in zip(VERSIONED, hansa, strict=True)
        }


@pytest.mark.parametrize("name", list(VERSIONED))
def test_directive_definitions_follow_the_linked_version(
    versioned: dict[str, dict[str, str]], name: str
) -> None:
    hansa, apollo = (_schema_shape(versioned[name][p]) for p in ("hansa", "apollo"))
    assert hansa["directives"] == apollo["directives"]
    assert hansa["types"] == apollo["types"]


@pytest.mark.parametrize(
    ("sdl", "message"),
    [
        (_versioned_sdl(15, '"@key"'), "Invalid version v2.15 for the federation feature"),
        (_versioned_sdl(0, '"@key", "@interfaceObject"'), 'unknown element "@interfaceObject"'),
        (_versioned_sdl(4, '"@key", "@authenticated"'), 'unknown element "@authenticated"'),
    ],
)
def test_links_apollo_refuses_are_refused(sdl: str, message: str) -> None:
    with apollo_subgraph.apollo_subgraphs({"refused": sdl}) as apollo:
        assert message in apollo["refused"]["error"]
    with pytest.raises(FederationSpecError, match=re.escape(message)):
        Subgraph("refused", sdl)
