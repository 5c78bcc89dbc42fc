"""Usage reports: operations per client and fields selected, appended to a JSON-lines file
per period and when the gateway stops."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

from hansa.demo import accounts, products, reviews
from hansa.plugins.usage import UsageReports
from tests.support.federation import federation
from tests.support.http import post_graphql


def _reports(path: Path) -> list[dict[str, object]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_operations_per_client_and_fields_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "usage.jsonl"
    web = {"apollographql-client-name": "web", "apollographql-client-version": "2.0"}
    with federation(accounts, products, reviews, usage_file=str(path), usage_flush_secs=0.2) as url:
        for _ in range(3):
            post_graphql(url, "query Me { me { name } }", headers=web)
        post_graphql(url, "query Top { topProducts { name reviews { body } } }")
        post_graphql(url, "{ me { nope } }")  # refused: not an operation that ran
        deadline = time.monotonic() + 5
        while not _reports(path):
            assert time.monotonic() < deadline, "no report was written"
            time.sleep(0.05)
        post_graphql(url, "query Me { me { name } }")  # the next period, flushed at stop
    first, *rest = _reports(path)
    operations = {(o["name"], o["client_name"]): o for o in first["operations"]}  # type: ignore[union-attr, index]
    assert operations[("Me", "web")]["count"] == 3
    assert operations[("Me", "web")]["client_version"] == "2.0"
    assert operations[("Top", None)]["count"] == 1
    assert len(operations) == 2
    assert first["fields"] == {
        "Query.me": 3,
        "User.name": 3,
        "Query.topProducts": 1,
        "Product.name": 1,
        "Product.reviews": 1,
        "Review.body": 1,
    }
    assert sum(o["count"] for r in rest for o in r["operations"]) == 1, (first, rest)  # type: ignore[union-attr, misc]


def test_coordinates_per_client_with_arguments_and_documents(tmp_path: Path) -> None:
    path = tmp_path / "usage.jsonl"
    web = {"apollographql-client-name": "web"}
    top = "query Top($n: Int) { topProducts(first: $n) { name } }"
    user = '{ user(id: "1") { name } }'
    # a comment is not a token: a document past the 64 KiB cap that still parses
    long = "query Long { me { name } }\n#" + "x" * (64 * 1024)
    with federation(accounts, products, reviews, usage_file=str(path), usage_flush_secs=60) as url:
        for _ in range(2):
            post_graphql(url, top, {"n": 1}, headers=web)
        post_graphql(url, user)
        post_graphql(url, long, headers=web)
    (report,) = _reports(path)
    # why: argument coordinates say which arguments operations pass, per client; requests
    # without a client name count under ""
    assert report["clients"] == {
        "web": {
            "Query.topProducts": 2,
            "Query.topProducts(first:)": 2,
            "Product.name": 2,
            "Query.me": 1,
            "User.name": 1,
        },
        "": {"Query.user": 1, "Query.user(id:)": 1, "User.name": 1},
    }
    # the older keys stay as they were: fields over all clients, without arguments
    assert report["fields"] == {
        "Query.topProducts": 2,
        "Product.name": 2,
        "Query.user": 1,
        "User.name": 2,
        "Query.me": 1,
    }
    operations = {o["name"]: o for o in report["operations"]}  # type: ignore[union-attr]
    assert operations["Top"]["document"] == top
    assert operations[None]["document"] == user
    assert "document" not in operations["Long"]  # why: past the cap, the text is left out


async def test_a_period_being_written_when_the_gateway_stops_is_not_lost(tmp_path: Path) -> None:
    # why: stopping cancels the periodic flush; a period already taken out of the counters
    # must still reach the file (it used to be lost when the write had not started yet)
    path = tmp_path / "usage.jsonl"
    plugin = UsageReports(str(path), flush_secs=60)
    plugin.operations[("hash", "Op", "query", None, None)] += 1
    flushing = asyncio.create_task(plugin.flush())
    await asyncio.sleep(0)  # the period is taken, its write queued
    flushing.cancel()
    await plugin.close()
    (report,) = _reports(path)
    assert report["operations"][0]["name"] == "Op"  # type: ignore[index]
