"""@override, plain and from a subgraph that keeps the field @external, with @requires on it.

``Shipment @key(fields: "id")`` moved fields between three subgraphs:

- ``eta`` moved from ``legacy`` to ``logistics`` (``@override(from: "legacy")``); ``legacy`` still
  serves its old, wrong answers (``"legacy: ..."``) but must never be asked;
- ``weight`` moved from ``legacy`` to ``logistics`` too, and ``legacy`` keeps it ``@external``
  because its ``legacyLabel`` still ``@requires(fields: "weight")``: the requirement must be
  fetched from ``logistics`` (the new owner) and passed to ``legacy``;
- ``carrier`` moved from ``logistics`` to ``pricing`` with ``@override`` (``logistics`` still
  answers ``"old ..."``), and ``pricing``'s ``cost @requires(fields: "weight")`` uses its own
  ``carrier`` and the overridden ``weight`` from its new owner;
- the old owners' data differs on purpose (weights in pounds vs kilograms, other carriers).
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

SHIPMENTS: dict[str, dict[str, Any]] = {
    "s1": {"id": "s1", "kg": 2, "carrier": "DHL", "eta": "Mon"},
    "s2": {"id": "s2", "kg": 10, "carrier": "UPS", "eta": "Wed"},
    "s3": {"id": "s3", "kg": 25, "carrier": "Post", "eta": "Fri"},
}

LEGACY_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@external", "@requires"])

type Query {
  oldShipments: [Shipment!]!
}

type Shipment @key(fields: "id") {
  id: ID!
  eta: String
  weight: Int @external
  legacyLabel: String @requires(fields: "weight")
  origin: String
}
"""


def _legacy(s: dict[str, Any]) -> dict[str, Any]:
    return {**s, "eta": f"legacy: {SHIPMENTS[s['id']]['eta']}?", "origin": "Hamburg"}


legacy = Subgraph(
    "legacy",
    LEGACY_SDL,
    {
        "Query": {"oldShipments": lambda _r, _i: [_legacy({"id": "s3"}), _legacy({"id": "s1"})]},
        "Shipment": {
            "legacyLabel": lambda s, _i: f"{s['id']} / {s.get('weight', 'no weight')} units",
            "__resolve_reference": lambda rep, _i: _legacy(dict(rep)),
        },
    },
)

LOGISTICS_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@override"])

type Query {
  shipments: [Shipment!]!
  shipment(id: ID!): Shipment
}

type Shipment @key(fields: "id") {
  id: ID!
  eta: String @override(from: "legacy")
  weight: Int @override(from: "legacy")
  carrier: String
}
"""


def _log(id_: str) -> dict[str, Any] | None:
    s = SHIPMENTS.get(id_)
    if s is None:
        return None
    return {"id": id_, "eta": s["eta"], "weight": s["kg"], "carrier": f"old {s['carrier']}"}


logistics = Subgraph(
    "logistics",
    LOGISTICS_SDL,
    {
        "Query": {
            "shipments": lambda _r, _i: [_log(i) for i in SHIPMENTS],
            "shipment": lambda _r, _i, id: _log(id),
        },
        "Shipment": {"__resolve_reference": lambda rep, _i: _log(rep["id"])},
    },
)

PRICING_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7",
        import: ["@key", "@override", "@external", "@requires"])

type Shipment @key(fields: "id") {
  id: ID!
  carrier: String @override(from: "logistics")
  weight: Int @external
  cost(express: Boolean = false): Int @requires(fields: "weight")
}
"""

RATES = {"DHL": 3, "UPS": 2, "Post": 1}


def _cost(s: dict[str, Any], _i: Any, express: bool = False) -> int:
    base = RATES.get(s.get("carrier"), 100) * (s.get("weight") or 0)
    return base * 2 if express else base


pricing = Subgraph(
    "pricing",
    PRICING_SDL,
    {
        "Shipment": {
            "cost": _cost,
            "__resolve_reference": lambda rep, _i: {
                **rep,
                "carrier": rep.get("carrier") or SHIPMENTS[rep["id"]]["carrier"],
            },
        }
    },
)

SUBGRAPHS = [legacy, logistics, pricing]

QUERIES = [
    Query(
        "overridden-fields-from-new-owner",
        "{ oldShipments { id eta weight origin } }",
    ),
    Query(
        "requires-external-overridden-field-on-old-owner",
        "{ shipments { id legacyLabel } }",
    ),
    Query(
        "requires-on-overridden-carrier-and-weight",
        "{ shipments { id carrier weight cost } }",
    ),
    Query(
        "cost-with-arguments-and-aliases",
        """
        query C($id: ID!, $fast: Boolean) {
          shipment(id: $id) {
            carrier
            normal: cost
            fast: cost(express: $fast)
            legacyLabel
            eta
          }
        }
        """,
        variables={"id": "s2", "fast": True},
    ),
    Query(
        "from-old-owner-root-everything",
        """
        {
          oldShipments {
            ...All
          }
        }
        fragment All on Shipment { id origin eta carrier weight legacyLabel cost }
        """,
    ),
]
