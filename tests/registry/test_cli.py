"""``hansa registry ...`` as a CI job runs it: real processes against a real registry; every
refusal exits non-zero with the registry's reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hansa.demo import SUBGRAPHS
from tests.registry.conftest import ADMIN, Client
from tests.registry.test_delivery import V2, registry_process

SDL = {sg.name: sg.sdl for sg in SUBGRAPHS}


def hansa(
    registry: Client | None, *args: str, token: str | None = ADMIN
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HANSA_REGISTRY")}
    if registry is not None:
        env["HANSA_REGISTRY_URL"] = registry.url
    if token is not None:
        env["HANSA_REGISTRY_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "hansa.cli", "registry", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def write_schemas(tmp_path: Path) -> dict[str, Path]:
    files = {}
    for name, sdl in SDL.items():
        files[name] = tmp_path / f"{name}.graphql"
        files[name].write_text(sdl)
    return files


def publish_files(registry: Client, files: dict[str, Path], url: str = "http://127.0.0.1:1") -> str:
    """``hansa registry publish`` of each schema file as version v1; the last one's output."""
    for name, path in files.items():
        done = hansa(
            registry,
            "publish",
            "--graph",
            "shop",
            "--subgraph",
            name,
            "--version",
            "v1",
            "--url",
            f"{url}/{name}",
            "--schema",
            str(path),
        )
        assert done.returncode == 0, done.stderr
    return done.stdout


def test_publish_history_diff_rollback_from_the_command_line(tmp_path: Path) -> None:
    files = write_schemas(tmp_path)
    with registry_process(f"sqlite:///{tmp_path}/r.db") as (_, registry):
        assert "composition #3" in publish_files(registry, files)
        (tmp_path / "v2.graphql").write_text(V2)
        done = hansa(
            registry,
            "publish",
            "--graph",
            "shop",
            "--subgraph",
            "accounts",
            "--version",
            "v2",
            "--url",
            "http://127.0.0.1:1/accounts",
            "--schema",
            str(tmp_path / "v2.graphql"),
        )
        assert done.returncode == 0, done.stderr
        history = hansa(registry, "history", "--graph", "shop", "--json")
        assert [c["number"] for c in json.loads(history.stdout)["compositions"]] == [4, 3, 2, 1]
        text = hansa(registry, "history", "--graph", "shop").stdout.splitlines()
        assert text[0].startswith("* #4") and "publish accounts@v2" in text[0]
        diff = hansa(registry, "diff", "--graph", "shop")
        assert diff.returncode == 0
        assert "breaking FIELD_REMOVED User.birthYear" in diff.stdout
        assert "-  birthYear: Int" in diff.stdout
        versions = hansa(registry, "history", "--graph", "shop", "--subgraph", "accounts").stdout
        assert versions.splitlines()[0].startswith("v2")
        rolled = hansa(registry, "rollback", "--graph", "shop", "--to", "3")
        assert "serves composition #5 (a copy of #3)" in rolled.stdout
        sdl = hansa(registry, "supergraph", "--graph", "shop").stdout
        assert "birthYear" in sdl
        promoted = hansa(
            registry, "promote", "--graph", "shop", "--from", "prod", "--to", "staging"
        )
        assert promoted.returncode == 0 and "staging serves composition #1" in promoted.stdout


def test_refusals_exit_non_zero_with_the_reason(tmp_path: Path) -> None:
    files = write_schemas(tmp_path)
    with registry_process(f"sqlite:///{tmp_path}/r.db") as (_, registry):
        publish_files(registry, files, "http://x")
        clash = tmp_path / "clash.graphql"
        clash.write_text(
            SDL["accounts"] + '\ntype Product @key(fields: "upc") { upc: String! name: String }\n'
        )
        refused = hansa(
            registry,
            "publish",
            "--graph",
            "shop",
            "--subgraph",
            "accounts",
            "--version",
            "v3",
            "--url",
            "http://x",
            "--schema",
            str(clash),
        )
        assert refused.returncode == 1
        assert "error INVALID_FIELD_SHARING" in refused.stderr
        assert "COMPOSITION_FAILED" in refused.stderr
        no_token = hansa(registry, "history", "--graph", "shop", token=None)
        assert no_token.returncode == 1 and "UNAUTHENTICATED" in no_token.stderr
        wrong = hansa(registry, "history", "--graph", "shop", token="wrong")
        assert wrong.returncode == 1 and "unknown or revoked token" in wrong.stderr
        missing = hansa(registry, "rollback", "--graph", "shop", "--to", "42")
        assert missing.returncode == 1 and "NOT_FOUND" in missing.stderr
    down = hansa(Client("http://127.0.0.1:9"), "history", "--graph", "shop")
    assert down.returncode == 1 and "cannot reach the registry" in down.stderr


def test_tokens_from_the_command_line(tmp_path: Path) -> None:
    with registry_process(f"sqlite:///{tmp_path}/r.db") as (_, registry):
        made = hansa(registry, "token", "create", "ci", "--role", "publish", "--graph", "shop")
        assert made.returncode == 0
        secret = made.stdout.strip()
        listing = hansa(registry, "token", "list").stdout
        assert "ci" in listing and "publish" in listing and secret not in listing
        schema = tmp_path / "a.graphql"
        schema.write_text(SDL["accounts"])
        published = hansa(
            registry,
            "publish",
            "--graph",
            "shop",
            "--subgraph",
            "accounts",
            "--version",
            "1",
            "--url",
            "http://x",
            "--schema",
            str(schema),
            token=secret,
        )
        assert published.returncode == 0, published.stderr
        forbidden = hansa(registry, "token", "list", token=secret)
        assert forbidden.returncode == 1 and "FORBIDDEN" in forbidden.stderr
        assert hansa(registry, "token", "revoke", "ci").returncode == 0
        assert hansa(registry, "history", "--graph", "shop", token=secret).returncode == 1


def test_the_first_admin_token_is_printed_once(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/r.db"
    outputs = []
    for _ in range(2):
        with registry_process(database, admin_token=None) as (process, _):
            process.terminate()
            outputs.append(process.communicate(timeout=10)[0])
    assert "the admin token is hansa_" in outputs[0]
    assert "admin token" not in outputs[1]
    secret = outputs[0].split("the admin token is ")[1].split()[0]
    assert secret.startswith("hansa_") and len(secret) > 40
