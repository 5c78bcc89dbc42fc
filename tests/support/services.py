"""The local services a test needs (Redis, PostgreSQL, ...): their URL when one answers on its
standard port, else the test is skipped, or fails when ``HANSA_REQUIRE_SERVICES=1`` (CI)."""

from __future__ import annotations

import os
import socket

import pytest


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def require(name: str, port: int, url: str) -> str:
    if _reachable(port):
        return url
    message = f"{name} is not running on 127.0.0.1:{port} (see the README to start it)"
    if os.environ.get("HANSA_REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


def redis_url() -> str:
    return require("Redis", 6379, "redis://127.0.0.1:6379/15")


def nats_url() -> str:
    return require("NATS", 4222, "nats://127.0.0.1:4222")
