"""Lists of lists and non-null lists of entities with nulls inside: where null propagation stops.

``grid`` returns ``Board.cells: [[Cell]]`` (nullable everywhere), ``Board.rows: [[Cell!]]`` (items
non-null, inner lists nullable) and ``Board.strict: [[Cell!]!]!``; ``Cell`` is an
entity whose ``label: String!`` lives in ``paint``. Some cell ids are unknown to ``paint`` (its
reference resolver answers null) and one raises an error, so the non-null ``label`` nulls its
``Cell``, which nulls the inner list where items are non-null, which nulls the outer item where
that is nullable, or further. Each query places the same holes under different nullability, so
the answer shows exactly where propagation stopped.
"""

from typing import Any

from graphql import GraphQLError
from tests.federation.harness import Query

from hansa.subgraph import Subgraph

GRID_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  board: Board
  boards: [Board!]
}

type Board {
  name: String
  cells: [[Cell]]
  rows: [[Cell!]]
  strict: [[Cell!]!]!
}

type Cell @key(fields: "id") {
  id: ID!
}
"""


def _c(*ids: str | None) -> list[dict[str, Any] | None]:
    return [None if i is None else {"id": i} for i in ids]


BOARDS = [
    {
        "name": "one",
        "cells": [_c("a", "b"), None, _c("x", None, "c")],
        "rows": [_c("a", "b"), _c("c", "x"), _c("d")],
        "strict": [_c("a"), _c("b", "c")],
    },
    {
        "name": "two",
        "cells": [_c("boom", "d")],
        "rows": [_c("d"), _c("boom")],
        "strict": [_c("d"), _c("x")],
    },
]

grid = Subgraph(
    "grid",
    GRID_SDL,
    {
        "Query": {"board": lambda _r, _i: BOARDS[0], "boards": lambda _r, _i: BOARDS},
        "Cell": {"__resolve_reference": lambda rep, _i: {"id": rep["id"]}},
    },
)

LABELS = {"a": "Alpha", "b": "Bravo", "c": "Charlie", "d": "Delta"}

PAINT_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Cell @key(fields: "id") {
  id: ID!
  label: String!
  colour: String
}
"""


def _paint_ref(rep: dict[str, Any], _i: Any) -> dict[str, Any] | None:
    if rep["id"] == "boom":
        raise GraphQLError("Paint spilled on boom.")
    if rep["id"] not in LABELS:
        return None
    return {
        "id": rep["id"],
        "label": LABELS[rep["id"]],
        "colour": "red" if rep["id"] < "c" else None,
    }


paint = Subgraph("paint", PAINT_SDL, {"Cell": {"__resolve_reference": _paint_ref}})

SUBGRAPHS = [grid, paint]

QUERIES = [
    Query("nullable-everywhere", "{ board { cells { id label } } }"),
    Query("non-null-items-null-the-inner-list", "{ board { rows { id label } } }"),
    Query("non-null-outer-list-nulls-board", "{ board { name strict { label } } }"),
    Query(
        "nullable-colour-only-no-propagation", "{ board { rows { id colour } strict { colour } } }"
    ),
    Query(
        "entity-error-inside-nested-lists",
        "{ boards { name cells { label } rows { id label } } }",
    ),
    Query(
        "strict-under-non-null-boards-items",
        "{ boards { name strict { id label } } }",
    ),
]
