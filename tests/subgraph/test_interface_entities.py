"""Interface entities in ``_entities`` (``@key`` on an interface: what a gateway sends when a
query enters through an ``@interfaceObject`` subgraph), against ``@apollo/subgraph``.

Each case is one small subgraph written twice, in Python for Hansa and in JavaScript for
Apollo, with the same resolvers; both are asked the same representations and must answer the
same data, errors at the same paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hansa.http.serve import serving
from hansa.subgraph import Subgraph
from tests.subgraph import apollo_subgraph
from tests.support import reference
from tests.support.http import post_graphql

pytestmark = pytest.mark.skipif(
    not (reference.available() and apollo_subgraph.available()), reason="run `make reference`"
)

SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { ping: String }
interface Inventory @key(fields: "id") { id: ID! }
type Shelf implements Inventory @key(fields: "id") { id: ID! size: Int }
type Box implements Inventory @key(fields: "id") { id: ID! weight: Int }
"""

QUERY = """
query($r: [_Any!]!) {
  _entities(representations: $r) {
    __typename
    ... on Inventory { id }
    ... on Shelf { size }
    ... on Box { weight }
  }
}
"""

REPRESENTATIONS = [
    {"__typename": "Inventory", "id": "s1"},
    {"__typename": "Inventory", "id": "b2"},
    {"__typename": "Inventory", "id": "x3"},  # no such entity: null
    {"__typename": "Inventory", "id": "q4"},  # resolves to a type that is no implementation
    {"__typename": "Shelf", "id": "s5"},
]


def _kind(id_: str) -> str | None:
    return {"s": "Shelf", "b": "Box", "q": "Query"}.get(id_[0])


def _own_typename(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    """The interface's reference resolver returns a plain dict that says its type."""
    kind = _kind(rep["id"])
    if kind is None:
        return None
    return {"__typename": kind, "id": rep["id"], "size": 3, "weight": 7}


def _plain(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    """... or a plain dict without ``__typename``, the type coming from ``__resolve_type``."""
    if _kind(rep["id"]) is None:
        return None
    return {"id": rep["id"], "size": 3, "weight": 7}


def _type_by_id(value: dict[str, Any], _info: Any) -> str | None:
    return _kind(value["id"])


CASES: dict[str, tuple[dict[str, dict[str, Any]], str]] = {
    "interface-resolver-returns-typename": (
        {"Inventory": {"__resolve_reference": _own_typename}},
        """export default {
  Inventory: {
    __resolveReference(rep) {
      const kind = { s: 'Shelf', b: 'Box', q: 'Query' }[rep.id[0]];
      return kind ? { __typename: kind, id: rep.id, size: 3, weight: 7 } : null;
    },
  },
};
""",
    ),
    "interface-resolver-and-resolve-type": (
        {"Inventory": {"__resolve_reference": _plain, "__resolve_type": _type_by_id}},
        """const kindOf = (id) => ({ s: 'Shelf', b: 'Box', q: 'Query' })[id[0]] ?? null;
export default {
  Inventory: {
    __resolveReference(rep) {
      return kindOf(rep.id) ? { id: rep.id, size: 3, weight: 7 } : null;
    },
    __resolveType(value) {
      return kindOf(value.id);
    },
  },
};
""",
    ),
    "resolve-type-then-implementation-resolver": (
        {
            "Inventory": {"__resolve_type": _type_by_id},
            "Shelf": {"__resolve_reference": lambda rep, _i: {"id": rep["id"], "size": 11}},
            "Box": {"__resolve_reference": lambda rep, _i: {"id": rep["id"], "weight": 13}},
        },
        """const kindOf = (id) => ({ s: 'Shelf', b: 'Box', q: 'Query' })[id[0]] ?? null;
export default {
  Inventory: { __resolveType: (value) => kindOf(value.id) },
  Shelf: { __resolveReference: (rep) => ({ id: rep.id, size: 11 }) },
  Box: { __resolveReference: (rep) => ({ id: rep.id, weight: 13 }) },
};
""",
    ),
    "no-resolvers": ({}, "export default {};\n"),
}


@pytest.fixture(scope="module")
def peers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[str, str]]]:
    """``{case: {"hansa": url, "apollo": url}}``, every case served by both at once."""
    folder = tmp_path_factory.mktemp("resolvers")
    modules: dict[str, Path] = {}
    for name, (_, javascript) in CASES.items():
        modules[name] = folder / f"{name}.mjs"
        modules[name].write_text(javascript)
    subgraphs = [Subgraph(name, SDL, resolvers) for name, (resolvers, _) in CASES.items()]
    with (
        apollo_subgraph.apollo_subgraphs({n: SDL for n in CASES}, modules) as apollo,
        serving(*(s.asgi_app() for s in subgraphs)) as hansa,
    ):
        yield {
            name: {"hansa": f"{url}/", "apollo": apollo[name]}
            for name, url in zip(CASES, hansa, strict=True)
        }


def _answer(url: str) -> dict[str, Any]:
    body = post_graphql(url, QUERY, {"r": REPRESENTATIONS}).json()
    return {
        "data": body.get("data"),
        "error_paths": sorted(e.get("path") for e in body.get("errors") or []),
    }


@pytest.mark.parametrize("case", list(CASES))
def test_interface_entities_match_apollo(peers: dict[str, dict[str, str]], case: str) -> None:
    hansa, apollo = (_answer(peers[case][p]) for p in ("hansa", "apollo"))
    assert hansa == apollo
    assert apollo["data"] is not None  # the cases do resolve something


def test_error_messages_match_apollo(peers: dict[str, dict[str, str]]) -> None:
    """Apollo's messages for a concrete type that cannot be used (ours are the same text)."""
    for case in CASES:
        messages = [
            sorted(
                e["message"]
                for e in post_graphql(peers[case][p], QUERY, {"r": REPRESENTATIONS})
                .json()
                .get("errors")
                or []
            )
            for p in ("hansa", "apollo")
        ]
        assert messages[0] == messages[1], case
