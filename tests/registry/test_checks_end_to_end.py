"""Checks against real usage, end to end: a gateway serving from the registry reports what
its clients use, and the registry's check weighs a proposed change against it — online, and
offline from an exported snapshot as a CI job runs it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.registry.conftest import ADMIN
from tests.registry.test_cli import hansa
from tests.registry.test_delivery import (
    SDL,
    V2,
    demo_subgraph_urls,
    eventually,
    gateway_config,
    registry_process,
)
from tests.support.cli import first_answer, start_gateway
from tests.support.http import post_graphql

# Reviews without @provides on Review.author: the author's username then needs a fetch to
# accounts after the one to reviews.
NO_PROVIDES = (
    SDL["reviews"]
    .replace('author: User @provides(fields: "username")', "author: User")
    .replace("  username: String @external\n", "")
)
AUTHORS = "query Authors { latestReviews { author { username } } }"


def test_a_check_weighs_changes_against_what_clients_use(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/registry.db"
    with demo_subgraph_urls() as urls, registry_process(database) as (_, registry):
        for name, sdl in SDL.items():
            registry.publish(name, "v1", sdl, url=urls[name])
        key = registry.call("GET", "/signing-key").json()["public_key"]
        config = gateway_config(tmp_path, registry, key)
        config.write_text(config.read_text() + "\n[telemetry]\nusage_flush_secs = 0.3\n")
        gateway, url = start_gateway("--config", str(config))
        try:
            first_answer(url, "{ me { name } }")
            for _ in range(5):
                post_graphql(
                    url, "query Me { me { name } }", headers={"apollographql-client-name": "web"}
                )
                post_graphql(url, AUTHORS, headers={"apollographql-client-name": "web"})
            path = "/graphs/shop/variants/prod/usage?days=1"
            eventually(lambda: len(registry.call("GET", path).json()["reports"]) > 0)
        finally:
            gateway.terminate()
            gateway.communicate(timeout=10)

        def check(subgraph: str, sdl: str, **extra: object) -> dict[str, object]:
            body = {"subgraph": subgraph, "sdl": sdl, **extra}
            return registry.call("POST", "/graphs/shop/variants/prod/check", body).json()

        # birthYear: removed, but no client selected it in the window.
        unused = check("accounts", V2)
        removal = next(c for c in unused["changes"] if c["coordinate"] == "User.birthYear")
        assert removal["code"] == "FIELD_REMOVED"
        assert removal["severity"] == "dangerous" and "unused" in removal["downgraded"]
        assert unused["ok"] is True
        # name: removed, and the web client selects it.
        used = check("accounts", SDL["accounts"].replace("  name: String\n", ""))
        removal = next(c for c in used["changes"] if c["coordinate"] == "User.name")
        assert removal["severity"] == "breaking" and "web" in removal["message"]
        assert used["ok"] is False
        # Not counting web, one request (the gateway's first, without a client name) is left:
        # at most one use is "unused" with threshold 1.
        without_web = {"exclude_clients": ["web"]}
        removed_name = SDL["accounts"].replace("  name: String\n", "")
        assert check("accounts", removed_name, **without_web)["ok"] is False
        answer = check("accounts", removed_name, **without_web, threshold=1)
        assert answer["ok"] is True, answer
        # Dropping @provides adds a sequential fetch to the most-used Authors operation.
        slower = check("reviews", NO_PROVIDES)
        regression = slower["plan_regressions"][0]
        assert regression["operation_name"] == "Authors"
        assert (regression["old_fetches"], regression["new_fetches"]) == (1, 2)
        assert slower["ok"] is False
        # Nothing was recorded.
        history = registry.call("GET", "/graphs/shop/variants/prod/history").json()
        assert history["current"] == 3 and len(history["compositions"]) == 3

        # The same check offline, as CI runs it: usage exported once, no registry asked.
        snapshot = tmp_path / "usage.jsonl"
        exported = hansa(registry, "usage-export", "--graph", "shop", "-o", str(snapshot))
        assert exported.returncode == 0, exported.stderr
        base = tmp_path / "supergraph.graphql"
        assert hansa(registry, "supergraph", "--graph", "shop", "-o", str(base)).returncode == 0
    for name, sdl in SDL.items():
        (tmp_path / f"{name}.graphql").write_text(sdl)
    (tmp_path / "supergraph.yaml").write_text(
        "subgraphs:\n"
        + "".join(
            f"  {n}:\n    routing_url: {urls[n]}\n    schema:\n      file: ./{n}.graphql\n"
            for n in SDL
        )
    )
    (tmp_path / "reviews-v2.graphql").write_text(NO_PROVIDES)
    offline = [
        "check",
        "--graph",
        "shop",
        "--subgraph",
        "reviews",
        "--schema",
        str(tmp_path / "reviews-v2.graphql"),
        "--base",
        str(base),
        "--subgraphs",
        str(tmp_path / "supergraph.yaml"),
        "--usage-snapshot",
        str(snapshot),
    ]
    failed = hansa(None, *offline, "--json", token=None)
    assert failed.returncode == 1, failed.stderr
    assert json.loads(failed.stdout)["plan_regressions"][0]["operation_name"] == "Authors"
    warned = hansa(None, *offline, "--plan-regression", "warn", token=None)
    assert warned.returncode == 0, warned.stdout + warned.stderr
    assert "plan regression Authors" in warned.stdout and "check passed" in warned.stdout
    (tmp_path / "accounts-v2.graphql").write_text(V2)
    unused = hansa(
        None,
        "check",
        "--graph",
        "shop",
        "--subgraph",
        "accounts",
        "--schema",
        str(tmp_path / "accounts-v2.graphql"),
        "--base",
        str(base),
        "--subgraphs",
        str(tmp_path / "supergraph.yaml"),
        "--usage-snapshot",
        str(snapshot),
        token=None,
    )
    assert unused.returncode == 0, unused.stdout
    assert "dangerous FIELD_REMOVED User.birthYear" in unused.stdout
    assert ADMIN not in unused.stdout
