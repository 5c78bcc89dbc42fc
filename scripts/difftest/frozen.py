"""Random-graph mismatches kept as corpus scenarios.

A generated graph is frozen into a scenario folder as ``graph.json``: the graph's types and
subgraphs (what the data universe needs to answer) and each subgraph's SDL as it was served, so
the scenario no longer depends on the generator, which may change. ``scenario.py`` then reads
``SUBGRAPHS = frozen_subgraphs(__file__)`` and lists the minimized queries.
``scripts/record-reference`` records Apollo Gateway for those queries as for any scenario; where
Apollo's answer differs from what one server holding the whole graph answers
(``scripts/difftest/monolith.py``), it writes that answer as a hand expectation instead, with
Apollo's beside it.

``scripts/differential --freeze RECORDS.jsonl:LINE NAME`` writes a new scenario from a mismatch
that ``--out`` recorded.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from scripts.difftest.graphgen import (
    Arg,
    Field,
    Graph,
    SubField,
    SubgraphDef,
    SubType,
    TypeDef,
)
from scripts.difftest.monolith import Monolith
from scripts.difftest.universe import build_subgraphs

from hansa.subgraph import Subgraph

GRAPH_FILE = "graph.json"


def graph_to_json(graph: Graph, sdls: dict[str, str]) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        if isinstance(value, set):
            return sorted(value)
        if isinstance(value, tuple):
            return list(value)
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return {"graph": plain(dataclasses.asdict(graph)), "sdl": sdls}


def graph_from_json(data: dict[str, Any]) -> tuple[Graph, dict[str, str]]:
    g = data["graph"]

    def field_of(f: dict[str, Any]) -> Field:
        requires = tuple(f["requires"]) if f.get("requires") else None
        return Field(**{**f, "args": [Arg(**a) for a in f["args"]], "requires": requires})

    types = {
        name: TypeDef(**{**t, "fields": {n: field_of(f) for n, f in t["fields"].items()}})
        for name, t in g["types"].items()
    }
    subgraphs = [
        SubgraphDef(
            **{
                **s,
                "unknown": set(s["unknown"]),
                "types": {
                    name: SubType(
                        **{
                            **st,
                            "fields": {n: SubField(**f) for n, f in st["fields"].items()},
                            "keys": [tuple(k) for k in st["keys"]],
                        }
                    )
                    for name, st in s["types"].items()
                },
            }
        )
        for s in g["subgraphs"]
    ]
    graph = Graph(**{**g, "types": types, "subgraphs": subgraphs})
    return graph, dict(data["sdl"])


def load(scenario_file: str | Path) -> tuple[Graph, dict[str, str]]:
    return graph_from_json(json.loads((Path(scenario_file).parent / GRAPH_FILE).read_text()))


def frozen_subgraphs(scenario_file: str | Path) -> list[Subgraph]:
    """The subgraphs of the graph frozen beside ``scenario_file``, with the universe's data."""
    graph, sdls = load(scenario_file)
    return build_subgraphs(graph, sdls)


def is_frozen(scenario_dir: Path) -> bool:
    return (scenario_dir / GRAPH_FILE).is_file()


def one_server(scenario_dir: Path, api_schema: Any) -> Monolith:
    graph, _ = load(scenario_dir / "scenario.py")
    return Monolith(graph, api_schema)


def freeze(record: dict[str, Any], directory: Path, doc: str, query_name: str) -> None:
    """Write a scenario folder from a random-graph mismatch record (``--out``'s JSON lines), or
    add the record's query to the folder if it already holds the same graph."""
    from scripts.difftest.graphgen import generate

    graph = generate(record["graph_seed"], record["graph_index"])
    sdls = record["subgraphs"]
    assert {s.name: graph.sdl(s) for s in graph.subgraphs} == sdls, "the generator has changed"
    query = record.get("min_query", record["query"])
    variables = record.get("min_variables", record.get("variables")) or None
    entry = (
        f"    Query(\n        {json.dumps(query_name)},\n        {_literal(query)},\n"
        + (f"        {variables!r},\n" if variables else "")
        + "    ),\n"
    )
    scenario = directory / "scenario.py"
    if directory.exists():
        frozen, _ = load(scenario)
        assert (frozen.seed, frozen.index) == (graph.seed, graph.index), "another graph"
        text = scenario.read_text()
        cut = text.rindex("]")
        scenario.write_text(text[:cut] + entry + text[cut:])
    else:
        directory.mkdir(parents=True)
        (directory / GRAPH_FILE).write_text(json.dumps(graph_to_json(graph, sdls), indent=1) + "\n")
        composer = "" if graph.composer == "fed2" else f'SUPERGRAPH_COMPOSER = "{graph.composer}"\n'
        origin = textwrap.fill(
            f"Frozen from the random-graph differential (features: "
            f"{', '.join(record.get('features') or [])}); ``graph.json`` holds the graph and its"
            " subgraphs' SDL, ``scripts/difftest/frozen.py`` serves them. Found by:",
            96,
            break_on_hyphens=False,
        )
        scenario.write_text(
            f'"""{textwrap.fill(doc, 96)}\n\n{origin}\n``{record["reproduce"]}``\n"""\n\n'
            "from scripts.difftest.frozen import frozen_subgraphs\n"
            "from tests.federation.harness import Query\n\n"
            "SUBGRAPHS = frozen_subgraphs(__file__)\n"
            f"{composer}\n"
            f"QUERIES = [\n{entry}]\n"
        )
    # the project's own formatting, so that the new scenario passes `make lint` as written
    for ruff in (["check", "--fix", "--quiet"], ["format", "--quiet"]):
        subprocess.run([sys.executable, "-m", "ruff", *ruff, str(directory)], check=True)


def _literal(text: str) -> str:
    return '"""' + text.replace("\\", "\\\\").replace('"""', '\\"""') + '"""'
