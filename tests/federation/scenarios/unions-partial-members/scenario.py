"""A union with different members per subgraph, inside entities and lists, behind entity jumps.

``inventory`` defines ``union Stockable = Gadget | Gizmo``; ``legacy`` defines ``union Stockable =
Gizmo | Widget``. All three members are entities; ``Gizmo`` lives in both (``inventory`` has
``weight``, ``legacy`` has ``legacyCode``), ``Widget`` only in ``legacy``, ``Gadget`` only in
``inventory``. ``Warehouse`` is an entity of both: ``inventory`` gives ``contents: [Stockable]``,
``legacy`` gives ``archive: [Stockable!]!``. The supergraph union has all three members, so:

- fragments on a member the serving subgraph's union lacks (``Widget`` under ``contents``,
  ``Gadget`` under ``archive``) must never be sent there and never match;
- a member field owned by the other subgraph (``Gizmo.legacyCode`` under ``contents``,
  ``Gizmo.weight`` under ``archive``) needs an entity fetch for that member only;
- the union selected under an entity reached by a jump (``Warehouse.archive`` from
  ``inventory``'s root), with ``__typename``-only and fragment-only selections, aliases and a
  named fragment on the union spread under both fields.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

GADGETS = {"ga1": {"id": "ga1", "name": "Sonic screwdriver", "volts": 9}}
GIZMOS = {
    "gz1": {"id": "gz1", "name": "Flux capacitor", "weight": 40, "legacyCode": "FC-1985"},
    "gz2": {"id": "gz2", "name": "Tricorder", "weight": 2, "legacyCode": "TR-2266"},
}
WIDGETS = {"wd1": {"id": "wd1", "name": "Sprocket", "teeth": 32}}

INVENTORY_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  warehouse(id: ID!): Warehouse
  everything: [Stockable]
}

union Stockable = Gadget | Gizmo

type Warehouse @key(fields: "id") {
  id: ID!
  city: String
  contents: [Stockable]
}

type Gadget @key(fields: "id") {
  id: ID!
  name: String
  volts: Int
}

type Gizmo @key(fields: "id") {
  id: ID!
  name: String
  weight: Int
}
"""

CONTENTS = {
    "w1": [("Gizmo", "gz1"), ("Gadget", "ga1"), ("Gizmo", "gz2")],
    "w2": [("Gadget", "ga1")],
}


def _inv(typename: str, id_: str) -> dict[str, Any]:
    source = GADGETS if typename == "Gadget" else GIZMOS
    return {"__typename": typename, **{k: v for k, v in source[id_].items() if k != "legacyCode"}}


def _inv_ref(typename: str) -> Any:
    source = GADGETS if typename == "Gadget" else GIZMOS
    return lambda rep, _info: _inv(typename, rep["id"]) if rep["id"] in source else None


inventory = Subgraph(
    "inventory",
    INVENTORY_SDL,
    {
        "Query": {
            "warehouse": lambda _root, _info, id: (
                {"id": id, "city": {"w1": "Lyon", "w2": "Oslo"}[id]} if id in CONTENTS else None
            ),
            "everything": lambda _root, _info: [_inv("Gadget", "ga1"), _inv("Gizmo", "gz2")],
        },
        "Warehouse": {
            "contents": lambda w, _info: [_inv(t, i) for t, i in CONTENTS[w["id"]]],
            "__resolve_reference": lambda rep, _info: {
                "id": rep["id"],
                "city": {"w1": "Lyon", "w2": "Oslo"}.get(rep["id"]),
            },
        },
        "Gadget": {"__resolve_reference": _inv_ref("Gadget")},
        "Gizmo": {"__resolve_reference": _inv_ref("Gizmo")},
    },
)

LEGACY_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  depots: [Warehouse!]!
}

union Stockable = Gizmo | Widget

type Warehouse @key(fields: "id") {
  id: ID!
  archive: [Stockable!]!
}

type Gizmo @key(fields: "id") {
  id: ID!
  legacyCode: String
}

type Widget @key(fields: "id") {
  id: ID!
  name: String
  teeth: Int
}
"""

ARCHIVE = {"w1": [("Widget", "wd1"), ("Gizmo", "gz2")], "w2": [("Gizmo", "gz1"), ("Widget", "wd1")]}


def _leg(typename: str, id_: str) -> dict[str, Any]:
    if typename == "Widget":
        return {"__typename": "Widget", **WIDGETS[id_]}
    return {"__typename": "Gizmo", "id": id_, "legacyCode": GIZMOS[id_]["legacyCode"]}


legacy = Subgraph(
    "legacy",
    LEGACY_SDL,
    {
        "Query": {"depots": lambda _root, _info: [{"id": "w2"}, {"id": "w1"}]},
        "Warehouse": {
            "archive": lambda w, _info: [_leg(t, i) for t, i in ARCHIVE[w["id"]]],
            "__resolve_reference": lambda rep, _info: {"id": rep["id"]},
        },
        "Gizmo": {"__resolve_reference": lambda rep, _info: _leg("Gizmo", rep["id"])},
        "Widget": {"__resolve_reference": lambda rep, _info: _leg("Widget", rep["id"])},
    },
)

SUBGRAPHS = [inventory, legacy]

QUERIES = [
    Query(
        "member-unknown-to-serving-subgraph-never-matches",
        """
        {
          warehouse(id: "w1") {
            contents {
              __typename
              ... on Widget { teeth }
              ... on Gadget { volts }
              ... on Gizmo { name }
            }
          }
        }
        """,
    ),
    Query(
        "member-field-from-other-subgraph",
        """
        {
          warehouse(id: "w1") {
            city
            contents { ... on Gizmo { id legacyCode weight } }
          }
        }
        """,
    ),
    Query(
        "union-behind-entity-jump",
        """
        {
          warehouse(id: "w1") {
            city
            archive {
              __typename
              ... on Gizmo { name weight legacyCode }
              ... on Widget { name teeth }
              ... on Gadget { volts }
            }
          }
        }
        """,
    ),
    Query(
        "typename-only-under-both-union-fields",
        """
        {
          depots {
            id
            contents { __typename }
            archive { __typename }
          }
        }
        """,
    ),
    Query(
        "named-union-fragment-under-both-fields-with-aliases",
        """
        query Both($id: ID!) {
          warehouse(id: $id) {
            now: contents { ...Stock }
            then: archive { ...Stock }
          }
          everything { ...Stock }
        }
        fragment Stock on Stockable {
          kind: __typename
          ... on Gizmo { id code: legacyCode }
          ... on Widget { id name }
          ... on Gadget { id name }
        }
        """,
        variables={"id": "w2"},
    ),
    Query(
        "only-unknown-member-fragments-yield-empty-objects",
        """
        {
          everything { ... on Widget { teeth } }
          depots { archive { ... on Gadget { volts } } }
        }
        """,
    ),
]
