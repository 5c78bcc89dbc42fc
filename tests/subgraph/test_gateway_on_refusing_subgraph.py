"""A subgraph that refuses the gateway's query (its schema drifted from the supergraph) answers
400 ``GRAPHQL_VALIDATION_FAILED``; Hansa's gateway must treat that as Apollo Gateway does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hansa.gateway import GatewayConfig, create_app
from hansa.http.serve import serving
from hansa.subgraph import Subgraph
from tests.support import reference
from tests.support.http import post_graphql

pytestmark = pytest.mark.skipif(not reference.available(), reason="run `make reference` first")

LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
CORE = f"""{LINK}
type Query {{ products: [Product!]! }}
type Product @key(fields: "id") {{ id: ID! name: String }}
"""
PRICES = f"""{LINK}
type Query {{ currency: String }}
type Product @key(fields: "id") {{ id: ID! price: Int }}
"""
# What the prices subgraph really serves: `price` was renamed, the supergraph is stale.
PRICES_DRIFTED = f"""{LINK}
type Query {{ currency: String }}
type Product @key(fields: "id") {{ id: ID! amount: Int }}
"""

QUERY = "{ products { id name price } currency }"


def _answers(tmp_path: Path) -> dict[str, Any]:
    composed = reference.compose(
        [
            reference.SubgraphSource("core", "http://core.invalid/graphql", CORE),
            reference.SubgraphSource("prices", "http://prices.invalid/graphql", PRICES),
        ]
    )
    assert composed["errors"] == []
    supergraph = tmp_path / "supergraph.graphql"
    supergraph.write_text(composed["supergraphSdl"])
    core = Subgraph("core", CORE)
    core.field("Query", "products")(lambda _r, _i: [{"id": "1", "name": "Bike"}])
    prices = Subgraph("prices", PRICES_DRIFTED)
    prices.field("Query", "currency")(lambda _r, _i: "EUR")
    with serving(core.asgi_app(), prices.asgi_app()) as (core_url, prices_url):
        urls = {"core": f"{core_url}/graphql", "prices": f"{prices_url}/graphql"}
        config = GatewayConfig(subgraph_urls=urls)
        with (
            serving(create_app(supergraph.read_text(), config)) as (hansa,),
            reference.apollo_gateway(supergraph, urls) as apollo,
        ):
            return {
                "hansa": post_graphql(f"{hansa}/graphql", QUERY).json_without_request_ids(),
                "apollo": post_graphql(apollo, QUERY).json(),
            }


def test_refused_fetch_is_a_failed_fetch_as_in_apollo_gateway(tmp_path: Path) -> None:
    answers = _answers(tmp_path)
    hansa, apollo = answers["hansa"], answers["apollo"]
    # `currency` shares the entity fetch's subgraph but is its own root fetch: it still works.
    assert hansa["data"] == apollo["data"]
    assert len(hansa["errors"]) == len(apollo["errors"]) == 1
    assert apollo["errors"][0]["message"] == "400: Bad Request"
    refused = apollo["errors"][0]["extensions"]["response"]["body"]["errors"][0]
    assert refused["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert hansa["errors"] == [
        {
            "message": "HTTP fetch failed from 'prices': 400: Bad Request",
            "extensions": {
                "code": "SUBREQUEST_HTTP_ERROR",
                "service": "prices",
                "reason": "400: Bad Request",
                "http": {"status": 400},
            },
        }
    ]
