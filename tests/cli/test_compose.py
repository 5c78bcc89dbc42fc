"""``hansa compose`` and ``hansa gateway --subgraphs [--watch]``, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hansa.demo import SUBGRAPHS, accounts, products, reviews
from hansa.http.serve import serving
from tests.cli.test_cli import DEMO_SUPERGRAPH
from tests.composition.canonical import differences
from tests.support.cli import first_answer, start_gateway

DEMO_URLS = {"accounts": 4001, "products": 4002, "reviews": 4003}


def _hansa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "hansa.cli", *args], capture_output=True, text=True, timeout=120
    )


def _file_config(tmp_path: Path, sdls: dict[str, str], suffix: str = ".yaml") -> Path:
    for name, sdl in sdls.items():
        (tmp_path / f"{name}.graphql").write_text(sdl)
    if suffix == ".toml":
        text = "".join(
            f'[subgraphs.{name}]\nrouting_url = "http://127.0.0.1:{DEMO_URLS.get(name, 4999)}/graphql"\n'
            f'schema = {{ file = "{name}.graphql" }}\n'
            for name in sdls
        )
    else:
        text = "federation_version: =2.3.2\nsubgraphs:\n" + "".join(
            f"  {name}:\n    routing_url: http://127.0.0.1:{DEMO_URLS.get(name, 4999)}/graphql\n"
            f"    schema:\n      file: ./{name}.graphql\n"
            for name in sdls
        )
    config = tmp_path / f"supergraph{suffix}"
    config.write_text(text)
    return config


@pytest.mark.parametrize("suffix", [".yaml", ".toml"])
def test_compose_files_like_apollo(tmp_path: Path, suffix: str) -> None:
    config = _file_config(tmp_path, {sg.name: sg.sdl for sg in SUBGRAPHS}, suffix)
    out = tmp_path / "supergraph.graphql"
    done = _hansa("compose", "--config", str(config), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert differences(DEMO_SUPERGRAPH.read_text(), out.read_text()) == []


def test_compose_reads_running_subgraphs(tmp_path: Path) -> None:
    with serving(*(sg.asgi_app() for sg in SUBGRAPHS)) as urls:
        config = tmp_path / "supergraph.yaml"
        config.write_text(
            "subgraphs:\n"
            + "".join(
                f"  {sg.name}:\n    routing_url: http://127.0.0.1:{DEMO_URLS[sg.name]}/graphql\n"
                f"    schema:\n      subgraph_url: {url}/graphql\n"
                for sg, url in zip(SUBGRAPHS, urls, strict=True)
            )
        )
        done = _hansa("compose", "--config", str(config))
    assert done.returncode == 0, done.stderr
    assert differences(DEMO_SUPERGRAPH.read_text(), done.stdout) == []


def test_compose_reports_errors_with_locations(tmp_path: Path) -> None:
    clash = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])\n'
        'type Product @key(fields: "upc") {\n  upc: String!\n  name: String\n}\n'
    )
    config = _file_config(tmp_path, {"products": products.sdl, "clash": clash})
    done = _hansa("compose", "--config", str(config))
    assert done.returncode == 1
    assert "INVALID_FIELD_SHARING" in done.stderr
    assert "Product.name" in done.stderr
    assert f"{tmp_path / 'clash.graphql'}:4:3" in done.stderr
    assert "Traceback" not in done.stderr


def test_compose_reports_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "supergraph.yaml"
    config.write_text("subgraphs:\n  a:\n    schema:\n      graphref: mygraph@current\n")
    done = _hansa("compose", "--config", str(config))
    assert done.returncode == 1
    assert "graphref needs Apollo GraphOS" in done.stderr


@pytest.fixture
def demo_subgraphs() -> Iterator[list[str]]:
    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as urls:
        yield urls


def _start_gateway(config: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    return start_gateway("--subgraphs", str(config), *extra)


def _query(url: str, query: str) -> dict[str, object]:
    return dict(first_answer(url, query))


def test_gateway_composes_at_start_and_recomposes_on_change(
    tmp_path: Path, demo_subgraphs: list[str]
) -> None:
    sdls = {sg.name: sg.sdl for sg in SUBGRAPHS}
    config = _file_config(tmp_path, sdls)
    overrides = [
        f"--subgraph-url={name}={url}/graphql"
        for name, url in zip(("accounts", "products", "reviews"), demo_subgraphs, strict=True)
    ]
    process, url = _start_gateway(config, "--watch", *overrides)
    try:
        assert _query(url, "{ me { name } }") == {"data": {"me": {"name": "Ada Lovelace"}}}
        before = _query(url, "{ me { birthYear } }")
        assert before == {"data": {"me": {"birthYear": 1815}}}
        # Remove birthYear from the accounts schema: after recomposition it is unknown.
        (tmp_path / "accounts.graphql").write_text(sdls["accounts"].replace("birthYear: Int", ""))
        for _ in range(100):
            body = _query(url, "{ me { birthYear } }")
            if "errors" in body:
                break
            time.sleep(0.1)
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # type: ignore[index]
        # A broken schema keeps the last good supergraph serving.
        (tmp_path / "accounts.graphql").write_text("type Query {")
        time.sleep(2.5)
        assert _query(url, "{ me { name } }") == {"data": {"me": {"name": "Ada Lovelace"}}}
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "composition failed" in stderr
    assert "still serving the previous supergraph" in stderr
    assert "INVALID_GRAPHQL" in stderr


def test_gateway_refuses_subgraphs_that_do_not_compose(tmp_path: Path) -> None:
    fed2 = '@link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])'
    sdl = f"extend schema {fed2}\ntype Query {{ a: Int }}\n"
    config = _file_config(tmp_path, {"accounts": sdl, "other": sdl})
    done = _hansa("gateway", "--subgraphs", str(config))
    assert done.returncode == 1
    assert "INVALID_FIELD_SHARING" in done.stderr


def test_gateway_reloads_a_changed_supergraph_file(
    tmp_path: Path, demo_subgraphs: list[str]
) -> None:
    supergraph = tmp_path / "supergraph.graphql"
    original = DEMO_SUPERGRAPH.read_text()
    supergraph.write_text(original)
    overrides = [
        f"--subgraph-url={name}={url}/graphql"
        for name, url in zip(("accounts", "products", "reviews"), demo_subgraphs, strict=True)
    ]
    process, url = start_gateway("--supergraph", str(supergraph), "--watch", *overrides)
    try:
        assert _query(url, "{ me { birthYear } }") == {"data": {"me": {"birthYear": 1815}}}
        # A supergraph without User.birthYear: the field disappears once reloaded.
        supergraph.write_text(
            original.replace("  birthYear: Int @join__field(graph: ACCOUNTS)\n", "")
        )
        for _ in range(100):
            body = _query(url, "{ me { birthYear } }")
            if "errors" in body:
                break
            time.sleep(0.1)
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"  # type: ignore[index]
        # A broken file keeps the last good supergraph.
        supergraph.write_text("type Query {")
        time.sleep(2.5)
        assert _query(url, "{ me { name } }") == {"data": {"me": {"name": "Ada Lovelace"}}}
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    assert "new supergraph refused, still serving the previous one" in stderr
