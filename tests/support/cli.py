"""``hansa gateway`` as a user starts it: a real process on a free loopback port."""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
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
