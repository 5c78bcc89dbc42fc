"""Gateway edge cases found in review, each driven over HTTP against real loopback subgraphs.

Expected answers follow from the GraphQL spec and the federation semantics stated in each test.
Supergraphs are composed with ``hansa.composition`` (proven equal to Apollo's by the
composition corpus).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from hansa.composition import SubgraphInput, compose
from hansa.demo import accounts, products, reviews
from hansa.gateway import GatewayConfig, create_app
from hansa.gateway.gateway import Gateway
from hansa.http.asgi import Receive, Scope, Send, read_body, send_response
from hansa.http.serve import serving
from hansa.pipeline import GatewayResponse
from hansa.subgraph import Subgraph
from tests.support.federation import federation
from tests.support.http import post_graphql

FED2 = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])\n'
DEMO = Path(__file__).resolve().parents[2] / "src/hansa/demo/supergraph.graphql"


def test_variable_defaults_reach_the_subgraph() -> None:
    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as urls:
        overrides = {
            n: f"{u}/graphql"
            for n, u in zip(("accounts", "products", "reviews"), urls, strict=True)
        }
        with serving(create_app(DEMO, subgraph_urls=overrides)) as (base,):
            body = post_graphql(
                f"{base}/graphql", 'query($id: ID = "2") { user(id: $id) { name } }'
            ).json()
            clash = post_graphql(
                f"{base}/graphql",
                "query($representations: Int) { topProducts(first: $representations) { reviews { id } } }",
                {"representations": 1},
            ).json()
    assert body == {"data": {"user": {"name": "Alan Turing"}}}
    assert clash == {"data": {"topProducts": [{"reviews": [{"id": "1"}, {"id": "4"}]}]}}


def test_a_shareable_mutation_runs_once() -> None:
    calls: list[str] = []

    def creator(name: str) -> Any:
        def create(_root: Any, _info: Any) -> dict[str, Any]:
            calls.append(name)
            return {"x": name, "y": name}

        return create

    a = Subgraph(
        "a",
        FED2
        + "type Query { a: Int }\ntype Mutation { create: Result @shareable }\ntype Result { x: String @shareable }",
        {"Mutation": {"create": creator("a")}},
    )
    b = Subgraph(
        "b",
        FED2
        + "type Query { b: Int }\ntype Mutation { create: Result @shareable }\ntype Result { x: String @shareable y: String }",
        {"Mutation": {"create": creator("b")}},
    )
    with federation(a, b) as url:
        body = post_graphql(url, "mutation { create { x y } }").json()
    assert body == {"data": {"create": {"x": "b", "y": "b"}}}
    assert calls == ["b"]


def test_a_subgraph_with_a_narrower_field_type() -> None:
    # "s1" returns the concrete type A where the supergraph field has interface I.
    s1 = Subgraph(
        "s1",
        FED2
        + "type Query { thing: A @shareable }\ninterface I { id: ID! }\ntype A implements I @shareable { id: ID! name: String }",
        {"Query": {"thing": lambda *_: {"id": "a1", "name": "first"}}},
    )
    s2 = Subgraph(
        "s2",
        FED2
        + "type Query { thing: I @shareable other: Int }\ninterface I { id: ID! }\ntype A implements I @shareable { id: ID! }",
        {"Query": {"thing": lambda *_: {"__typename": "A", "id": "a1"}, "other": lambda *_: 1}},
    )
    with federation(s1, s2) as url:
        body = post_graphql(url, "{ thing { id ... on A { name } } }").json()
    assert body == {"data": {"thing": {"id": "a1", "name": "first"}}}


class GarbagePaths:
    """A subgraph whose errors carry paths that are not response paths."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await read_body(receive, 1_000_000)
        body = {"data": {"thing": None}, "errors": [{"message": "odd", "path": [{"a": 1}, ["x"]]}]}
        await send_response(send, 200, json.dumps(body).encode(), "application/json")


def test_garbage_error_paths_are_dropped_not_fatal() -> None:
    sub = Subgraph("odd", FED2 + "type Query { thing: String }")
    with federation(sub, apps={"odd": GarbagePaths()}) as url:
        response = post_graphql(url, "{ thing }")
    assert response.status == 200
    assert response.json_without_request_ids() == {
        "errors": [
            {
                "message": "odd",
                "extensions": {"code": "DOWNSTREAM_SERVICE_ERROR", "serviceName": "odd"},
            }
        ],
        "data": {"thing": None},
    }


def test_fragment_fan_out_is_collected_once() -> None:
    # 2**30 spreads if every spread were expanded; CollectFields visits each fragment once.
    levels = 30
    fragments = "\n".join(
        f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    document = f"{{ ...F0 }}\n{fragments}\nfragment F{levels} on Query {{ me {{ id }} }}"
    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as urls:
        overrides = {
            n: f"{u}/graphql"
            for n, u in zip(("accounts", "products", "reviews"), urls, strict=True)
        }
        with serving(create_app(DEMO, subgraph_urls=overrides)) as (base,):
            body = post_graphql(f"{base}/graphql", document).json()
            too_long = post_graphql(f"{base}/graphql", "{ " + "me { id } " * 5000 + "}").json()
    assert body == {"data": {"me": {"id": "1"}}}
    assert too_long["errors"][0]["extensions"]["code"] == "MAX_TOKENS_LIMIT"


FED2_REQUIRES = (
    'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
    ' import: ["@key", "@external", "@requires"])\n'
)
PRICES = {"1": 100, "2": 250}


def test_a_plan_may_enter_the_same_subgraph_twice_at_one_path() -> None:
    # catalog.finalPrice needs promotions.discount, which needs catalog.basePrice.
    store = Subgraph(
        "store",
        FED2_REQUIRES
        + 'type Query { products: [Product] }\ntype Product @key(fields: "id") { id: ID! }',
        {"Query": {"products": lambda *_: [{"id": "1"}, {"id": "2"}]}},
    )
    catalog = Subgraph(
        "catalog",
        FED2_REQUIRES
        + 'type Product @key(fields: "id") { id: ID! basePrice: Int discount: Int @external'
        + ' finalPrice: Int @requires(fields: "discount") }',
        {
            "Product": {
                "__resolve_reference": lambda rep, _info: {**rep, "basePrice": PRICES[rep["id"]]},
                "finalPrice": lambda product, _info: PRICES[product["id"]] - product["discount"],
            }
        },
    )
    promotions = Subgraph(
        "promotions",
        FED2_REQUIRES
        + 'type Product @key(fields: "id") { id: ID! basePrice: Int @external'
        + ' discount: Int @requires(fields: "basePrice") }',
        {"Product": {"discount": lambda product, _info: product["basePrice"] // 10}},
    )
    with federation(store, catalog, promotions) as url:
        body = post_graphql(url, "{ products { id finalPrice } }").json()
    assert body == {
        "data": {"products": [{"id": "1", "finalPrice": 90}, {"id": "2", "finalPrice": 225}]}
    }


def test_a_second_key_fetched_from_the_same_subgraph_feeds_a_requirement() -> None:
    # catalog.label needs inventory.stock; inventory knows products only by sku, which catalog
    # provides: store -> catalog (sku) -> inventory (stock) -> catalog (label).
    store = Subgraph(
        "store",
        FED2_REQUIRES
        + 'type Query { products: [Product!]! }\ntype Product @key(fields: "id") { id: ID! }',
        {"Query": {"products": lambda *_: [{"id": "1"}, {"id": "2"}]}},
    )
    catalog = Subgraph(
        "catalog",
        FED2_REQUIRES
        + 'type Product @key(fields: "id") @key(fields: "sku") { id: ID! sku: String!'
        + ' stock: Int @external label: String @requires(fields: "stock") }',
        {
            "Product": {
                "__resolve_reference": lambda rep, _info: {"sku": f"S{rep.get('id', '?')}", **rep},
                "label": lambda product, _info: f"{product['sku']}: {product['stock']} left",
            }
        },
    )
    inventory = Subgraph(
        "inventory",
        FED2_REQUIRES + 'type Product @key(fields: "sku") { sku: String! stock: Int }',
        {
            "Product": {
                "__resolve_reference": lambda rep, _info: {**rep, "stock": len(rep["sku"]) * 7}
            }
        },
    )
    with federation(store, catalog, inventory) as url:
        body = post_graphql(url, "{ products { label } }").json()
    assert body == {"data": {"products": [{"label": "S1: 14 left"}, {"label": "S2: 14 left"}]}}


class DeepAnswer:
    """A subgraph that answers with lists nested thousands of levels deep."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await read_body(receive, 1_000_000)
        depth = 1000  # under the JSON parser's limit, over the recursion limit
        body = '{"data": {"thing": ' + "[" * depth + "]" * depth + "}}"
        await send_response(send, 200, body.encode(), "application/json")


def test_a_hostile_deeply_nested_answer_gets_a_coded_error() -> None:
    sub = Subgraph("deep", FED2 + "type Query { thing: String other: Int }")
    with federation(sub, apps={"deep": DeepAnswer()}) as url:
        response = post_graphql(url, "{ thing }")
        again = post_graphql(url, "{ thing }")
    assert response.status == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "SUBREQUEST_MALFORMED_RESPONSE"
    assert again.status == 200


def _requirement_failure_graph(calls: list[str]) -> tuple[Subgraph, Subgraph]:
    """``Review.note`` (non-null) fails for review 1; ``summary`` requires it."""
    link = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
        ' import: ["@key", "@requires", "@external"])\n'
    )

    def note(review: dict[str, Any], _info: Any) -> str:
        if review["id"] == "1":
            raise ValueError("note unavailable")
        return f"note-{review['id']}"

    def touch(_root: Any, _info: Any) -> list[dict[str, str]]:
        calls.append("touch")
        return [{"id": "1"}, {"id": "2"}]

    reviews = Subgraph(
        "reviews",
        link
        + "type Query { reviews: [Review!] }\ntype Mutation { touch: [Review!] }\n"
        + 'type Review @key(fields: "id") { id: ID! note: String! }',
        {
            "Query": {"reviews": lambda _r, _i: [{"id": "1"}, {"id": "2"}]},
            "Mutation": {"touch": touch},
            "Review": {"__resolve_reference": lambda rep, _info: dict(rep), "note": note},
        },
    )
    summaries = Subgraph(
        "summaries",
        link
        + 'type Review @key(fields: "id") { id: ID! note: String! @external'
        + ' summary: String @requires(fields: "note") }',
        {
            "Review": {
                "__resolve_reference": lambda rep, _info: dict(rep),
                "summary": lambda review, _info: f"summary of {review['note']}",
            }
        },
    )
    return reviews, summaries


def test_a_failing_non_null_requirement_loses_only_the_requiring_field() -> None:
    # The plan fetches ``note`` with the root list; review 1's failure makes the subgraph null
    # the whole list, so the gateway runs the plan that fetches ``note`` apart: only review 1's
    # ``summary`` is lost (as Apollo Gateway answers). The error on ``note``, a field the client
    # never selected, is at a path outside the response and dropped (docs/gateway.md).
    with federation(*_requirement_failure_graph([])) as url:
        body = post_graphql(url, "{ reviews { id summary } }").json()
    assert body == {
        "data": {
            "reviews": [{"id": "1", "summary": None}, {"id": "2", "summary": "summary of note-2"}]
        }
    }


def test_a_mutation_is_never_run_twice_to_save_a_requirement() -> None:
    calls: list[str] = []
    with federation(*_requirement_failure_graph(calls)) as url:
        body = post_graphql(url, "mutation { touch { id summary } }").json()
    assert calls == ["touch"]
    assert body["data"] == {"touch": None}
    assert [e["path"] for e in body["errors"]] == [["touch", 0, "note"]]


def test_a_failing_requirement_fetched_beside_client_fields_loses_only_its_field() -> None:
    # ``open`` (non-null) rides in the entity fetch that also brings the client's ``stock``;
    # its failure for store 1 nulls that entity, so the gateway runs the plan fetching ``open``
    # apart: every ``stock`` arrives, only store 1's ``summary`` is lost.
    link = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3",'
        ' import: ["@key", "@requires", "@external"])\n'
    )

    def is_open(store: dict[str, Any], _info: Any) -> bool:
        if store["id"] == "1":
            raise ValueError("opening hours unavailable")
        return True

    stores = Subgraph(
        "stores",
        link
        + "type Query { stores: [Store!] }\n"
        + 'type Store @key(fields: "id") { id: ID! open: Boolean! @external'
        + ' summary: String @requires(fields: "open") }',
        {
            "Query": {"stores": lambda _r, _i: [{"id": "1"}, {"id": "2"}]},
            "Store": {
                "__resolve_reference": lambda rep, _info: dict(rep),
                "summary": lambda store, _info: f"open: {store['open']}",
            },
        },
    )
    stock = Subgraph(
        "stock",
        link + 'type Store @key(fields: "id") { id: ID! open: Boolean! stock: Int! }',
        {
            "Store": {
                "__resolve_reference": lambda rep, _info: dict(rep),
                "open": is_open,
                "stock": lambda store, _info: int(store["id"]) * 10,
            }
        },
    )
    with federation(stores, stock) as url:
        body = post_graphql(url, "{ stores { id stock summary } }").json()
    assert body == {
        "data": {
            "stores": [
                {"id": "1", "stock": 10, "summary": None},
                {"id": "2", "stock": 20, "summary": "open: True"},
            ]
        }
    }


class ListKeys:
    """A subgraph answering a key with a list where the schema says ``ID!``."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await read_body(receive, 1_000_000)
        items = [{"__typename": "Item", "id": ["1"]}, {"__typename": "Item", "id": "2"}]
        body = {"data": {"items": items}}
        await send_response(send, 200, json.dumps(body).encode(), "application/json")


def test_a_key_that_is_not_a_scalar_is_sent_as_is_and_never_fatal() -> None:
    # Representations of scalar keys are identified by their values; an unhashable value takes
    # the general path: the other subgraph gets it as the subgraph gave it, and answers.
    link = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    )
    items = Subgraph(
        "items", link + 'type Query { items: [Item] }\ntype Item @key(fields: "id") { id: ID! }'
    )
    names = Subgraph(
        "names",
        link + 'type Item @key(fields: "id") { id: ID! name: String }',
        {
            "Item": {
                "__resolve_reference": lambda rep, _info: dict(rep),
                "name": lambda item, _info: f"name {item['id']}",
            }
        },
    )
    with federation(items, names, apps={"items": ListKeys()}) as url:
        body = post_graphql(url, "{ items { name } }").json()
    assert body == {"data": {"items": [{"name": "name ['1']"}, {"name": "name 2"}]}}


def _counting_graph(calls: list[str]) -> Subgraph:
    async def slow(_root: Any, _info: Any, id: str = "1") -> dict[str, str]:
        calls.append(id)
        await asyncio.sleep(0.3)  # long enough for the other requests to arrive meanwhile
        return {"id": id}

    async def touch(_root: Any, _info: Any) -> dict[str, str]:
        calls.append("touch")
        await asyncio.sleep(0.3)
        return {"id": "t"}

    return Subgraph(
        "things",
        FED2 + "type Query { thing(id: ID): Thing }\ntype Mutation { touch: Thing }\n"
        "type Thing { id: ID }",
        {"Query": {"thing": slow}, "Mutation": {"touch": touch}},
    )


def _concurrently(url: str, requests: list[tuple[str, dict[str, Any] | None]]) -> list[Any]:
    with ThreadPoolExecutor(len(requests)) as pool:
        futures = [pool.submit(post_graphql, url, q, v) for q, v in requests]
        return [f.result().json() for f in futures]


def test_inbound_dedup_shares_one_execution_among_identical_concurrent_queries() -> None:
    calls: list[str] = []
    with federation(_counting_graph(calls), inbound_dedup=True) as url:
        query = "query($id: ID) { thing(id: $id) { id } }"
        same = _concurrently(url, [(query, {"id": "1"})] * 8)
        assert same == [{"data": {"thing": {"id": "1"}}}] * 8
        assert calls == ["1"]
        calls.clear()
        # other variables are another execution; mutations never share
        _concurrently(url, [(query, {"id": "1"}), (query, {"id": "2"})])
        assert sorted(calls) == ["1", "2"]
        calls.clear()
        touched = _concurrently(url, [("mutation { touch { id } }", None)] * 3)
        assert touched == [{"data": {"touch": {"id": "t"}}}] * 3
        assert calls == ["touch"] * 3


def test_without_inbound_dedup_every_query_runs() -> None:
    calls: list[str] = []
    # (With subgraph deduplication off too: it would send the identical fetches once.)
    with federation(_counting_graph(calls), dedup_subgraph_requests=False) as url:
        _concurrently(url, [("{ thing { id } }", None)] * 4)
    assert calls == ["1"] * 4


def test_entity_fetches_of_one_step_to_one_subgraph_share_a_request() -> None:
    # ``a`` and ``b`` need ``Item.name`` from ``names`` at two paths in the same parallel step:
    # one request carries both ``_entities`` (under aliases), and an error in the second is
    # re-pathed to ``b``, not ``a``.
    link = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    )
    base = Subgraph(
        "base",
        link + 'type Query { a: [Item] b: [Item] }\ntype Item @key(fields: "id") { id: ID! }',
        {
            "Query": {
                "a": lambda _r, _i: [{"id": "1"}, {"id": "2"}],
                "b": lambda _r, _i: [{"id": "3"}, {"id": "4"}],
            }
        },
    )

    def name(item: dict[str, Any], _info: Any) -> str:
        if item["id"] == "4":
            raise ValueError("no name for 4")
        return f"name {item['id']}"

    names = Subgraph(
        "names",
        link + 'type Item @key(fields: "id") { id: ID! name: String }',
        {"Item": {"__resolve_reference": lambda rep, _info: dict(rep), "name": name}},
    )
    requests: list[bytes] = []
    app = names.asgi_app()

    async def counting(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        body = await read_body(receive, 1_000_000)
        requests.append(body)
        sent = False

        async def replay() -> dict[str, Any]:
            nonlocal sent
            if sent:
                return {"type": "http.disconnect"}
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await app(scope, replay, send)

    with federation(base, names, apps={"names": counting}) as url:
        body = post_graphql(url, "{ a { name } b { name } }").json()
    assert len(requests) == 1
    assert body["data"] == {
        "a": [{"name": "name 1"}, {"name": "name 2"}],
        "b": [{"name": "name 3"}, {"name": None}],
    }
    assert [(e["message"], e["path"]) for e in body["errors"]] == [
        ("no name for 4", ["b", 1, "name"])
    ]


class Answering:
    """A subgraph that answers every request with ``body``."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body = json.dumps(body).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        await read_body(receive, 1_000_000)
        await send_response(send, 200, self.body, "application/json")


def _nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("sdl", "answer", "query", "data", "message"),
    [
        (
            "type Query { n: Int }",
            {"n": "x"},
            "{ n }",
            {"n": None},
            'Int cannot represent non-integer value: "x"',
        ),
        (
            "type Query { m: Int! other: Int }",
            {"m": None, "other": 1},
            "{ m other }",
            None,
            "Cannot return null for non-nullable field Query.m.",
        ),
        (
            "scalar JSON\ntype Query { blob: JSON }",
            {"blob": _nested(300)},
            "{ blob }",
            {"blob": None},
            "JSON value is nested more than 64 deep",
        ),
    ],
)
def test_a_subgraph_value_the_schema_refuses_is_a_coded_error(
    sdl: str, answer: dict[str, Any], query: str, data: Any, message: str
) -> None:
    # The response stays a normal GraphQL answer (never a 500): the value is null, the error
    # says why, with Apollo Router's code for a subgraph response that fails validation.
    sub = Subgraph("odd", FED2 + sdl)
    with federation(sub, apps={"odd": Answering({"data": answer})}) as url:
        response = post_graphql(url, query)
    assert response.status == 200
    body = response.json()
    assert body["data"] == data
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        (message, "RESPONSE_VALIDATION_FAILED")
    ]


def test_a_subgraph_closing_mid_body_is_a_clean_fetch_error() -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
        writer.write(b'content-length: 1000\r\n\r\n{"data": {"th')
        await writer.drain()
        writer.close()

    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(handle, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        sub = Subgraph("cut", FED2 + "type Query { thing: String }")
        result = compose([SubgraphInput("cut", "http://cut.invalid", sub.sdl)])
        assert result.supergraph_sdl is not None
        config = GatewayConfig(subgraph_urls={"cut": f"http://127.0.0.1:{port}/graphql"})
        with serving(create_app(result.supergraph_sdl, config)) as (base,):
            body = post_graphql(f"{base}/graphql", "{ thing }").json()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
    assert body["data"] == {"thing": None}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    assert error["message"] == (
        "HTTP fetch failed from 'cut': the connection closed before the whole response arrived"
    )


def test_an_error_storm_is_capped_and_long_paths_dropped() -> None:
    # 1,000 list items are one entity: 100 errors at its _entities index would fan out to
    # 100,000 client errors; the response keeps 1,000 and counts the rest. An error path longer
    # than any response can be is dropped, the error kept.
    link = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
    )
    base = Subgraph(
        "base",
        link + 'type Query { items: [Item] }\ntype Item @key(fields: "id") { id: ID! }',
        {"Query": {"items": lambda _r, _i: [{"id": "1"}] * 1000}},
    )
    names = Subgraph("names", link + 'type Item @key(fields: "id") { id: ID! name: String }')
    storm = [{"message": "deep", "path": ["_entities", *[0] * 2000]}]
    storm += [{"message": f"failure {n}", "path": ["_entities", 0, "name"]} for n in range(100)]
    answer = Answering({"data": {"_entities": [None]}, "errors": storm})
    with federation(base, names, apps={"names": answer}) as url:
        body = post_graphql(url, "{ items { name } }").json_without_request_ids()
    errors = body["errors"]
    assert len(errors) == 1001
    assert errors[-1] == {
        "message": "99001 more errors were omitted.",
        "extensions": {"code": "ERRORS_TRUNCATED"},
    }
    assert errors[0]["message"] == "deep" and "path" not in errors[0]
    assert errors[1]["path"] == ["items", 0, "name"]
    assert len(body["data"]["items"]) == 1000


def test_a_hanging_subgraph_cannot_take_the_connections_of_another_on_the_same_host() -> None:
    # Both subgraphs are served by one server (one host and port, two paths). 110 requests hang
    # on ``slow``, more than its pool of 100 connections; ``fast`` still answers at once.
    fast = Subgraph(
        "fast", FED2 + "type Query { quick: String }", {"Query": {"quick": lambda *_: "ok"}}
    )

    async def hang(*_: Any) -> str:
        await asyncio.sleep(3)
        return "late"

    slow = Subgraph("slow", FED2 + "type Query { late: String }", {"Query": {"late": hang}})
    apps = {"/fast": fast.asgi_app(), "/slow": slow.asgi_app()}

    async def both(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        prefix = "/" + scope["path"].split("/")[1]  # /fast/graphql -> /fast, then /graphql
        inner = {**scope, "path": scope["path"][len(prefix) :]}
        await apps[prefix](inner, receive, send)

    result = compose(
        [SubgraphInput(s.name, f"http://{s.name}.invalid", s.sdl) for s in (fast, slow)]
    )
    assert result.supergraph_sdl is not None
    with serving(both) as (base,):
        urls = {"fast": f"{base}/fast/graphql", "slow": f"{base}/slow/graphql"}
        config = GatewayConfig(subgraph_urls=urls)
        with (
            serving(create_app(result.supergraph_sdl, config)) as (gateway,),
            ThreadPoolExecutor(111) as pool,
        ):
            url = f"{gateway}/graphql"
            hanging = [pool.submit(post_graphql, url, "{ late }") for _ in range(110)]
            time.sleep(0.5)  # let them take the slow subgraph's connections
            started = time.monotonic()
            quick = post_graphql(url, "{ quick }").json()
            waited = time.monotonic() - started
            answers = [f.result().json() for f in hanging]
            assert all(a == {"data": {"late": "late"}} for a in answers), answers[:2]
    assert quick == {"data": {"quick": "ok"}}
    assert waited < 1.0


def test_the_document_cache_is_bounded_in_bytes() -> None:
    # 12 distinct documents of about 25 KB each (aliases of one field) against a 100 KB budget:
    # every one is answered, the cache keeps at most 100 KB of them, the most recent among them.
    sub = Subgraph("things", FED2 + "type Query { n: Int }", {"Query": {"n": lambda *_: 1}})
    result = compose([SubgraphInput("things", "http://things.invalid", sub.sdl)])
    assert result.supergraph_sdl is not None
    with serving(sub.asgi_app()) as (base,):
        config = GatewayConfig(
            subgraph_urls={"things": f"{base}/graphql"}, max_cached_document_bytes=100_000
        )
        gateway = Gateway(result.supergraph_sdl, config)
        documents = [
            "{ " + " ".join(f"d{d}_alias_number_{i}: n" for i in range(1000)) + " }"
            for d in range(12)
        ]
        assert all(len(text) > 20_000 for text in documents)

        async def run() -> list[GatewayResponse]:
            try:
                return [await gateway.execute(text) for text in documents]
            finally:
                await gateway.close()

        answers = asyncio.run(run())
    assert [
        (a.status, a.body.get("data", {}).get(f"d{i}_alias_number_0"))
        for i, a in enumerate(answers)
    ] == [(200, 1)] * 12
    assert gateway.operations.size_bytes <= 100_000
    assert 0 < len(gateway.operations) < 12
    kept = gateway.operations.size_bytes
    gateway.operations.get(documents[-1], None)  # the most recent one is still there
    assert gateway.operations.size_bytes == kept


def test_a_large_new_document_is_prepared_beside_other_requests() -> None:
    # Validating 500 repeats of one aliased field takes about 0.4 s (graphql-core's
    # overlapping-fields rule is quadratic, up to its budget); it runs in a worker thread while
    # a small query is served. Both answers are right. How long the small one waits depends on
    # the interpreter's thread switching and the machine's load: a timed check of it passed
    # alone and flaked inside the full suite, so it is not asserted here.
    sub = Subgraph(
        "things", FED2 + "type Query { n(x: Int): Int }", {"Query": {"n": lambda *_, x=0: x}}
    )
    large = "{ " + " ".join("a: n(x: 1)" for _ in range(500)) + " }"
    with federation(sub) as url, ThreadPoolExecutor(1) as pool:
        slow = pool.submit(post_graphql, url, large)
        time.sleep(0.02)
        small = post_graphql(url, "{ n(x: 2) }").json()
        assert slow.result().json() == {"data": {"a": 1}}
        again = post_graphql(url, large).json()  # now from the document cache
    assert small == {"data": {"n": 2}}
    assert again == {"data": {"a": 1}}


def test_configured_subgraph_headers_are_sent_and_forwarded_ones_win() -> None:
    sub = Subgraph(
        "teams",
        FED2 + "type Query { team: String token: String }",
        {
            "Query": {
                "team": lambda _r, info: info.context["headers"].get("x-team"),
                "token": lambda _r, info: info.context["headers"].get("authorization"),
            }
        },
    )
    with federation(
        sub,
        subgraph_headers={"teams": {"authorization": "Bearer s3cret", "x-team": "blue"}},
        forward_headers=("x-team",),
    ) as url:
        plain = post_graphql(url, "{ team token }").json()
        forwarded = post_graphql(url, "{ team }", headers={"x-team": "red"}).json()
    assert plain == {"data": {"team": "blue", "token": "Bearer s3cret"}}
    assert forwarded == {"data": {"team": "red"}}


def test_a_request_over_its_time_budget_is_a_504_gateway_timeout() -> None:
    async def slow(*_: Any) -> str:
        await asyncio.sleep(1.5)
        return "late"

    sub = Subgraph("slow", FED2 + "type Query { late: String }", {"Query": {"late": slow}})
    with federation(sub, request_timeout=0.3) as url:
        started = time.monotonic()
        response = post_graphql(url, "{ late }")
        took = time.monotonic() - started
    assert response.status == 504
    assert response.json_without_request_ids() == {
        "errors": [
            {
                "message": "The request did not complete within 0.3 s.",
                "extensions": {"code": "GATEWAY_TIMEOUT"},
            }
        ]
    }
    assert took < 1.2


@pytest.mark.parametrize(
    ("config", "query", "code"),
    [
        ({"max_aliases": 2}, "{ a: n b: n c: n }", "MAX_ALIASES_LIMIT"),
        ({"max_root_fields": 2}, "{ n x: n y: n }", "MAX_ROOT_FIELDS_LIMIT"),
        ({"max_tokens": 10}, "{ " + "n " * 20 + "}", "MAX_TOKENS_LIMIT"),
    ],
)
def test_limits_refuse_with_their_codes(config: dict[str, int], query: str, code: str) -> None:
    sub = Subgraph("things", FED2 + "type Query { n: Int }", {"Query": {"n": lambda *_: 1}})
    with federation(sub, **config) as url:
        refused = post_graphql(url, query)
        fine = post_graphql(url, "{ a: n }")
    assert refused.status == 400
    assert [e["extensions"]["code"] for e in refused.json()["errors"]] == [code]
    assert fine.json() == {"data": {"a": 1}}
