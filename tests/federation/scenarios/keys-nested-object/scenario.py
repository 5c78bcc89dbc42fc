"""A key that selects into a nested object: ``Project @key(fields: "id owner { id }")``.

Project ids are only unique per owner (``alice/tools`` and ``bob/tools``), so the key is the
project id plus the owner's id, and representations carry a nested object:
``{"__typename": "Project", "id": "tools", "owner": {"id": "alice"}}``. Both directions are
exercised: ``projects`` -> ``ci`` (the gateway builds the nested representation from data it
fetched, including fields the client did not select) and ``ci`` -> ``projects`` (builds list the
same project many times, so any deduplication must compare the nested object, not just ``id``).
``Account`` is itself an entity owned by ``projects``; ``ci`` only has a stub of it.
"""

from typing import Any

from tests.federation.harness import Query

from hansa.subgraph import Subgraph

ACCOUNTS = {"alice": {"id": "alice", "login": "@alice"}, "bob": {"id": "bob", "login": "@bob"}}
PROJECTS: list[dict[str, Any]] = [
    {"id": "tools", "owner": "alice", "name": "Alice's tools", "stars": 10},
    {"id": "tools", "owner": "bob", "name": "Bob's tools", "stars": 3},
    {"id": "site", "owner": "alice", "name": "Alice's site", "stars": 7},
]
PROJECT_BY_KEY = {(p["id"], p["owner"]): p for p in PROJECTS}


def _project_out(p: dict[str, Any]) -> dict[str, Any]:
    return {**p, "owner": ACCOUNTS[p["owner"]]}


projects = Subgraph(
    "projects",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      projects: [Project!]!
      projectsOf(owner: ID!): [Project!]!
    }

    type Account @key(fields: "id") {
      id: ID!
      login: String!
    }

    type Project @key(fields: "id owner { id }") {
      id: ID!
      owner: Account!
      name: String!
      stars: Int!
    }
    """,
)


@projects.field("Query", "projects")
def _projects(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return [_project_out(p) for p in PROJECTS]


@projects.field("Query", "projectsOf")
def _projects_of(_root: Any, _info: Any, owner: str) -> list[dict[str, Any]]:
    return [_project_out(p) for p in PROJECTS if p["owner"] == owner]


@projects.reference("Project")
def _resolve_project(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    found = PROJECT_BY_KEY.get((rep["id"], rep["owner"]["id"]))
    return _project_out(found) if found else None


@projects.reference("Account")
def _resolve_account(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
    return ACCOUNTS.get(rep["id"])


BUILDS: list[dict[str, Any]] = [
    {"number": 101, "status": "passed", "project": ("tools", "alice")},
    {"number": 102, "status": "failed", "project": ("tools", "bob")},
    {"number": 103, "status": "passed", "project": ("tools", "alice")},
    {"number": 104, "status": "passed", "project": ("site", "alice")},
    {"number": 105, "status": "failed", "project": ("tools", "alice")},
]

ci = Subgraph(
    "ci",
    """
    extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

    type Query {
      recentBuilds: [Build!]!
    }

    type Build {
      number: Int!
      status: String!
      project: Project!
    }

    type Account @key(fields: "id", resolvable: false) {
      id: ID!
    }

    type Project @key(fields: "id owner { id }") {
      id: ID!
      owner: Account!
      builds: [Build!]!
      lastStatus: String
    }
    """,
)


def _project_ref(key: tuple[str, str]) -> dict[str, Any]:
    return {"id": key[0], "owner": {"id": key[1]}}


@ci.field("Query", "recentBuilds")
def _recent_builds(_root: Any, _info: Any) -> list[dict[str, Any]]:
    return BUILDS


@ci.field("Build", "project")
def _build_project(build: dict[str, Any], _info: Any) -> dict[str, Any]:
    return _project_ref(build["project"])


def _builds_of(project: dict[str, Any]) -> list[dict[str, Any]]:
    key = (project["id"], project["owner"]["id"])
    return [b for b in BUILDS if b["project"] == key]


@ci.field("Project", "builds")
def _project_builds(project: dict[str, Any], _info: Any) -> list[dict[str, Any]]:
    return _builds_of(project)


@ci.field("Project", "lastStatus")
def _last_status(project: dict[str, Any], _info: Any) -> str | None:
    builds = _builds_of(project)
    return builds[-1]["status"] if builds else None


@ci.reference("Project")
def _resolve_ci_project(rep: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {"id": rep["id"], "owner": {"id": rep["owner"]["id"]}}


SUBGRAPHS = [projects, ci]

QUERIES = [
    Query(
        "projects-to-ci-with-nested-key",
        "{ projects { id name lastStatus builds { number status } } }",
    ),
    Query(
        "builds-to-projects-dedup-by-nested-key",
        "{ recentBuilds { number project { id owner { id login } name stars } } }",
    ),
    Query(
        "owner-not-selected-by-client",
        """
        query Of($owner: ID!) {
          projectsOf(owner: $owner) { __typename name latest: lastStatus }
        }
        """,
        variables={"owner": "alice"},
    ),
    Query(
        "fragments-and-aliases-across-both",
        """
        {
          recentBuilds {
            n: number
            project { ...P builds { number } }
          }
        }
        fragment P on Project { __typename key: id by: owner { __typename login } name }
        """,
    ),
]
