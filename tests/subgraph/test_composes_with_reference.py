"""The subgraph helper's ``_service.sdl`` is accepted by Apollo's composition, and the demo's
committed supergraph is exactly what Apollo composes from the live subgraphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from hansa.demo import DEMO_PORTS, SUBGRAPHS
from hansa.http.serve import serving
from tests.support import reference
from tests.support.http import post_graphql

DEMO_SUPERGRAPH = Path(__file__).resolve().parents[2] / "src/hansa/demo/supergraph.graphql"

pytestmark = pytest.mark.skipif(not reference.available(), reason="run `make reference` first")


def demo_sources_over_http() -> list[reference.SubgraphSource]:
    with serving(*(sg.asgi_app() for sg in SUBGRAPHS)) as urls:
        sdls = [
            post_graphql(f"{url}/graphql", "{ _service { sdl } }").json()["data"]["_service"]["sdl"]
            for url in urls
        ]
    return [
        reference.SubgraphSource(sg.name, f"http://127.0.0.1:{DEMO_PORTS[sg.name]}/graphql", sdl)
        for sg, sdl in zip(SUBGRAPHS, sdls, strict=True)
    ]


def test_demo_subgraphs_compose_with_apollo() -> None:
    result = reference.compose(demo_sources_over_http())
    assert result["errors"] == []
    supergraph = result["supergraphSdl"]
    assert '@join__type(graph: REVIEWS, key: "upc")' in supergraph
    assert '@join__field(graph: REVIEWS, requires: "name")' in supergraph
    assert '@join__field(graph: REVIEWS, provides: "username")' in supergraph
    assert supergraph == DEMO_SUPERGRAPH.read_text(), (
        "src/hansa/demo/supergraph.graphql is stale: run scripts/compose-demo"
    )


def test_composition_reports_invalid_subgraph_sets() -> None:
    sources = demo_sources_over_http()
    bad = reference.SubgraphSource(
        "clash",
        "http://127.0.0.1:9/graphql",
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
        'type Product @key(fields: "upc") { upc: String! name: String }',
    )
    result = reference.compose([*sources, bad])
    assert result["supergraphSdl"] is None
    assert "INVALID_FIELD_SHARING" in {e["code"] for e in result["errors"]}


FEDERATED_QUERY = """
{
  topProducts(first: 2) {
    name
    reviewSummary
    reviews { body author { username name } }
  }
}
"""


def test_apollo_gateway_serves_the_demo_subgraphs() -> None:
    """Apollo Gateway, given our subgraphs, answers a query that needs all three of them."""
    with serving(*(sg.asgi_app() for sg in SUBGRAPHS)) as urls:
        overrides = {sg.name: f"{url}/graphql" for sg, url in zip(SUBGRAPHS, urls, strict=True)}
        with reference.apollo_gateway(DEMO_SUPERGRAPH, overrides) as gateway:
            body = post_graphql(gateway, FEDERATED_QUERY).json()
    assert body == {
        "data": {
            "topProducts": [
                {
                    "name": "Table",
                    "reviewSummary": "Table: 2 reviews, 4.0 stars on average",
                    "reviews": [
                        {
                            "body": "Love it!",
                            "author": {"username": "@ada", "name": "Ada Lovelace"},
                        },
                        {
                            "body": "Prefer something else.",
                            "author": {"username": "@complete", "name": "Alan Turing"},
                        },
                    ],
                },
                {
                    "name": "Couch",
                    "reviewSummary": "Couch: 1 reviews, 2.0 stars on average",
                    "reviews": [
                        {
                            "body": "Too expensive.",
                            "author": {"username": "@ada", "name": "Ada Lovelace"},
                        }
                    ],
                },
            ]
        }
    }
