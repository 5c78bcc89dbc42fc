"""Usage reports: operations per client and fields selected, appended to a JSON-lines file
per period and when the gateway stops."""

from __future__ import annotations

import json
import time
from pathlib import Path

from hansa.demo import accounts, products, reviews
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
    assert sum(o["count"] for r in rest for o in r["operations"]) == 1  # type: ignore[union-attr, misc]
