"""``hansa demo``: serve the demo subgraphs and a gateway over them, and query both."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import aiohttp
from rich.console import Console
from rich.syntax import Syntax

from hansa.demo import DEMO_PORTS, SUBGRAPHS
from hansa.gateway import GatewayConfig, create_app
from hansa.http.serve import Binding, serve_all

GATEWAY_PORT = 4000
SUPERGRAPH = Path(__file__).with_name("supergraph.graphql")
FEDERATED_QUERY = """query TopProducts {
  topProducts(first: 2) {
    name
    price
    reviewSummary
    reviews {
      body
      author { username name }
    }
  }
}"""

SUBGRAPH_QUERIES = {
    "accounts": "{ me { id name username } }",
    "products": "{ topProducts(first: 2) { upc name price } }",
    "reviews": "{ latestReviews(first: 2) { body stars author { id username } } }",
}


async def _post(session: aiohttp.ClientSession, url: str, query: str) -> Any:
    async with session.post(url, json={"query": query}) as response:
        return await response.json()


async def _wait_until_up(session: aiohttp.ClientSession, url: str) -> None:
    for _ in range(200):
        try:
            async with session.get(f"{url}/health") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} did not come up")


async def _show(console: Console, host: str) -> None:
    async with aiohttp.ClientSession() as session:
        gateway = f"http://{host}:{GATEWAY_PORT}"
        for subgraph in SUBGRAPHS:
            url = f"http://{host}:{DEMO_PORTS[subgraph.name]}"
            await _wait_until_up(session, url)
            query = SUBGRAPH_QUERIES[subgraph.name]
            result = await _post(session, f"{url}/graphql", query)
            console.print(f"[bold]{subgraph.name}[/] at {url}/graphql  [dim]{query}[/]")
            console.print(Syntax(json.dumps(result, indent=2), "json"))
        await _wait_until_up(session, gateway)
        console.print(
            f"\n[bold]gateway[/] at {gateway}/graphql: one query across all three subgraphs"
        )
        console.print(Syntax(FEDERATED_QUERY, "graphql"))
        result = await _post(session, f"{gateway}/graphql", FEDERATED_QUERY)
        console.print(Syntax(json.dumps(result, indent=2), "json"))
        console.print(f"\nGraphiQL: open [link]{gateway}/graphql[/link] in a browser.")


async def run_demo(host: str = "127.0.0.1") -> None:
    console = Console()
    bindings = [Binding(sg.asgi_app(), host, DEMO_PORTS[sg.name]) for sg in SUBGRAPHS]
    urls = {name: f"http://{host}:{port}/graphql" for name, port in DEMO_PORTS.items()}
    gateway = create_app(SUPERGRAPH.read_text(), GatewayConfig(subgraph_urls=urls))
    bindings.append(Binding(gateway, host, GATEWAY_PORT))
    server = asyncio.create_task(serve_all(bindings))
    try:
        await _show(console, host)
    except BaseException:
        server.cancel()
        raise
    console.print("[green]Demo graph is serving.[/] Press Ctrl-C to stop.")
    await server
