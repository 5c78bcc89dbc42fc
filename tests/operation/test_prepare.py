"""The operation stage: parse, validate, pick the operation, normalize (CollectFields).

Expected results are the GraphQL spec's (October 2021, sections 5 and 6.3.2): field order and
merging follow CollectFields, conditions fold per assignment of the variables.
"""

from __future__ import annotations

import pytest
from graphql import build_schema

from hansa.operation.normalized import Field, Selection
from hansa.operation.prepare import OperationCache, OperationError

SCHEMA = build_schema(
    """
    type Query { pets: [Pet!]! owner: Person }
    interface Pet { name: String! owner: Person }
    type Dog implements Pet { name: String! owner: Person barks: Boolean! }
    type Cat implements Pet { name: String! owner: Person meows: Boolean! }
    type Person { name: String! pets: [Pet!]! }
    """
)


def _implements(concrete: str, condition: str) -> bool:
    if concrete == condition:
        return True
    return condition == "Pet" and concrete in {"Dog", "Cat"}


def _keys(selection: Selection, concrete: str) -> list[str]:
    return [f.response_key for f in selection.fields_for(concrete, _implements)]


def _field(selection: Selection, concrete: str, key: str) -> Field:
    return next(f for f in selection.fields_for(concrete, _implements) if f.response_key == key)


def test_collect_fields_keeps_document_order_with_fragments_in_place() -> None:
    prepared = OperationCache(SCHEMA).get(
        "{ pets { name ... on Dog { barks } ...C owner { name } } } fragment C on Cat { meows }",
        None,
    )
    pets = _field(prepared.normalized(()), "Query", "pets").selection
    assert pets is not None
    assert _keys(pets, "Dog") == ["name", "barks", "owner"]
    assert _keys(pets, "Cat") == ["name", "meows", "owner"]


def test_same_response_key_merges_sub_selections() -> None:
    prepared = OperationCache(SCHEMA).get(
        "{ owner { name } owner { pets { name } } o: owner { name } }", None
    )
    root = prepared.normalized(())
    assert _keys(root, "Query") == ["owner", "o"]
    owner = _field(root, "Query", "owner").selection
    assert owner is not None
    assert _keys(owner, "Person") == ["name", "pets"]


def test_skip_and_include_fold_per_assignment() -> None:
    prepared = OperationCache(SCHEMA).get(
        "query($a: Boolean!) { owner @include(if: $a) { name } pets @skip(if: $a) { name } }",
        None,
    )
    assert prepared.condition_variables == ("a",)
    assert _keys(prepared.normalized((True,)), "Query") == ["owner"]
    assert _keys(prepared.normalized((False,)), "Query") == ["pets"]


def test_request_errors_have_stable_codes() -> None:
    cache = OperationCache(SCHEMA)
    cases = {
        "{ pets { ": "GRAPHQL_PARSE_FAILED",
        "{ pets { }": "GRAPHQL_PARSE_FAILED",  # no empty selection sets (spec 2.4)
        "{ pets { nope } }": "GRAPHQL_VALIDATION_FAILED",
        "query A { owner { name } } query B { pets { name } }": "GRAPHQL_VALIDATION_FAILED",
    }
    for text, code in cases.items():
        with pytest.raises(OperationError) as raised:
            cache.get(text, None)
        assert [e["extensions"]["code"] for e in raised.value.errors] == [code], text
    with pytest.raises(OperationError) as raised:
        cache.get("query A { owner { name } }", "B")
    assert raised.value.errors[0]["extensions"]["code"] == "OPERATION_NOT_FOUND"


def test_cached_errors_are_raised_afresh_each_time() -> None:
    cache = OperationCache(SCHEMA)
    for _ in range(3):
        with pytest.raises(OperationError) as raised:
            cache.get("{ nope }", None)
        assert len(raised.value.errors) == 1


def test_depth_counts_the_deepest_field() -> None:
    prepared = OperationCache(SCHEMA).get("{ owner { pets { owner { name } } } }", None)
    assert prepared.depth(()) == 4
