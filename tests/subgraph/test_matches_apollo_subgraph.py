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
from tests.federation.harness import all_scenarios
from tests.subgraph import apollo_subgraph
from tests.subgraph.sdl_semantics import canonical_sdl, entity_probe
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
def served() -> Iterator[dict[str, dict[str, Any]]]:
    """Every SDL of this module served by both at once (one Node process, one server thread):
    ``{name: {"hansa": url, "apollo": url or {"error": ...}, "subgraph": Subgraph}}``; the
    refused SDLs only by Apollo."""
    sdls = {"users": SDL, **VERSIONED, **CORPUS}
    subgraphs = {name: Subgraph(name.replace("/", "_"), sdl) for name, sdl in sdls.items()}
    with (
        apollo_subgraph.apollo_subgraphs({**sdls, **REFUSED}) as apollo,
        serving(*(s.asgi_app() for s in subgraphs.values())) as hansa,
    ):
        peers: dict[str, dict[str, Any]] = {
            name: {"hansa": f"{url}/", "apollo": apollo[name], "subgraph": subgraphs[name]}
            for name, url in zip(subgraphs, hansa, strict=True)
        }
        peers.update({name: {"apollo": apollo[name]} for name in REFUSED})
        yield peers


@pytest.fixture(scope="module")
def peers(served: dict[str, dict[str, Any]]) -> dict[str, str]:
    """``{"hansa": url, "apollo": url}`` for the same SDL."""
    return {"hansa": served["users"]["hansa"], "apollo": served["users"]["apollo"]}


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


@pytest.mark.parametrize("name", list(VERSIONED))
def test_directive_definitions_follow_the_linked_version(
    served: dict[str, dict[str, Any]], name: str
) -> None:
    hansa, apollo = (_schema_shape(served[name][p]) for p in ("hansa", "apollo"))
    assert hansa["directives"] == apollo["directives"]
    assert hansa["types"] == apollo["types"]


REFUSED = {
    "refused-v2.15": _versioned_sdl(15, '"@key"'),
    "refused-v2.0-interfaceObject": _versioned_sdl(0, '"@key", "@interfaceObject"'),
    "refused-v2.4-authenticated": _versioned_sdl(4, '"@key", "@authenticated"'),
}
REFUSALS = {
    "refused-v2.15": "Invalid version v2.15 for the federation feature",
    "refused-v2.0-interfaceObject": 'unknown element "@interfaceObject"',
    "refused-v2.4-authenticated": 'unknown element "@authenticated"',
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_links_apollo_refuses_are_refused(served: dict[str, dict[str, Any]], name: str) -> None:
    message = REFUSALS[name]
    assert message in served[name]["apollo"]["error"]
    with pytest.raises(FederationSpecError, match=re.escape(message)):
        Subgraph("refused", REFUSED[name])


# -- every corpus subgraph SDL, served by both without resolvers ---------------------------------


def _corpus_sdls() -> dict[str, str]:
    sdls: dict[str, str] = {}
    for scenario in all_scenarios():
        for sg in scenario.subgraphs:
            if sg.sdl not in sdls.values():
                sdls[f"{scenario.name}/{sg.name}"] = sg.sdl
    return sdls


CORPUS = _corpus_sdls()


def test_apollo_accepts_every_corpus_sdl(served: dict[str, dict[str, Any]]) -> None:
    refused = {n: served[n]["apollo"]["error"] for n in CORPUS if "error" in served[n]["apollo"]}
    assert refused == {}


MALFORMED = (
    {"query": "{ __typename"},
    {"query": "{ __typename nope }"},
    {"query": "query A { __typename }", "operationName": "B"},
)


@pytest.mark.parametrize("name", list(CORPUS))
def test_corpus_subgraph_answers_like_apollo(served: dict[str, dict[str, Any]], name: str) -> None:
    """``_service { sdl }`` means the same schema; ``_entities`` for every entity's key (and
    for the query type, which is no entity) gives the same data and errors; malformed
    requests get the same status and codes."""
    peer = served[name]
    both = ("hansa", "apollo")
    query = "{ _service { sdl } }"
    hansa_sdl, apollo_sdl = (
        post_graphql(peer[p], query).json()["data"]["_service"]["sdl"] for p in both
    )
    assert canonical_sdl(hansa_sdl) == canonical_sdl(apollo_sdl)

    info = peer["subgraph"].schema_info
    entities, representations = entity_probe(info.schema, info.spec.name_of("key"))
    if entities is not None:
        hansa, apollo = (
            _shape(post_graphql(peer[p], entities, {"r": representations})) for p in both
        )
        assert hansa == apollo, representations

    for body in MALFORMED:
        data = json.dumps(body).encode()
        hansa, apollo = (_shape(_post(peer[p], data)) for p in both)
        assert hansa == apollo, body
