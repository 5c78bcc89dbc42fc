"""The federation conformance corpus: scenarios, their subgraphs, and recorded expectations.

A scenario is a folder under ``scenarios/`` with:

- ``scenario.py``: a docstring saying what it covers, ``SUBGRAPHS`` (a list of
  ``hansa.subgraph.Subgraph``), ``QUERIES`` (a list of ``Query``), and optionally ``SERVE``, a
  map from subgraph name to a raw ASGI app served *instead of* that subgraph (to simulate a
  broken service; its SDL still comes from ``SUBGRAPHS``), or to ``None`` for a subgraph that is
  down (its URL points to a closed port); and ``SUPERGRAPH_COMPOSER = "fed1"`` to compose a Fed 1
  supergraph with ``@apollo/federation`` 0.x, or ``"join02"`` for a join v0.2 supergraph from
  ``@apollo/composition`` 2.0, instead of the current ``@apollo/composition``; and
  ``KNOWN_HANSA_BUGS``, a map from query name to a one-line description of where Hansa's answer
  is wrong (the expectation stays the reference's; the tests mark those queries strict xfail).
- ``supergraph.graphql``: composed from the subgraphs by ``@apollo/composition`` (recorded).
- ``expected/<query>.json``: ``{"source": ..., "response": {...}}``. Recorded from Apollo
  Gateway unless ``source`` is ``"hand"``, in which case ``why`` explains where the reference is
  wrong and the recording script leaves the file alone, or, for a random graph frozen into a
  scenario (``graph.json``, ``scripts/difftest/frozen.py``), the answer of one server holding
  the whole graph where Apollo's differs from it (Apollo's kept under ``reference``).
- ``expected/<query>.plan.txt``: Apollo's query plan for the query, for reviewers.

Subgraph URLs in the supergraph are placeholders (``http://<name>.scenario.invalid/graphql``);
tests and the recorder point them at the loopback servers they start.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hansa.http.serve import serving
from hansa.subgraph import Subgraph
from tests.support.http import free_port

SCENARIOS_DIR = Path(__file__).resolve().parent / "scenarios"


def placeholder_url(name: str) -> str:
    return f"http://{name}.scenario.invalid/graphql"


@dataclass(frozen=True)
class Query:
    name: str
    query: str
    variables: dict[str, Any] | None = None
    operation_name: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    name: str
    path: Path
    doc: str
    subgraphs: list[Subgraph]
    queries: list[Query]
    serve: dict[str, Any]
    composer: str = "fed2"  # "fed1": composed by @apollo/federation 0.x into a Fed 1 supergraph
    known_bugs: dict[str, str] = field(default_factory=dict)  # query name -> what Hansa gets wrong

    @property
    def supergraph_path(self) -> Path:
        return self.path / "supergraph.graphql"

    def expected_path(self, query: Query) -> Path:
        return self.path / "expected" / f"{query.name}.json"

    def expected(self, query: Query) -> dict[str, Any]:
        return dict(json.loads(self.expected_path(query).read_text()))


def load_scenario(path: Path) -> Scenario:
    spec = importlib.util.spec_from_file_location(f"scenario_{path.name}", path / "scenario.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return Scenario(
        name=path.name,
        path=path,
        doc=(module.__doc__ or "").strip(),
        subgraphs=list(module.SUBGRAPHS),
        queries=list(module.QUERIES),
        serve=dict(getattr(module, "SERVE", {})),
        composer=getattr(module, "SUPERGRAPH_COMPOSER", "fed2"),
        known_bugs=dict(getattr(module, "KNOWN_HANSA_BUGS", {})),
    )


def all_scenarios() -> list[Scenario]:
    return [
        load_scenario(p) for p in sorted(SCENARIOS_DIR.iterdir()) if (p / "scenario.py").is_file()
    ]


@contextmanager
def serve_scenario(scenario: Scenario) -> Iterator[dict[str, str]]:
    """Serve the scenario's subgraphs on loopback; yields ``{subgraph name: URL}``."""
    apps: list[tuple[str, Any]] = []
    urls: dict[str, str] = {}
    for sg in scenario.subgraphs:
        if sg.name in scenario.serve and scenario.serve[sg.name] is None:
            urls[sg.name] = f"http://127.0.0.1:{free_port()}/graphql"
        else:
            apps.append((sg.name, scenario.serve.get(sg.name) or sg.asgi_app()))
    with serving(*(app for _, app in apps)) as bases:
        for (name, _), base in zip(apps, bases, strict=True):
            urls[name] = f"{base}/graphql"
        yield urls
