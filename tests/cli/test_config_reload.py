"""``hansa gateway --watch`` reloads ``hansa.toml``: new limits apply without a restart, a file
that does not load keeps the previous settings, and a setting only a restart can apply is
named in the log."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from tests.cli.test_cli import DEMO_SUPERGRAPH
from tests.support.cli import demo_subgraphs, first_answer, start_gateway
from tests.support.http import post_graphql

DEEP = "{ me { reviews { product { name } } } }"  # depth 4


def _code(url: str) -> Any:
    body = post_graphql(url, DEEP).json()
    return body["errors"][0]["extensions"]["code"] if "errors" in body else None


def _until(url: str, code: str | None) -> None:
    deadline = time.monotonic() + 15
    while _code(url) != code:
        assert time.monotonic() < deadline, f"never {code}"
        time.sleep(0.1)


def test_settings_reload_live_and_bad_files_change_nothing(tmp_path: Path) -> None:
    with demo_subgraphs() as tables:
        config = tmp_path / "hansa.toml"

        def write(limits: str, extra: str = "") -> None:
            text = f'[gateway]\nsupergraph = "{DEMO_SUPERGRAPH}"\n{extra}\n[limits]\n{limits}\n'
            config.write_text(text + tables)

        write("max_depth = 3")
        process, url = start_gateway("--config", str(config), "--watch")
        try:
            first_answer(url, "{ __typename }")
            assert _code(url) == "MAX_DEPTH_LIMIT"
            write("max_depth = 10")
            _until(url, None)  # applied without a restart
            write("max_depth = 'deep'")  # refused: the previous settings stay
            time.sleep(2.5)
            assert _code(url) is None
            write("max_depth = 3", "workers = 2\n")
            _until(url, "MAX_DEPTH_LIMIT")
            assert post_graphql(url, "{ me { name } }").json() == {
                "data": {"me": {"name": "Ada Lovelace"}}
            }
        finally:
            process.terminate()
            _, stderr = process.communicate(timeout=10)
    assert "new settings refused, keeping the previous ones" in stderr
    assert "gateway.workers changed" in stderr and "restart to apply it" in stderr
