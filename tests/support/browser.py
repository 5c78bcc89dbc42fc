"""Headless Chromium for page tests: the browser and the Node scripts in ``tests/browser/``
(playwright-core, ``make browser``). Without them a test is skipped, or fails under
``HANSA_REQUIRE_SERVICES=1`` (CI), naming what is missing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

BROWSER_DIR = Path(__file__).resolve().parents[1] / "browser"


def chromium(test: str) -> str:
    """The browser to drive for ``test`` (named in the skip message)."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    missing = []
    if not Path(path).is_file():
        missing.append("Chromium (Debian's package chromium)")
    if shutil.which("node") is None:
        missing.append("Node")
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        missing.append("playwright-core (make browser)")
    if missing:
        message = f"the {test} needs {', '.join(missing)}"
        if os.environ.get("HANSA_REQUIRE_SERVICES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_page_script(script: str, *args: str, browser: str) -> dict[str, Any]:
    """Run ``tests/browser/SCRIPT`` and return the JSON report it prints last."""
    done = subprocess.run(
        ["node", str(BROWSER_DIR / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "CHROMIUM": browser},
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report
