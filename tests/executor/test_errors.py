"""Response errors: how subgraph errors are kept, coded and re-pathed to the client's paths."""

from __future__ import annotations

from hansa.executor.errors import ErrorCollector, ResponseError
from hansa.transport.client import MALFORMED, SubgraphFetchError


def test_subgraph_error_keeps_message_and_extensions_and_names_the_subgraph() -> None:
    raw = {"message": "boom", "path": ["a", 0], "extensions": {"code": "MINE", "x": 1}}
    error = ResponseError.from_subgraph(raw, "inventory")
    assert error.formatted() == {
        "message": "boom",
        "path": ["a", 0],
        "extensions": {"code": "MINE", "x": 1, "serviceName": "inventory"},
    }


def test_uncoded_subgraph_error_gets_apollos_default_code() -> None:
    error = ResponseError.from_subgraph({"message": "boom"}, "s")
    assert error.code == "DOWNSTREAM_SERVICE_ERROR"
    assert error.path is None


def test_garbage_error_and_garbage_path_are_contained() -> None:
    assert ResponseError.from_subgraph("boom", "s").code == "SUBREQUEST_MALFORMED_RESPONSE"
    assert ResponseError.from_subgraph({"message": "m", "path": [{"x": 1}]}, "s").path is None


def test_entity_error_lands_at_every_owner_of_the_representation() -> None:
    error = ResponseError.from_subgraph({"message": "m", "path": ["_entities", 1, "name"]}, "s")
    assert error.entity_index(2) == 1
    assert error.entity_index(1) is None  # no representation 1 was sent
    repathed = error.at_entity([["top", 0, "author"], ["top", 3, "author"]])
    assert [e.path for e in repathed] == [
        ["top", 0, "author", "name"],
        ["top", 3, "author", "name"],
    ]
    assert all(e.message == "m" and e.code == "DOWNSTREAM_SERVICE_ERROR" for e in repathed)


def test_fetch_failure_is_worded_as_apollo_router() -> None:
    failure = SubgraphFetchError("reviews", "not JSON", MALFORMED)
    error = ResponseError.from_fetch_failure(failure)
    assert error.message == "service 'reviews' response was malformed: not JSON"
    assert error.extensions == {
        "code": "SUBREQUEST_MALFORMED_RESPONSE",
        "service": "reviews",
        "reason": "not JSON",
    }


def test_collector_keeps_order_and_retains() -> None:
    errors = ErrorCollector()
    errors.add(ResponseError("a", ["x"]))
    errors.extend([ResponseError("b"), ResponseError("c", ["y"])])
    errors.retain(lambda e: e.path != ["y"])
    assert [e["message"] for e in errors.formatted()] == ["a", "b"]
    assert len(errors) == 2
