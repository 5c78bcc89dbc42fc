"""``GET /metrics`` after known traffic: the counters and labels Prometheus scrapes, for
answers, refusals, a subgraph that is down, error codes, fetch latencies, the caches and the
process; label values stay bounded."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from hansa.cache.settings import CacheSettings
from hansa.demo import accounts, products, reviews
from tests.support.federation import federation
from tests.support.http import post_graphql, request


def _scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = request(url.removesuffix("/graphql") + "/metrics", method="GET")
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/plain; version=")
    samples: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
    for family in text_string_to_metric_families(answer.body.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_known_traffic_shows_up_in_the_counters() -> None:
    cache = CacheSettings(default_max_age=60)
    with federation(accounts, products, reviews, down=["reviews"], cache=cache) as url:
        for _ in range(2):
            assert "errors" not in post_graphql(url, "query Me { me { name } }").json()
        partial = post_graphql(url, "query Top { topProducts { name reviews { body } } }")
        post_graphql(url, "{ me { nope } }")
        request(url, body=b"{", headers={"content-type": "application/json"})
        request(url + "?" + "q" * 70_000, method="GET")  # refused by the connection guard
        samples = _scrape(url)
    assert partial.json()["errors"][0]["extensions"]["code"] == "SUBREQUEST_HTTP_ERROR"
    assert _value(samples, "hansa_http_requests_total", status="200") == 3
    assert _value(samples, "hansa_http_requests_total", status="400") == 2
    assert _value(samples, "hansa_http_requests_total", status="414") == 1
    codes = {
        "SUBREQUEST_HTTP_ERROR": 1,
        "GRAPHQL_VALIDATION_FAILED": 1,
        "INVALID_JSON": 1,
        "URI_TOO_LONG": 1,
    }
    for code, count in codes.items():
        assert _value(samples, "hansa_graphql_errors_total", code=code) == count, code
    assert _value(samples, "hansa_federation_errors_total", subgraph="reviews", reason="http") == 1
    assert _value(samples, "hansa_federation_latency_seconds_count", subgraph="accounts") == 1
    assert _value(samples, "hansa_federation_latency_seconds_count", subgraph="products") == 1
    assert _value(samples, "hansa_federation_in_flight", subgraph="accounts") == 0
    # the second Me came from the response cache: no fetch, yet timed as an operation
    assert (
        _value(samples, "hansa_operation_duration_seconds_count", operation="Me", kind="query") == 2
    )
    assert _value(samples, "hansa_cache_hits_total", cache="response") == 1
    assert _value(samples, "hansa_cache_misses_total", cache="response") >= 1
    assert _value(samples, "hansa_cache_misses_total", cache="plan") == 2
    assert any(name == "hansa_supergraph_info" for name, _ in samples)
    assert _value(samples, "process_resident_memory_bytes") > 0


def test_operation_names_are_capped() -> None:
    with federation(accounts, products, reviews) as url:
        for n in range(205):
            post_graphql(url, f"query Op{n} {{ me {{ name }} }}")
        samples = _scrape(url)
    names = {
        dict(labels)["operation"]
        for name, labels in samples
        if name == "hansa_operation_duration_seconds_count"
    }
    assert len(names) == 201 and "other" in names
    assert (
        _value(samples, "hansa_operation_duration_seconds_count", operation="other", kind="query")
        == 5
    )


def test_metrics_can_be_turned_off() -> None:
    with federation(accounts, products, reviews, metrics=False) as url:
        answer = request(url.removesuffix("/graphql") + "/metrics", method="GET")
    assert answer.status == 404
