"""Serve the benchmark's four subgraphs, memoized, at the URLs its supergraph names
(``http://127.0.0.1:5001-5004/graphql``) until SIGTERM. ``benchmarks/bench.py`` runs this in a
process of its own, pinned to the load generator's core, so the gateway's core is the gateway's.
"""

from __future__ import annotations

import argparse
import asyncio
import re

from benchmarks.subgraphs import BENCH, load_data, memoized, subgraphs, with_products
from hansa.http.serve import Binding, serve_all


def ports() -> dict[str, int]:
    """Each subgraph's port, read from the supergraph's ``@join__graph`` URLs."""
    text = (BENCH / "supergraph.graphql").read_text()
    found = re.findall(r'@join__graph\(name: "(\w+)", url: "http://127\.0\.0\.1:(\d+)/', text)
    return {name: int(port) for name, port in found}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--products", type=int, default=0, help="serve this many top products (copies)"
    )
    args = parser.parse_args()
    data = with_products(load_data(), args.products)
    at = ports()
    served = subgraphs(data)
    bindings = [Binding(memoized(s.asgi_app()), "127.0.0.1", at[s.name]) for s in served]
    asyncio.run(serve_all(bindings))


if __name__ == "__main__":
    main()
