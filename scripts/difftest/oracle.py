"""Apollo's reference implementation in one long-lived Node process (``scripts/reference/multi.mjs``):
composition, query plans and Apollo Gateways for many supergraphs without Node's start-up each
time."""

from __future__ import annotations

import contextlib
import json
import subprocess
import urllib.error
import urllib.request
from typing import Any

from tests.support.reference import REFERENCE_DIR


class Oracle:
    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.base = ""

    def __enter__(self) -> Oracle:
        self.process = subprocess.Popen(
            ["node", str(REFERENCE_DIR / "multi.mjs"), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("READY "):
            self.process.kill()
            raise RuntimeError(f"multi.mjs did not start: {line!r}")
        self.base = line.split(" ", 1)[1]
        return self

    def restart(self) -> None:
        self.__exit__()
        self.__enter__()

    def __exit__(self, *exc: object) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"content-type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:  # multi.mjs answers 500 {"error"} on a crash
            return json.loads(error.read() or b"{}")

    def compose(self, subgraphs: list[dict[str, str]], composer: str = "fed2") -> dict[str, Any]:
        out = dict(self._call("POST", "/compose", {"subgraphs": subgraphs, "composer": composer}))
        if "error" in out:  # composition threw
            return {
                "supergraphSdl": None,
                "errors": [{"code": "EXCEPTION", "message": out["error"]}],
            }
        return out

    def plan(self, supergraph_sdl: str, query: str) -> str:
        out = self._call("POST", "/plan", {"supergraphSdl": supergraph_sdl, "query": query})
        return str(out.get("plan") or f"(no plan: {out.get('error')})")

    def gateway(self, supergraph_sdl: str, overrides: dict[str, str]) -> str:
        """Start an Apollo Gateway; its GraphQL URL (or raises with Apollo's error)."""
        out = self._call(
            "POST", "/gateways", {"supergraphSdl": supergraph_sdl, "overrides": overrides}
        )
        if "id" not in out:
            raise RuntimeError(f"Apollo Gateway did not start: {out.get('error')}")
        return f"{self.base}/gateways/{out['id']}"

    def stop_gateway(self, url: str) -> None:
        with contextlib.suppress(OSError):  # else it stops when the process ends
            self._call("DELETE", url[len(self.base) :])
