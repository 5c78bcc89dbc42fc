"""A @shareable root field returning a value type that each subgraph defines differently.

``flags`` and ``theme`` both declare ``Query.config: Config`` and the non-entity ``Config``
``@shareable``. Both define ``region`` and ``version`` (with the same data, as sharing requires)
and a nested shareable value ``limits``; ``featureFlags`` exists only in ``flags`` and
``colorScheme`` only in ``theme``. Composition accepts differing value-type fields (a hint, not
an error), so:

- shared fields alone: one fetch to either subgraph;
- a field only one subgraph has: the fetch must go there;
- fields from both: ``Config`` has no key, so the planner cannot jump between subgraphs below
  ``config``; it must fetch the root field from both subgraphs and merge the two results;
- ``@include`` with a variable, aliases, fragments and ``__typename`` on the shared type.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

SHARED: dict[str, Any] = {
    "region": "eu-west",
    "version": "7.2",
    "limits": {"maxUsers": 50, "maxProjects": 10},
}

FLAGS_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])

type Query {
  config: Config @shareable
  flagCount: Int
}

type Config @shareable {
  region: String
  version: String
  limits: Limits
  featureFlags: [String!]!
}

type Limits @shareable {
  maxUsers: Int
  maxProjects: Int
}
"""

FLAG_LIST = ["dark-launch", "new-billing", "beta-search"]

flags = Subgraph(
    "flags",
    FLAGS_SDL,
    {
        "Query": {
            "config": lambda _root, _info: {**SHARED, "featureFlags": FLAG_LIST},
            "flagCount": lambda _root, _info: len(FLAG_LIST),
        },
    },
)

THEME_SDL = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@shareable"])

type Query {
  config: Config @shareable
}

type Config @shareable {
  region: String
  version: String
  limits: Limits
  colorScheme: String
}

type Limits @shareable {
  maxUsers: Int
  maxProjects: Int
}
"""

theme = Subgraph(
    "theme",
    THEME_SDL,
    {"Query": {"config": lambda _root, _info: {**SHARED, "colorScheme": "solarized"}}},
)

SUBGRAPHS = [flags, theme]

QUERIES = [
    Query(
        "shared-fields-single-fetch",
        "{ config { region version limits { maxUsers maxProjects } } }",
    ),
    Query(
        "field-only-in-flags",
        "{ config { region featureFlags } flagCount }",
    ),
    Query(
        "field-only-in-theme",
        "{ config { __typename version colorScheme } }",
    ),
    Query(
        "fields-from-both-subgraphs",
        "{ config { region featureFlags colorScheme limits { maxUsers } } }",
    ),
    Query(
        "include-variable-aliases-fragments",
        """
        query Settings($withTheme: Boolean!) {
          settings: config {
            __typename
            where: region
            ...Flags
            ... on Config @include(if: $withTheme) { scheme: colorScheme }
          }
          again: config { version }
        }
        fragment Flags on Config { flags: featureFlags limits { __typename maxProjects } }
        """,
        variables={"withTheme": True},
    ),
]
