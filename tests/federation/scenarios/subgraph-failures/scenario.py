"""Subgraphs that fail at the transport level, while the rest of the graph still answers.

``core`` is healthy and owns ``Product``; four other subgraphs each add one ``Product`` field and
one root field, and each is broken in its own way (``SERVE``):

- ``down``: nothing listens on its port (connection refused);
- ``html``: answers ``200 text/html`` with a page that is not JSON;
- ``five``: answers HTTP 500 with a GraphQL-shaped JSON error body;
- ``weird``: answers ``200 application/json`` with a JSON object that has neither ``data`` nor
  ``errors``.

Every query mixes healthy and failing fields: the healthy ones must be answered, the failing
ones null, with one error per failed fetch. The expected files are hand-written where Apollo
Gateway's error codes differ from Apollo Router's, which Hansa follows: connection failures and
non-2xx statuses are ``SUBREQUEST_HTTP_ERROR``, a non-JSON or non-GraphQL body is
``SUBREQUEST_MALFORMED_RESPONSE``; the data is exactly what the reference returned.
"""

import json
from typing import Any

from tests.federation.harness import Query

from hansa.http.asgi import Receive, Scope, Send, lifespan, read_body, send_response
from hansa.subgraph import Subgraph

PRODUCTS = [{"id": "p1", "name": "Bike"}, {"id": "p2", "name": "Helmet"}]

core = Subgraph(
    "core",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      products: [Product!]!
      coreInfo: String
    }

    type Product @key(fields: "id") {
      id: ID!
      name: String
    }
    """,
)


@core.field("Query", "products")
def products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return PRODUCTS


@core.field("Query", "coreInfo")
def core_info(_root: Any, _info: Any) -> str:
    return "core is fine"


def _extension(name: str, field: str, root_field: str) -> Subgraph:
    """A subgraph adding ``Product.<field>: Int`` and ``Query.<root_field>: String``."""
    sg = Subgraph(
        name,
        f"""
        extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

        type Query {{
          {root_field}: String
        }}

        type Product @key(fields: "id") {{
          id: ID!
          {field}: Int
        }}
        """,
    )
    sg.field("Query", root_field)(lambda _root, _info: f"{name} is fine")
    sg.reference("Product")(lambda rep, _info: {"id": rep["id"], field: 1})
    return sg


down = _extension("down", "stock", "downStatus")
html = _extension("html", "reviewScore", "htmlStatus")
five = _extension("five", "price", "fiveStatus")
weird = _extension("weird", "rating", "weirdStatus")


def _broken(status: int, content_type: str, body: bytes) -> Any:
    """An ASGI app that reads any request and always answers with the same response."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        await read_body(receive, 1 << 20)
        await send_response(send, status, body, content_type)

    return app


HTML_PAGE = b"<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>nginx</body></html>"
ERROR_BODY = json.dumps(
    {"errors": [{"message": "Internal meltdown", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}
).encode()
NOT_GRAPHQL = json.dumps({"hello": "world", "status": "ok"}).encode()

SUBGRAPHS = [core, down, html, five, weird]
SERVE = {
    "down": None,
    "html": _broken(200, "text/html; charset=utf-8", HTML_PAGE),
    "five": _broken(500, "application/json", ERROR_BODY),
    "weird": _broken(200, "application/json", NOT_GRAPHQL),
}

QUERIES = [
    Query(
        "subgraph-down",
        "{ coreInfo downStatus products { id name stock } }",
    ),
    Query(
        "subgraph-answers-non-json",
        "{ coreInfo htmlStatus products { id name reviewScore } }",
    ),
    Query(
        "subgraph-answers-http-500-with-json-body",
        "{ coreInfo fiveStatus products { id name price } }",
    ),
    Query(
        "subgraph-answers-json-without-data-or-errors",
        "{ coreInfo weirdStatus products { id name rating } }",
    ),
    Query(
        "failing-entity-fields-from-every-broken-subgraph",
        "{ products { id name stock reviewScore price rating } }",
    ),
]
