"""One entity with different keys per subgraph: single, composite with a nested part, and both.

``Parcel`` is keyed

- in ``tracking`` by ``@key(fields: "id")`` only (``status``, ``history``),
- in ``billing`` by ``@key(fields: "sku pkg { id }")`` only (``cost``, ``twin: Parcel`` returning a
  composite reference),
- in ``registry`` by both keys (it alone knows how ids map to ``sku`` + ``pkg``; ``weight``).

So ``tracking`` → ``billing`` cannot be a direct jump: the plan must go ``tracking`` →
``registry`` (by id, to learn ``sku pkg { id }``) → ``billing``, and back the other way for
``billing``'s root and ``twin`` field. ``pkg`` is a shareable value type (``Package``) whose
``kind`` is known to ``registry`` only. Several parcels share a ``sku`` with different package
ids, so a representation that drops the nested part, or mixes parts, answers another parcel's
cost visibly.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

# id -> (sku, package id)
PARCELS: dict[str, dict[str, Any]] = {
    "p1": {"id": "p1", "sku": "BOX", "pkg": "k1", "weight": 2.5, "kind": "carton"},
    "p2": {"id": "p2", "sku": "BOX", "pkg": "k2", "weight": 7.0, "kind": "crate"},
    "p3": {"id": "p3", "sku": "ENV", "pkg": "k1", "weight": 0.1, "kind": "carton"},
    "p4": {"id": "p4", "sku": "TUBE", "pkg": "k3", "weight": 1.2, "kind": "tube"},
}
BY_COMPOSITE = {(p["sku"], p["pkg"]): p for p in PARCELS.values()}

TRACKING_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  parcel(id: ID!): Parcel
  inTransit: [Parcel!]!
}

type Parcel @key(fields: "id") {
  id: ID!
  status: String
  history: [String!]
}
"""

STATUS = {"p1": "delivered", "p2": "in transit", "p3": "lost", "p4": "in transit"}

tracking = Subgraph(
    "tracking",
    TRACKING_SDL,
    {
        "Query": {
            "parcel": lambda _root, _info, id: {"id": id} if id in PARCELS else None,
            "inTransit": lambda _root, _info: [{"id": "p4"}, {"id": "p2"}],
        },
        "Parcel": {
            "status": lambda p, _info: STATUS[p["id"]],
            "history": lambda p, _info: [f"{p['id']}: picked", f"{p['id']}: {STATUS[p['id']]}"],
            "__resolve_reference": lambda rep, _info: (
                {"id": rep["id"]} if rep["id"] in PARCELS else None
            ),
        },
    },
)

BILLING_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Query {
  invoices: [Parcel!]!
}

type Package @shareable {
  id: ID!
}

type Parcel @key(fields: "sku pkg { id }") {
  sku: String!
  pkg: Package!
  cost: Int
  twin: Parcel
}
"""

COSTS = {("BOX", "k1"): 5, ("BOX", "k2"): 9, ("ENV", "k1"): 1, ("TUBE", "k3"): 3}
# twin: another parcel with the same sku, or the same package id.
TWINS = {("BOX", "k1"): ("BOX", "k2"), ("BOX", "k2"): ("ENV", "k1"), ("ENV", "k1"): None}


def _billing_ref(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    key = (rep["sku"], rep["pkg"]["id"])
    return {"sku": key[0], "pkg": {"id": key[1]}} if key in COSTS else None


def _twin(p: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    twin = TWINS.get((p["sku"], p["pkg"]["id"]))
    return None if twin is None else {"sku": twin[0], "pkg": {"id": twin[1]}}


billing = Subgraph(
    "billing",
    BILLING_SDL,
    {
        "Query": {
            "invoices": lambda _root, _info: [
                {"sku": "ENV", "pkg": {"id": "k1"}},
                {"sku": "BOX", "pkg": {"id": "k1"}},
            ]
        },
        "Parcel": {
            "cost": lambda p, _info: COSTS[(p["sku"], p["pkg"]["id"])],
            "twin": _twin,
            "__resolve_reference": _billing_ref,
        },
    },
)

REGISTRY_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

type Package @shareable {
  id: ID!
}

type Parcel @key(fields: "id") @key(fields: "sku pkg { id }") {
  id: ID!
  sku: String! @shareable
  pkg: Package! @shareable
  weight: Float
  kind: String
}
"""


def _registry_ref(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    p = PARCELS.get(rep["id"]) if "id" in rep else BY_COMPOSITE.get((rep["sku"], rep["pkg"]["id"]))
    if p is None:
        return None
    return {**p, "pkg": {"id": p["pkg"]}}


registry = Subgraph(
    "registry",
    REGISTRY_SDL,
    {"Parcel": {"__resolve_reference": _registry_ref}},
)

SUBGRAPHS = [tracking, billing, registry]

QUERIES = [
    Query(
        "single-key-to-composite-key-through-registry",
        """{ parcel(id: "p2") { id status cost } }""",
    ),
    Query(
        "composite-key-root-back-to-single-key",
        "{ invoices { sku pkg { id } cost status weight } }",
    ),
    Query(
        "list-with-shared-sku-different-packages",
        "{ inTransit { id status sku pkg { id } cost weight } }",
    ),
    Query(
        "composite-reference-field-then-single-key-owner",
        """
        {
          invoices {
            cost
            twin { sku cost status history twin { pkg { id } cost id } }
          }
        }
        """,
    ),
    Query(
        "chain-with-aliases-and-variables",
        """
        query Chain($id: ID!) {
          first: parcel(id: $id) { state: status price: cost again: twin { id state: status } }
          other: parcel(id: "p4") { price: cost weight }
        }
        """,
        variables={"id": "p1"},
    ),
    Query(
        "unknown-parcel-stays-null-in-chain",
        """{ parcel(id: "nope") { id cost } invoices { twin { twin { id cost } } } }""",
    ),
]
