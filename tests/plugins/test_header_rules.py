"""Header propagation rules over HTTP, both ways: what a subgraph receives from a client's
request under each rule, and which subgraph response headers (every ``set-cookie``) reach the
client."""

from __future__ import annotations

from typing import Any

from hansa.plugins.header_rules import HeaderRules
from hansa.subgraph import Subgraph
from tests.support.federation import federation
from tests.support.http import post_graphql

FED = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'


def _echo(seen: list[dict[str, str]]) -> Subgraph:
    subgraph = Subgraph("echo", FED + "type Query { ping: String }")

    @subgraph.field("Query", "ping")
    def ping(_root: Any, info: Any) -> str:
        seen.append(dict(info.context["headers"]))
        return "pong"

    return subgraph


def _with_response_headers(app: Any) -> Any:
    async def wrapped(scope: Any, receive: Any, send: Any) -> None:
        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"set-cookie", b"a=1; Path=/"),
                    (b"set-cookie", b"b=2; Path=/"),
                    (b"x-cache", b"HIT"),
                    (b"x-internal", b"secret"),
                ]
                message = {**message, "headers": [*message["headers"], *extra]}
            await send(message)

        await app(scope, receive, sending)

    return wrapped


def test_request_headers_follow_the_rules() -> None:
    seen: list[dict[str, str]] = []
    rules = HeaderRules(
        propagate=("x-trace-id", "cookie"),
        propagate_matching=("^x-feature-",),
        rename={"x-user": "x-client-user"},
        insert={"x-gateway": "hansa"},
        remove=("cookie",),
    )
    headers = {
        "x-trace-id": "t1",
        "x-feature-new-ui": "on",
        "x-user": "ada",
        "cookie": "session=s",
        "x-other": "not sent",
    }
    with federation(_echo(seen), header_rules=rules) as url:
        assert post_graphql(url, "{ ping }", headers=headers).json() == {"data": {"ping": "pong"}}
    [received] = seen
    assert received["x-trace-id"] == "t1"
    assert received["x-feature-new-ui"] == "on"
    assert received["x-client-user"] == "ada"
    assert received["x-gateway"] == "hansa"
    assert "cookie" not in received and "x-other" not in received and "x-user" not in received


def test_chosen_subgraph_response_headers_reach_the_client() -> None:
    seen: list[dict[str, str]] = []
    echo = _echo(seen)
    rules = HeaderRules(response_propagate=("set-cookie", "x-cache"))
    apps = {"echo": _with_response_headers(echo.asgi_app())}
    with federation(echo, apps=apps, header_rules=rules) as url:
        import urllib.request

        request = urllib.request.Request(
            url, data=b'{"query": "{ ping }"}', headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request) as response:
            cookies = response.headers.get_all("set-cookie")
            cache = response.headers.get("x-cache")
            internal = response.headers.get("x-internal")
    assert cookies == ["a=1; Path=/", "b=2; Path=/"]
    assert cache == "HIT"
    assert internal is None
