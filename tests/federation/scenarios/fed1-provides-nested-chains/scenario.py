"""Fed 1 subgraphs: nested @provides chains and @provides of @external entity fields.

Composed by ``@apollo/federation`` 0.x into a Fed 1 supergraph (``SUPERGRAPH_COMPOSER``).
``people`` owns ``User @key(fields: "id")`` (``name``, ``home: Address``, ``manager: User``);
``tickets`` extends ``User`` with ``id``, ``name`` and ``manager`` ``@external`` and serves

- ``Ticket.assignee: User @provides(fields: "name manager { id name }")``: a nested provided
  selection through an external entity field, so ``assignee { manager { name } }`` needs no
  entity fetch, but ``assignee { manager { manager { name } } }`` does, from ``people``;
- ``Ticket.reporter: User`` without @provides.

``tickets`` keeps its own copies of names marked ``(tickets)``: a provided name comes from
``tickets``, any other from ``people``, and the answer shows which.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

SUPERGRAPH_COMPOSER = "fed1"

USERS: dict[str, dict[str, Any]] = {
    "u1": {"id": "u1", "name": "Ana", "city": "Porto", "manager": "u2"},
    "u2": {"id": "u2", "name": "Bo", "city": "Malmo", "manager": "u3"},
    "u3": {"id": "u3", "name": "Cy", "city": "Cork", "manager": None},
}

PEOPLE_SDL = """
type Query {
  user(id: ID!): User
}

type Address {
  city: String
}

type User @key(fields: "id") {
  id: ID!
  name: String
  home: Address
  manager: User
}
"""


def _user(id_: str | None) -> dict[str, Any] | None:
    return USERS.get(id_) if id_ else None


people = Subgraph(
    "people",
    PEOPLE_SDL,
    {
        "Query": {"user": lambda _r, _i, id: _user(id)},
        "User": {
            "home": lambda u, _i: {"city": u["city"]},
            "manager": lambda u, _i: _user(u["manager"]),
            "__resolve_reference": lambda rep, _i: _user(rep["id"]),
        },
    },
)

TICKETS_SDL = """
extend type Query {
  tickets: [Ticket!]!
}

type Ticket @key(fields: "id") {
  id: ID!
  title: String
  assignee: User @provides(fields: "name manager { id name }")
  reporter: User
}

extend type User @key(fields: "id") {
  id: ID! @external
  name: String @external
  manager: User @external
  openTickets: Int
}
"""


def _copy(id_: str) -> dict[str, Any]:
    u = USERS[id_]
    m = u["manager"]
    return {
        "id": id_,
        "name": f"{u['name']} (tickets)",
        "manager": None if m is None else {"id": m, "name": f"{USERS[m]['name']} (tickets)"},
    }


TICKETS = [
    {"id": "t1", "title": "Printer", "assignee": "u1", "reporter": "u3"},
    {"id": "t2", "title": "VPN", "assignee": "u3", "reporter": "u1"},
]

tickets = Subgraph(
    "tickets",
    TICKETS_SDL,
    {
        "Query": {"tickets": lambda _r, _i: TICKETS},
        "Ticket": {
            "assignee": lambda t, _i: _copy(t["assignee"]),
            "reporter": lambda t, _i: {"id": t["reporter"]},
            "__resolve_reference": lambda rep, _i: next(
                (t for t in TICKETS if t["id"] == rep["id"]), None
            ),
        },
        "User": {
            "openTickets": lambda u, _i: sum(1 for t in TICKETS if t["assignee"] == u["id"]),
            "__resolve_reference": lambda rep, _i: {"id": rep["id"]},
        },
    },
)

SUBGRAPHS = [people, tickets]

QUERIES = [
    Query(
        "nested-provided-selection-no-entity-fetch",
        "{ tickets { id assignee { name manager { id name } } } }",
    ),
    Query(
        "beyond-the-provided-selection",
        "{ tickets { assignee { manager { name manager { name } home { city } } } } }",
    ),
    Query(
        "non-providing-path-names-from-owner",
        "{ tickets { reporter { name openTickets manager { name } } } }",
    ),
    Query(
        "both-paths-aliases-fragment",
        """
        {
          tickets {
            a: assignee { ...U boss: manager { ...U } }
            r: reporter { ...U boss: manager { ...U } }
          }
        }
        fragment U on User { __typename id name }
        """,
    ),
    Query(
        "owner-root-then-tickets-field",
        """
        query Q($id: ID!) { user(id: $id) { name openTickets manager { name openTickets } } }
        """,
        variables={"id": "u1"},
    ),
]
