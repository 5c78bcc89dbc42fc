"""A composite key: ``User @key(fields: "id organization")``.

User ids are only unique within an organization: ``("1", "acme")`` and ``("1", "globex")`` are
different people. Both subgraphs key ``User`` on both fields, so every representation carries
``id`` *and* ``organization`` and the reference resolvers look users up by the pair. The lists
mention the same user several times (and two users sharing an ``id``), so deduplicating
representations by ``id`` alone would give wrong answers, while deduplicating by the whole key
is fine. One invoice points at a user ``accounts`` does not know: its entity comes back null,
leaving only the key fields billing already had.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

USERS: list[dict[str, Any]] = [
    {"id": "1", "organization": "acme", "name": "Ada"},
    {"id": "2", "organization": "acme", "name": "Brian"},
    {"id": "1", "organization": "globex", "name": "Grace"},
]
USER_BY_KEY = {(u["id"], u["organization"]): u for u in USERS}

accounts = Subgraph(
    "accounts",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      users: [User!]!
      usersIn(organization: String!): [User!]!
    }

    type User @key(fields: "id organization") {
      id: ID!
      organization: String!
      name: String
    }
    """,
)


@accounts.field("Query", "users")
def _users(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return USERS


@accounts.field("Query", "usersIn")
def _users_in(_root: Any, _info: Any, organization: str) -> list[dict[str, Any]]:
    return [u for u in USERS if u["organization"] == organization]


@accounts.reference("User")
def _resolve_user(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return USER_BY_KEY.get((rep["id"], rep["organization"]))


PLANS = {("1", "acme"): "gold", ("2", "acme"): "free", ("1", "globex"): "silver"}
INVOICES: list[dict[str, Any]] = [
    {"number": "INV-1", "amount": 120, "customer": ("1", "acme")},
    {"number": "INV-2", "amount": 80, "customer": ("1", "globex")},
    {"number": "INV-3", "amount": 45, "customer": ("1", "acme")},
    {"number": "INV-4", "amount": 300, "customer": ("2", "acme")},
    {"number": "INV-5", "amount": 10, "customer": ("9", "initech")},
    {"number": "INV-6", "amount": 99, "customer": ("1", "globex")},
]

billing = Subgraph(
    "billing",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      invoices: [Invoice!]!
    }

    type Invoice {
      number: String!
      amount: Int!
      customer: User!
    }

    type User @key(fields: "id organization") {
      id: ID!
      organization: String!
      plan: String
      invoices: [Invoice!]!
    }
    """,
)


@billing.field("Query", "invoices")
def _invoices(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return INVOICES


@billing.field("Invoice", "customer")
def _customer(invoice: dict[str, Any], _info: Any) -> dict[str, Any]:
    id_, org = invoice["customer"]
    return {"id": id_, "organization": org}


@billing.field("User", "plan")
def _plan(user: dict[str, Any], _info: Any) -> str | None:
    return PLANS.get((user["id"], user["organization"]))


@billing.field("User", "invoices")
def _user_invoices(user: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    key = (user["id"], user["organization"])
    return [i for i in INVOICES if i["customer"] == key]


@billing.reference("User")
def _resolve_billing_user(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": rep["id"], "organization": rep["organization"]}


SUBGRAPHS = [accounts, billing]

QUERIES = [
    Query(
        "same-id-different-organizations",
        "{ invoices { number amount customer { id organization name } } }",
    ),
    Query(
        "accounts-to-billing-with-both-key-fields",
        "{ users { id organization name plan invoices { number } } }",
    ),
    Query(
        "variables-and-fragments",
        """
        query InOrg($org: String!) {
          usersIn(organization: $org) { ...Who tier: plan }
        }
        fragment Who on User { __typename name org: organization }
        """,
        variables={"org": "acme"},
    ),
    Query(
        "round-trip-back-to-owner",
        """
        {
          invoices {
            number
            customer { __typename name invoices { number customer { id organization name } } }
          }
        }
        """,
    ),
]
