"""Federated tracing (ftv1), checked against Apollo's implementation.

The same small subgraph runs on ``hansa.subgraph`` and on ``@apollo/subgraph`` (Apollo
Server's inline trace plugin, resolvers mirrored in JavaScript). Both traces are decoded with
Apollo's own protobuf decoder (``@apollo/usage-reporting-protobuf``) and their trees compared,
timings aside. Then Apollo Gateway, with tracing on, must accept Hansa's traces.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hansa.http.serve import serving
from hansa.subgraph import Subgraph
from tests.subgraph import apollo_subgraph
from tests.support import reference
from tests.support.http import post_graphql

pytestmark = pytest.mark.skipif(
    not (reference.available() and apollo_subgraph.available()), reason="run `make reference`"
)

TRACE = {"apollo-federation-include-trace": "ftv1"}

SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { products: [Product!]! top: Product broken: String }
type Product @key(fields: "id") { id: ID! name: String reviews: [Review!]! }
type Review { body: String stars: Int! }
"""

PRODUCTS = [
    {"id": "1", "name": "Table", "reviews": [{"body": "Sturdy", "stars": 5}]},
    {"id": "2", "name": "Chair", "reviews": [{"body": "Wobbly", "stars": None}]},
]


async def _products(_root: Any, _info: Any) -> list[dict[str, Any]]:
    await asyncio.sleep(0.001)
    return PRODUCTS


def _broken(_root: Any, _info: Any) -> str:
    raise ValueError("boom")


RESOLVERS = {
    "Query": {"products": _products, "top": lambda _r, _i: PRODUCTS[0], "broken": _broken},
    "Product": {
        "__resolve_reference": lambda rep, _i: next(p for p in PRODUCTS if p["id"] == rep["id"])
    },
}
JAVASCRIPT = (
    f"const PRODUCTS = {json.dumps(PRODUCTS)};\n"
    + """export default {
  Query: {
    products: async () => { await new Promise((r) => setTimeout(r, 1)); return PRODUCTS; },
    top: () => PRODUCTS[0],
    broken: () => { throw new Error('boom'); },
  },
  Product: { __resolveReference: (rep) => PRODUCTS.find((p) => p.id === rep.id) },
};
"""
)

QUERY = """
query Traced {
  products { id name reviews { body stars } }
  first: top { name }
  broken
  __typename
}
"""


@pytest.fixture(scope="module")
def peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    module = tmp_path_factory.mktemp("ftv1") / "resolvers.mjs"
    module.write_text(JAVASCRIPT)
    with (
        apollo_subgraph.apollo_subgraphs({"shop": SDL}, {"shop": module}) as apollo,
        serving(Subgraph("shop", SDL, RESOLVERS).asgi_app()) as (hansa,),
    ):
        yield {"hansa": f"{hansa}/", "apollo": apollo["shop"]}


def decode(traces: list[str]) -> list[dict[str, Any]]:
    """Apollo's decoder: ``{"trace": ...}`` or ``{"error": ...}`` per base64 trace."""
    done = subprocess.run(
        ["node", str(reference.REFERENCE_DIR / "decode-trace.mjs")],
        input=json.dumps(traces),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return list(json.loads(done.stdout))


def _tree(node: dict[str, Any]) -> dict[str, Any]:
    """A trace node without timings; children in a stable order."""
    shape = {
        key: node[key]
        for key in ("responseName", "index", "originalFieldName", "type", "parentType")
        if node.get(key) not in (None, "")
    }
    errors = [
        {"message": e["message"], "json": json.loads(e["json"]), "location": e.get("location")}
        for e in node.get("error") or []
    ]
    if errors:
        shape["error"] = errors
    children = [_tree(child) for child in node.get("child") or []]
    if children:
        shape["child"] = sorted(children, key=lambda c: json.dumps(c, sort_keys=True))
    return shape


def _walk(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("child") or []:
        yield from _walk(child)


def _traced(url: str, query: str = QUERY) -> tuple[dict[str, Any], dict[str, Any]]:
    body = post_graphql(url, query, headers=TRACE).json()
    (decoded,) = decode([body["extensions"]["ftv1"]])
    assert "error" not in decoded, decoded
    return body, decoded["trace"]


def test_trace_tree_matches_apollo(peers: dict[str, str]) -> None:
    (hansa_body, hansa), (apollo_body, apollo) = (_traced(peers[p]) for p in ("hansa", "apollo"))
    assert hansa_body["data"] == apollo_body["data"]
    assert _tree(hansa["root"]) == _tree(apollo["root"])
    assert hansa["fieldExecutionWeight"] == apollo["fieldExecutionWeight"] == 1
    # The tree follows the query: one node per resolved field, list items by index.
    names = {n.get("responseName") for n in _walk(hansa["root"])}
    assert {"products", "first", "broken", "reviews", "stars"} <= names
    assert "__typename" not in names


def test_trace_timings_are_consistent(peers: dict[str, str]) -> None:
    _, trace = _traced(peers["hansa"])
    duration = trace["durationNs"]
    assert duration > 1_000_000  # the products resolver sleeps a millisecond
    start = trace["startTime"]["seconds"] * 10**9 + trace["startTime"]["nanos"]
    end = trace["endTime"]["seconds"] * 10**9 + trace["endTime"]["nanos"]
    assert end - start == duration
    fields = [n for n in _walk(trace["root"]) if n.get("type")]
    assert fields
    for node in fields:
        assert 0 <= node["startTime"] <= node["endTime"] <= duration, node
    products = next(n for n in fields if n.get("responseName") == "products")
    assert products["endTime"] - products["startTime"] >= 1_000_000


def test_request_errors_are_traced_like_apollo(peers: dict[str, str]) -> None:
    """A query that fails validation still carries a trace, its errors on the root node."""
    (hansa_body, hansa), (apollo_body, apollo) = (
        _traced(peers[p], "{ products { nope } }") for p in ("hansa", "apollo")
    )
    assert "data" not in hansa_body and "data" not in apollo_body
    assert len(hansa["root"]["error"]) == len(apollo["root"]["error"]) == 1
    assert _tree(hansa["root"])["error"][0]["json"]["extensions"] == {
        "maskedBy": "ApolloServerPluginInlineTrace"
    }


def test_no_trace_without_the_header(peers: dict[str, str]) -> None:
    for url in peers.values():
        assert "extensions" not in post_graphql(url, QUERY).json()


def _traced_gateway(supergraph: Path, overrides: dict[str, str]) -> subprocess.Popen[str]:
    args = ["node", str(reference.REFERENCE_DIR / "traced-gateway.mjs")]
    args += ["--supergraph", str(supergraph), "--port", "0"]
    for name, url in overrides.items():
        args += ["--override", f"{name}={url}"]
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_apollo_gateway_accepts_the_trace(tmp_path: Path) -> None:
    composed = reference.compose([reference.SubgraphSource("shop", "http://shop.invalid/", SDL)])
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(composed["supergraphSdl"])
    with serving(Subgraph("shop", SDL, RESOLVERS).asgi_app()) as (hansa,):
        process = _traced_gateway(supergraph, {"shop": f"{hansa}/"})
        try:
            assert process.stdout is not None
            line = process.stdout.readline().strip()
            assert line.startswith("READY "), process.communicate(timeout=10)
            body = post_graphql(line.split(" ", 1)[1], "{ products { name } }").json()
        finally:
            process.terminate()
            process.wait(timeout=10)
    fetch = body["extensions"]["queryPlanTrace"]["fetch"]
    assert fetch["serviceName"] == "shop"
    assert not fetch.get("traceParsingFailed")
    (products,) = fetch["trace"]["root"]["child"]
    assert products["responseName"] == "products"
    assert products["parentType"] == "Query"
    assert [item["index"] for item in products["child"]] == [0, 1]
