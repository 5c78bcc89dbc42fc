"""Entity interfaces (Fed 2.3): ``@key`` on an interface, two keys, implementations each keyed.

``accounts`` owns ``interface Account @key(fields: "id") @key(fields: "email")`` and its
implementations ``User`` and ``Org``, each carrying both keys. ``billing`` adds ``plan`` through
``type Account @key(fields: "email") @interfaceObject`` (only the *second* key). ``audit``
declares the interface with just the ``id`` key and key-only implementations, and returns
``Event.actor: Account``. So:

- from ``accounts``' root, ``plan`` needs the ``email`` key in the representation sent to
  ``billing`` (typed ``Account``);
- from ``billing``'s root, the concrete type and implementation fields come from an
  ``_entities`` call to ``accounts`` on the interface, keyed by ``email``;
- from ``audit``'s root, actors (concrete types known to ``audit``) go to ``accounts`` by ``id``
  and then to ``billing`` by ``email``: a key chain;
- aliases, a fragment on the interface and a variable.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

ACCOUNTS: dict[str, dict[str, Any]] = {
    "u1": {"__typename": "User", "id": "u1", "email": "ada@example.com", "username": "ada"},
    "o1": {"__typename": "Org", "id": "o1", "email": "ops@acme.test", "memberCount": 42},
    "u2": {"__typename": "User", "id": "u2", "email": "alan@example.com", "username": "alan"},
}
BY_EMAIL = {a["email"]: a for a in ACCOUNTS.values()}

ACCOUNTS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  accounts: [Account!]!
  account(id: ID!): Account
}

interface Account @key(fields: "id") @key(fields: "email") {
  id: ID!
  email: String!
}

type User implements Account @key(fields: "id") @key(fields: "email") {
  id: ID!
  email: String!
  username: String
}

type Org implements Account @key(fields: "id") @key(fields: "email") {
  id: ID!
  email: String!
  memberCount: Int
}
"""


def _account(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    if "id" in rep:
        return ACCOUNTS.get(rep["id"])
    return BY_EMAIL.get(rep["email"])


accounts = Subgraph(
    "accounts",
    ACCOUNTS_SDL,
    {
        "Query": {
            "accounts": lambda _root, _info: list(ACCOUNTS.values()),
            "account": lambda _root, _info, id: ACCOUNTS.get(id),
        },
        "Account": {"__resolve_reference": _account},
        "User": {"__resolve_reference": _account},
        "Org": {"__resolve_reference": _account},
    },
)

PLANS = {"ada@example.com": "pro", "ops@acme.test": "enterprise", "alan@example.com": "pro"}

BILLING_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@interfaceObject"])

type Query {
  accountsOnPlan(plan: String!): [Account!]!
}

type Account @key(fields: "email") @interfaceObject {
  email: String!
  plan: String
}
"""

billing = Subgraph(
    "billing",
    BILLING_SDL,
    {
        "Query": {
            "accountsOnPlan": lambda _root, _info, plan: [
                {"email": e, "plan": p} for e, p in PLANS.items() if p == plan
            ],
        },
        "Account": {
            "__resolve_reference": lambda rep, _info: (
                {"email": rep["email"], "plan": PLANS[rep["email"]]}
                if rep["email"] in PLANS
                else None
            ),
        },
    },
)

EVENTS = [
    {"what": "login", "actor": "u2"},
    {"what": "invoice", "actor": "o1"},
    {"what": "logout", "actor": "u1"},
]

AUDIT_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

type Query {
  events: [Event!]!
}

type Event {
  what: String
  actor: Account
}

interface Account @key(fields: "id") {
  id: ID!
}

type User implements Account @key(fields: "id") {
  id: ID!
}

type Org implements Account @key(fields: "id") {
  id: ID!
}
"""


def _stub(id: str) -> dict[str, Any] | None:
    """``audit`` knows each actor's concrete type from its id, nothing more."""
    typename = {"u": "User", "o": "Org"}.get(id[:1])
    return {"__typename": typename, "id": id} if typename else None


audit = Subgraph(
    "audit",
    AUDIT_SDL,
    {
        "Query": {"events": lambda _root, _info: EVENTS},
        "Event": {"actor": lambda event, _info: _stub(event["actor"])},
        "Account": {"__resolve_reference": lambda rep, _info: _stub(rep["id"])},
    },
)

SUBGRAPHS = [accounts, billing, audit]

QUERIES = [
    Query(
        "owner-root-needs-second-key-for-interface-object",
        "{ accounts { __typename id plan } }",
    ),
    Query(
        "interface-object-root-resolves-types-by-second-key",
        """
        query OnPlan($plan: String!) {
          accountsOnPlan(plan: $plan) {
            __typename
            email
            plan
            ... on User { username }
            ... on Org { memberCount }
          }
        }
        """,
        variables={"plan": "pro"},
    ),
    Query(
        "key-chain-from-third-subgraph",
        "{ events { what actor { __typename id email plan ... on User { username } } } }",
    ),
    Query(
        "aliases-and-interface-fragment",
        """
        {
          one: account(id: "u1") { ...Billing }
          two: account(id: "o1") { ...Billing }
        }
        fragment Billing on Account { id mail: email plan ... on Org { memberCount } }
        """,
    ),
    Query(
        "interface-object-root-with-interface-fields-only",
        '{ accountsOnPlan(plan: "pro") { plan email } }',
    ),
]
