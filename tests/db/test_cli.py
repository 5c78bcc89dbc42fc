"""``hansa db sdl|serve`` and a gateway hosting a database subgraph from ``hansa.toml``, as a
user runs them: real processes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from tests.support.cli import first_answer, start_gateway
from tests.support.http import free_port, post_graphql

ROOT = Path(__file__).resolve().parents[2]


def databases(tmp_path: Path) -> str:
    with closing(sqlite3.connect(tmp_path / "shop.db")) as db, db:
        db.execute("CREATE TABLE product (sku TEXT PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO product VALUES ('a', 'anvil')")
    with closing(sqlite3.connect(tmp_path / "stock.db")) as db, db:
        db.execute(
            "CREATE TABLE stock (id INTEGER PRIMARY KEY, sku TEXT, origin TEXT, quantity INTEGER,"
            " updated_at TIMESTAMP)"
        )
        db.execute("INSERT INTO stock VALUES (1, 'a', 'store', 4, '2026-12-01 10:00:00')")
    return (
        f'[databases.shop]\ntype = "sqlite"\nurl = "sqlite:///{tmp_path}/shop.db"\n'
        f'[databases.stock]\ntype = "sqlite"\nurl = "sqlite:///{tmp_path}/stock.db"\n'
    )


def hansa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hansa.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_sdl_and_serve(tmp_path: Path) -> None:
    sdl = hansa("db", "sdl", "tests.db.consistency_app")
    assert sdl.returncode == 0, sdl.stderr
    assert 'type Product @key(fields: "sku")' in sdl.stdout
    config = tmp_path / "hansa.toml"
    config.write_text(databases(tmp_path))
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hansa.cli",
            "db",
            "serve",
            "tests.db.consistency_app",
            "--config",
            str(config),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        answer = first_answer(url, "{ products { name newest { quantity } } }")
        assert answer == {"data": {"products": [{"name": "anvil", "newest": {"quantity": 4}}]}}
        service = post_graphql(url, "{ _service { sdl } }").json()["data"]["_service"]["sdl"]
        assert service == sdl.stdout
    finally:
        process.terminate()
        process.communicate(timeout=10)


def test_serve_refuses_a_missing_database_with_its_reason(tmp_path: Path) -> None:
    config = tmp_path / "hansa.toml"
    config.write_text('[databases.shop]\ntype = "sqlite"\nurl = "sqlite:///x.db"\n')
    done = hansa("db", "serve", "tests.db.consistency_app", "--config", str(config))
    assert done.returncode == 1
    assert "DATABASE_NOT_CONFIGURED" in done.stderr and "stock" in done.stderr
    wrong = hansa("db", "sdl", "tests.db.no_such_module")
    assert wrong.returncode == 1 and "cannot build a subgraph" in wrong.stderr


def test_a_gateway_hosts_the_subgraph_in_its_process(tmp_path: Path) -> None:
    (tmp_path / "shop.graphql").write_text(hansa("db", "sdl", "tests.db.consistency_app").stdout)
    (tmp_path / "supergraph.yaml").write_text(
        "subgraphs:\n  shop:\n    routing_url: http://127.0.0.1:1/unused\n"
        "    schema:\n      file: ./shop.graphql\n"
    )
    composed = hansa(
        "compose",
        "--config",
        str(tmp_path / "supergraph.yaml"),
        "-o",
        str(tmp_path / "supergraph.graphql"),
    )
    assert composed.returncode == 0, composed.stderr
    config = tmp_path / "hansa.toml"
    config.write_text(
        '[gateway]\nsupergraph = "supergraph.graphql"\n'
        '[subgraphs.shop]\nmodule = "tests.db.consistency_app"\n' + databases(tmp_path)
    )
    gateway, url = start_gateway("--config", str(config), cwd=ROOT)
    try:
        answer = first_answer(url, "{ products { sku chosen { origin } } }")
        assert answer == {"data": {"products": [{"sku": "a", "chosen": {"origin": "store"}}]}}
    finally:
        gateway.terminate()
        gateway.communicate(timeout=10)
