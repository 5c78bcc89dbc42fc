"""Generated requests against the gateway's HTTP app, checked for the promises every answer
keeps: no 500, a JSON body (or GraphiQL's HTML), every error with a message and a string
``extensions.code``, no Python traceback. Used by ``scripts/fuzz-gateway`` (the long run whose
count is in ``docs/reliability.md``) and by ``tests/faults/test_fuzz.py`` (a short run in
``make test``).

Requests are built by hypothesis from the GraphQL-over-HTTP surface: methods, paths, media
types, bodies that are random bytes, random JSON, or GraphQL requests whose documents are token
soup from the demo schema's vocabulary, valid demo queries, or valid queries with a character
dropped, repeated or swapped, with random variables and operation names. The app runs in
process; its subgraphs are the demo's, on loopback HTTP.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

ALLOWED_STATUSES = {200, 400, 404, 405, 406, 408, 413, 414, 415, 429, 503, 504}

VALID = [
    "{ me { name } }",
    "{ topProducts { name price reviews { body author { name username } } } }",
    "query($id: ID!) { user(id: $id) { name reviews { product { name } } } }",
    "query Q($n: Int) { topProducts(first: $n) { upc ...P } } fragment P on Product { name }",
    "{ me { ... on User { id } __typename } __schema { queryType { name } } }",
    "query($s: Boolean!) { me { name @skip(if: $s) birthYear @include(if: true) } }",
    "mutation { __typename }",
    "subscription { __typename }",
]
TOKENS = [
    "{",
    "}",
    "(",
    ")",
    ":",
    "...",
    "fragment",
    "on",
    "query",
    "mutation",
    "subscription",
    "$id",
    "$n",
    "me",
    "name",
    "topProducts",
    "reviews",
    "__typename",
    "__schema",
    "__type",
    "@skip(if: true)",
    "@include(if: $x)",
    '"str"',
    "1",
    "-1",
    "1.5e3",
    "[",
    "]",
    "!",
    "=",
    "ID",
    "String",
    "Int",
    "user",
    "id",
    "body",
    "author",
    "product",
    "... on User",
    "a:",
    ",",
    "#",
    '"""block"""',
    "null",
    "true",
    "Product",
    "User",
    "upc",
    "first:",
    "\\u0000",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["valid", "mutated", "soup", "text"]))
    if kind == "valid":
        return draw(st.sampled_from(VALID))
    if kind == "mutated":
        text = draw(st.sampled_from(VALID))
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(text) - 1))
            action = draw(st.sampled_from(["drop", "repeat", "swap", "insert"]))
            if action == "drop":
                text = text[:at] + text[at + 1 :]
            elif action == "repeat":
                text = text[:at] + text[at] * draw(st.integers(2, 40)) + text[at:]
            elif action == "swap" and at + 1 < len(text):
                text = text[:at] + text[at + 1] + text[at] + text[at + 2 :]
            else:
                text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
        return text
    if kind == "soup":
        return " ".join(draw(st.lists(st.sampled_from(TOKENS), max_size=40)))
    return draw(st.text(max_size=60))


@st.composite
def graphql_bodies(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if draw(st.booleans()) or True:
        body["query"] = draw(documents() | json_values)
    if draw(st.booleans()):
        body["variables"] = draw(
            st.dictionaries(
                st.sampled_from(["id", "n", "s", "x", "first"]), json_values, max_size=3
            )
            | json_values
        )
    if draw(st.booleans()):
        body["operationName"] = draw(st.sampled_from(["Q", "", "Nope"]) | json_values)
    if draw(st.integers(0, 9)) == 0:
        body["extensions"] = draw(json_values)
    return body


@dataclass
class FuzzRequest:
    method: str
    path: str
    headers: list[tuple[bytes, bytes]]
    query_string: bytes
    body: bytes


@st.composite
def requests(draw: st.DrawFn) -> FuzzRequest:
    method = draw(st.sampled_from(["POST"] * 6 + ["GET"] * 3 + ["PUT", "OPTIONS", "DELETE"]))
    path = draw(st.sampled_from(["/graphql"] * 8 + ["/", "/health", "/health/ready", "/nope"]))
    media = draw(
        st.sampled_from(
            ["application/json"] * 6
            + [
                "application/graphql-response+json",
                "text/plain",
                "",
                "application/json; charset=latin-1",
                "multipart/form-data",
            ]
        )
    )
    accept = draw(
        st.sampled_from(
            [
                "*/*",
                "application/json",
                "application/graphql-response+json",
                "text/html",
                "image/png",
                "",
            ]
        )
    )
    headers = [(b"content-type", media.encode())] if media else []
    if accept:
        headers.append((b"accept", accept.encode()))
    payload = draw(graphql_bodies())
    shape = draw(st.sampled_from(["json"] * 7 + ["bytes", "json-value", "truncated"]))
    if shape == "json":
        body = json.dumps(payload).encode()
    elif shape == "bytes":
        body = draw(st.binary(max_size=80))
    elif shape == "json-value":
        body = json.dumps(draw(json_values)).encode()
    else:
        encoded = json.dumps(payload).encode()
        body = encoded[: draw(st.integers(0, max(0, len(encoded) - 1)))]
    query_string = b""
    if method == "GET":
        parts = [
            f"{k}={quote(json.dumps(v) if not isinstance(v, str) else v)}"
            for k, v in payload.items()
        ]
        query_string = "&".join(parts).encode()
        body = b""
    return FuzzRequest(method, path, headers, query_string, body)


@dataclass
class Outcome:
    status: int
    headers: dict[str, str]
    body: bytes
    problems: list[str] = field(default_factory=list)


async def call(app: Any, request: FuzzRequest) -> Outcome:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": "http",
        "path": request.path,
        "raw_path": request.path.encode(),
        "query_string": request.query_string,
        "root_path": "",
        "headers": [*request.headers, (b"content-length", str(len(request.body)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 4000),
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": request.body, "more_body": False}

    messages: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    headers = {k.decode(): v.decode() for k, v in start["headers"]}
    return Outcome(start["status"], headers, body)


def problems(outcome: Outcome) -> list[str]:
    """What this answer breaks of the promises above (empty: none)."""
    found: list[str] = []
    if outcome.status not in ALLOWED_STATUSES:
        found.append(f"status {outcome.status}")
    if b"Traceback" in outcome.body or b'File "' in outcome.body:
        found.append("a traceback in the body")
    if outcome.headers.get("content-type", "").startswith("text/html"):
        return found
    try:
        body = json.loads(outcome.body)
    except ValueError:
        return [*found, "the body is not JSON"]
    if not isinstance(body, dict):
        return [*found, "the body is not a JSON object"]
    for error in body.get("errors") or ():
        if not isinstance(error.get("message"), str):
            found.append("an error without a message")
        code = (error.get("extensions") or {}).get("code")
        if not isinstance(code, str):
            found.append(f"an error without extensions.code: {error.get('message')!r}")
    if (
        outcome.status == 200
        and "data" not in body
        and "errors" not in body
        and "status" not in body
    ):
        found.append("a 200 without data or errors")
    return found


def run(examples: int, seed: int | None = None) -> tuple[int, list[tuple[FuzzRequest, Outcome]]]:
    """Send ``examples`` generated requests to a gateway over the demo subgraphs; the number
    sent and every request whose answer broke a promise (or that raised)."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed

    from hansa.demo import accounts, products, reviews
    from hansa.demo.run import SUPERGRAPH
    from hansa.gateway import GatewayConfig, create_app
    from hansa.http.serve import serving

    failures: list[tuple[FuzzRequest, Outcome]] = []
    sent = 0
    loop = asyncio.new_event_loop()
    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as urls:
        names = ("accounts", "products", "reviews")
        overrides = {n: f"{u}/graphql" for n, u in zip(names, urls, strict=True)}
        config = GatewayConfig(subgraph_urls=overrides, request_timeout=5)
        app = create_app(SUPERGRAPH.read_text(), config)

        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(requests())
        def check(request: FuzzRequest) -> None:
            nonlocal sent
            sent += 1
            try:
                outcome = loop.run_until_complete(call(app, request))
            except Exception as error:  # the app let an exception out: the worst failure
                failures.append((request, Outcome(0, {}, repr(error).encode(), ["raised"])))
                return
            outcome.problems = problems(outcome)
            if outcome.problems:
                failures.append((request, outcome))

        if seed is not None:
            check = fixed_seed(seed)(check)
        check()
        loop.run_until_complete(app.shutdown())
    loop.close()
    return sent, failures
