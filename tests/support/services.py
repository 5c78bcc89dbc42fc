"""The local services a test needs (Redis, PostgreSQL, ...): their URL when one answers on its
standard port, else the test is skipped, or fails when ``HANSA_REQUIRE_SERVICES=1`` (CI)."""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator

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


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one test; dropped afterwards."""
    import asyncio
    import uuid

    import asyncpg

    server = require("PostgreSQL", 5432, "postgresql://postgres@127.0.0.1:5432")
    name = f"hansa_test_{uuid.uuid4().hex[:12]}"

    async def run(statement: str) -> None:
        connection = await asyncpg.connect(f"{server}/postgres")
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server}/{name}"
    finally:
        asyncio.run(run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def mariadb_database() -> Iterator[str]:
    """A new, empty MariaDB/MySQL database for one test; dropped afterwards."""
    import asyncio
    import uuid

    import asyncmy

    require("MariaDB", 3306, "mysql://root@127.0.0.1:3306")
    name = f"hansa_test_{uuid.uuid4().hex[:12]}"

    async def run(statement: str) -> None:
        connection = await asyncmy.connect(host="127.0.0.1", port=3306, user="root", password="")
        try:
            async with connection.cursor() as cursor:
                await cursor.execute(statement)
        finally:
            await connection.ensure_closed()

    asyncio.run(run(f"CREATE DATABASE `{name}`"))
    try:
        yield f"mysql://root@127.0.0.1:3306/{name}"
    finally:
        asyncio.run(run(f"DROP DATABASE IF EXISTS `{name}`"))
