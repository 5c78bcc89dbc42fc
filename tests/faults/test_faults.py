"""The fault-injection suite: the demo graph with its ``products`` subgraph down, hanging,
answering 500, not JSON, truncated JSON, the wrong shape, values of the wrong type, fewer
entities than asked, 50 MB, a gzip bomb, a connection closed mid-body, or flapping.

For each: the rest of the answer is kept (``me`` comes from ``accounts``), the failed part is
null with the Router's code, the answer comes in bounded time and carries
``extensions.degraded``, and the gateway answers a normal query afterwards. Expected codes and
wording are Apollo Router's (``SUBREQUEST_HTTP_ERROR``, ``SUBREQUEST_MALFORMED_RESPONSE``);
the partial data follows the GraphQL spec's null propagation.
"""

from __future__ import annotations

import resource
import time
from typing import Any

import pytest

from hansa.demo.accounts import accounts
from hansa.demo.products import products
from hansa.demo.reviews import reviews
from tests.faults.subgraphs import Faulty, gzip_bomb
from tests.support.federation import federation
from tests.support.http import post_graphql

PARTIAL = "{ me { name } topProducts { name } }"
ENTITIES = "{ me { name reviews { body product { name } } } }"
ME = {"name": "Ada Lovelace"}
HTTP_ERROR = "SUBREQUEST_HTTP_ERROR"
MALFORMED = "SUBREQUEST_MALFORMED_RESPONSE"
TIMEOUT = 0.5  # products' timeout in these tests, seconds


def _timed(url: str, query: str) -> tuple[dict[str, Any], float]:
    started = time.monotonic()
    response = post_graphql(url, query)
    assert response.status == 200
    return response.json(), time.monotonic() - started


def _still_serving(url: str) -> None:
    assert post_graphql(url, "{ me { name } }").json() == {"data": {"me": ME}}


@pytest.mark.parametrize(
    ("fault", "code", "reason", "message", "seconds"),
    [
        ("down", HTTP_ERROR, "http", "HTTP fetch failed from 'products': connection refused", 1),
        ("hang", HTTP_ERROR, "timeout", "HTTP fetch failed from 'products': request timed out", 3),
        ("status:500", HTTP_ERROR, "http", "HTTP fetch failed from 'products': 500: Internal Server Error", 1),
        ("not_json", MALFORMED, "malformed", "service 'products' response was malformed: the body is not JSON", 1),
        ("truncated_json", MALFORMED, "malformed", "service 'products' response was malformed: the body is not JSON", 1),
        ("wrong_shape", MALFORMED, "malformed", "service 'products' response was malformed: the body is not a GraphQL response (it has neither data nor errors)", 1),
        ("huge", MALFORMED, "malformed", "service 'products' response was malformed: the response is larger than 33554432 bytes", 10),
        ("gzip_bomb", MALFORMED, "malformed", "service 'products' response was malformed: the response is larger than 33554432 bytes", 10),
        ("close_mid_body", HTTP_ERROR, "http", "HTTP fetch failed from 'products': the connection closed before the whole response arrived", 1),
    ],
)  # fmt: skip
def test_a_failed_subgraph_leaves_the_rest_of_the_answer(
    fault: str, code: str, reason: str, message: str, seconds: float
) -> None:
    faulty = Faulty(fault)
    gzip_bomb()  # built before the clock starts (it takes a second)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with federation(
        accounts,
        products,
        reviews,
        apps={"products": faulty},
        down=["products"] if fault == "down" else [],
        subgraph_timeouts={"products": TIMEOUT},
    ) as url:
        body, took = _timed(url, PARTIAL)
        _still_serving(url)
    assert body["data"] == {"me": ME, "topProducts": None}
    [error] = body["errors"]
    assert error["message"] == message
    assert error["extensions"]["code"] == code
    assert body["extensions"]["degraded"] == {
        "subgraphs": ["products"],
        "reasons": {"products": reason},
    }
    assert took < seconds, f"{fault} took {took:.2f} s"
    if fault == "gzip_bomb":  # (``huge`` is measured by the subgraph's own 50 MB, in-process)
        grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        assert grown_mb < 150, f"{fault} grew the process by {grown_mb:.0f} MB"


def test_a_transient_failure_is_retried_and_a_hang_waits_for_each_attempt() -> None:
    hanging = Faulty("hang")
    with federation(
        accounts,
        products,
        reviews,
        apps={"products": hanging},
        subgraph_timeouts={"products": TIMEOUT},
    ) as url:
        _, took = _timed(url, PARTIAL)
    assert len(hanging.requests) == 2  # the first attempt and one retry (the default)
    assert took >= 2 * TIMEOUT


def test_values_of_the_wrong_type_are_nulled_with_a_code() -> None:
    with federation(accounts, products, reviews, apps={"products": Faulty("wrong_type")}) as url:
        body, _ = _timed(url, PARTIAL)
        _still_serving(url)
    assert body["data"] == {"me": ME, "topProducts": [{"name": None}]}
    [error] = body["errors"]
    assert error["path"] == ["topProducts", 0, "name"]
    assert error["extensions"]["code"] == "RESPONSE_VALIDATION_FAILED"


def test_fewer_entities_than_representations() -> None:
    with federation(
        accounts, products, reviews, apps={"products": Faulty("fewer_entities")}
    ) as url:
        body, _ = _timed(url, ENTITIES)
        _still_serving(url)
    reviews_of_me = body["data"]["me"]["reviews"]
    assert [r["product"] for r in reviews_of_me] == [{"name": None}, {"name": None}]
    [error] = body["errors"]
    assert error["message"] == "Subgraph 'products' returned 1 entities for 2 representations."
    assert error["extensions"]["code"] == MALFORMED


def test_a_flapping_subgraph_is_cured_by_a_retry() -> None:
    flapping = Faulty("flap:2")  # requests 1, 3, 5, ... answer 503
    with federation(accounts, products, reviews, apps={"products": flapping}) as url:
        answers = [post_graphql(url, PARTIAL).json() for _ in range(4)]
    for answer in answers:
        assert answer == {
            "data": {"me": ME, "topProducts": [{"name": n} for n in ("Table", "Couch", "Chair")]}
        }
    assert len(flapping.requests) == 8  # each query: a 503, then its retry


def test_without_retries_a_flapping_subgraph_fails_every_other_time() -> None:
    from hansa.plugins.retries import RetryPolicy

    flapping = Faulty("flap:2")
    with federation(
        accounts, products, reviews, apps={"products": flapping}, retry=RetryPolicy(retries=0)
    ) as url:
        answers = [post_graphql(url, PARTIAL).json() for _ in range(4)]
    failed = [a for a in answers if a["data"]["topProducts"] is None]
    assert len(failed) == 2
    assert failed[0]["errors"][0]["extensions"]["http"] == {"status": 503}
    assert len(flapping.requests) == 4
