"""@inaccessible fields, types and enum values alongside subgraph errors.

``accounts`` owns ``Account @key(fields: "id")`` with an ``@inaccessible`` ``internalScore``
(whose resolver fails for every account) and ``tier: Tier`` where the enum value ``Tier.STAFF``
is ``@inaccessible``; an ``@inaccessible`` type ``AuditLog`` hangs off an inaccessible field.
``billing`` computes ``creditLimit @requires(fields: "internalScore")`` and ``status`` with its own
errors. So:

- the requirement fails in ``accounts`` with an error whose path is the inaccessible field:
  that error must not reach the client (the client never selected it), while ``creditLimit``,
  computed without the score, shows what ``billing`` received;
- an account whose ``tier`` is ``STAFF``: the value is not part of the API schema, so its
  completion is an error at that path (``tier`` is nullable, the object stays);
- a ``billing`` field error with a code at a path through an entity jump, next to the
  inaccessible requirement's error, under aliases;
- the client cannot select the inaccessible fields at all (validation error).
"""

from typing import Any

from graphql import GraphQLError
from tests.federation.harness import Query

from hansa.subgraph import Subgraph

ACCOUNTS: dict[str, dict[str, Any]] = {
    "a1": {"id": "a1", "name": "Ada", "tier": "GOLD"},
    "a2": {"id": "a2", "name": "Brian", "tier": "STAFF"},
    "a3": {"id": "a3", "name": "Cleo", "tier": "BASIC"},
}

ACCOUNTS_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])

type Query {
  accounts: [Account!]!
  account(id: ID!): Account
}

enum Tier {
  BASIC
  GOLD
  STAFF @inaccessible
}

type AuditLog @inaccessible {
  entries: [String]
}

type Account @key(fields: "id") {
  id: ID!
  name: String
  tier: Tier
  internalScore: Int @inaccessible
  audit: AuditLog @inaccessible
}
"""


def _score(account: dict[str, Any], _info: Any) -> int:
    raise GraphQLError(
        f"Scoring service refused {account['id']}.", extensions={"code": "SCORE_DENIED"}
    )


accounts = Subgraph(
    "accounts",
    ACCOUNTS_SDL,
    {
        "Query": {
            "accounts": lambda _root, _info: list(ACCOUNTS.values()),
            "account": lambda _root, _info, id: ACCOUNTS.get(id),
        },
        "Account": {
            "internalScore": _score,
            "audit": lambda _a, _info: {"entries": ["secret"]},
            "__resolve_reference": lambda rep, _info: ACCOUNTS.get(rep["id"]),
        },
    },
)

BILLING_SDL = """
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.3",
        import: ["@key", "@external", "@requires", "@inaccessible"])

type Query {
  overdue: [Account]
}

type Account @key(fields: "id") {
  id: ID!
  internalScore: Int @external
  creditLimit: String @requires(fields: "internalScore")
  status: String
}
"""


def _limit(account: dict[str, Any], _info: Any) -> str:
    score = account.get("internalScore", "absent")
    return f"limit from score {score}"


def _status(account: dict[str, Any], _info: Any) -> str:
    if account["id"] == "a3":
        raise GraphQLError("Ledger locked for a3.", extensions={"code": "LEDGER_LOCKED"})
    return "current"


billing = Subgraph(
    "billing",
    BILLING_SDL,
    {
        "Query": {"overdue": lambda _root, _info: [{"id": "a3"}, {"id": "a1"}]},
        "Account": {
            "creditLimit": _limit,
            "status": _status,
            "__resolve_reference": lambda rep, _info: dict(rep),
        },
    },
)

SUBGRAPHS = [accounts, billing]

QUERIES = [
    Query(
        "requirement-error-on-inaccessible-field-does-not-leak",
        "{ accounts { id creditLimit } }",
    ),
    Query(
        "inaccessible-enum-value-is-a-completion-error",
        "{ accounts { id name tier } }",
    ),
    Query(
        "subgraph-error-beside-inaccessible-requirement",
        """
        {
          overdue {
            who: name
            limit: creditLimit
            state: status
          }
        }
        """,
    ),
    Query(
        "single-account-with-variables",
        """
        query One($id: ID!) {
          account(id: $id) { id tier status creditLimit }
        }
        """,
        variables={"id": "a2"},
    ),
    Query(
        "selecting-inaccessible-field-is-invalid",
        "{ accounts { id internalScore } }",
    ),
    Query(
        "selecting-field-of-inaccessible-type-is-invalid",
        "{ accounts { id audit { entries } } }",
    ),
]
