"""The request log: one line per request with the fields operators search by, as JSON objects
from ``hansa gateway`` with ``log_format = "json"``."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from hansa.demo import accounts, products, reviews
from tests.cli.test_cli import DEMO_SUPERGRAPH
from tests.support.cli import demo_subgraphs, first_answer, start_gateway
from tests.support.federation import federation
from tests.support.http import post_graphql


def test_one_line_per_request_with_its_fields(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hansa.requests")
    client = {"apollographql-client-name": "web", "apollographql-client-version": "1.2"}
    with federation(accounts, products, reviews, down=["reviews"], request_log=True) as url:
        ok = post_graphql(
            url, "query Me { me { name } }", headers={"x-request-id": "r-1", **client}
        )
        post_graphql(url, "query Top { topProducts { name reviews { body } } }")
        post_graphql(url, "{ me { nope } }")
    lines = [r.fields for r in caplog.records if r.name == "hansa.requests"]  # type: ignore[attr-defined]
    assert len(lines) == 3
    me, top, invalid = lines
    assert ok.status == 200
    assert me["request_id"] == "r-1" and me["operation"] == "Me" and me["kind"] == "query"
    assert me["status"] == 200 and me["error_codes"] == [] and me["subgraphs"] == ["accounts"]
    assert (me["client_name"], me["client_version"]) == ("web", "1.2")
    assert isinstance(me["operation_hash"], str) and me["duration_ms"] > 0
    assert top["error_codes"] == ["RESPONSE_VALIDATION_FAILED", "SUBREQUEST_HTTP_ERROR"]
    assert top["subgraphs"] == ["products", "reviews"]
    assert invalid["status"] == 400 and invalid["error_codes"] == ["GRAPHQL_VALIDATION_FAILED"]
    assert invalid["operation"] is None and invalid["subgraphs"] == []


def test_the_cli_writes_json_lines(tmp_path: Path) -> None:
    with demo_subgraphs() as tables:
        config = tmp_path / "hansa.toml"
        config.write_text(
            f'[gateway]\nsupergraph = "{DEMO_SUPERGRAPH}"\n\n'
            '[telemetry]\nlog_format = "json"\nrequest_log = true\n' + tables
        )
        process, url = start_gateway("--config", str(config))
        try:
            assert first_answer(url, "query Me { me { name } }")["data"]
        finally:
            process.terminate()
            _, stderr = process.communicate(timeout=10)
    entries = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    requests = [e for e in entries if e["logger"] == "hansa.requests"]
    assert requests and requests[-1]["operation"] == "Me" and requests[-1]["level"] == "info"
    assert requests[-1]["status"] == 200 and len(requests[-1]["request_id"]) == 32
