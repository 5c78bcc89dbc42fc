"""``hansa demo``: serve the demo subgraphs on loopback and show each answering a query."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from rich.console import Console
from rich.syntax import Syntax

from hansa.demo import DEMO_PORTS, SUBGRAPHS
from hansa.http.serve import Binding, serve_all

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
        for subgraph in SUBGRAPHS:
            url = f"http://{host}:{DEMO_PORTS[subgraph.name]}"
            await _wait_until_up(session, url)
            query = SUBGRAPH_QUERIES[subgraph.name]
            result = await _post(session, f"{url}/graphql", query)
            console.print(f"[bold]{subgraph.name}[/] at {url}/graphql  [dim]{query}[/]")
            console.print(Syntax(json.dumps(result, indent=2), "json"))


async def run_demo(host: str = "127.0.0.1") -> None:
    console = Console()
    bindings = [Binding(sg.asgi_app(), host, DEMO_PORTS[sg.name]) for sg in SUBGRAPHS]
    server = asyncio.create_task(serve_all(bindings))
    try:
        await _show(console, host)
    except BaseException:
        server.cancel()
        raise
    console.print("[green]Demo graph is serving.[/] Press Ctrl-C to stop.")
    await server
