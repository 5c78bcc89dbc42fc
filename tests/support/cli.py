"""``hansa gateway`` as a user starts it: a real process on a free loopback port."""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.support.http import free_port, post_graphql


def start_gateway(*args: str, **popen: Any) -> tuple[subprocess.Popen[str], str]:
    """``python -m hansa.cli gateway ARGS --port P``; the process and its GraphQL URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "hansa.cli", "gateway", *args, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    return process, f"http://127.0.0.1:{port}/graphql"


def first_answer(
    url: str, query: str, attempts: int = 100, tls: ssl.SSLContext | None = None
) -> Any:
    """The answer to ``query`` once the gateway at ``url`` listens (10 s at most)."""
    for _ in range(attempts):
        try:
            return post_graphql(url, query, tls=tls).json()
        except OSError:
            time.sleep(0.1)
    raise AssertionError("gateway did not answer")


@contextmanager
def demo_subgraphs() -> Iterator[str]:
    """The demo subgraphs on loopback; yields the ``[subgraphs.NAME] url`` tables of a
    ``hansa.toml`` pointing the demo supergraph at them."""
    from hansa.demo import accounts, products, reviews
    from hansa.http.serve import serving

    subgraphs = (accounts, products, reviews)
    with serving(*(s.asgi_app() for s in subgraphs)) as urls:
        yield "".join(
            f'\n[subgraphs.{s.name}]\nurl = "{u}/graphql"\n'
            for s, u in zip(subgraphs, urls, strict=True)
        )
