"""The ``hansa`` command line: ``plan`` and ``gateway``, as a user runs them."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hansa.cli import main
from hansa.demo import accounts, products, reviews
from hansa.http.serve import serving
from tests.federation.harness import Query, Scenario, all_scenarios
from tests.support.cli import first_answer, start_gateway
from tests.support.http import post_graphql

REPO = Path(__file__).resolve().parents[2]
DEMO_SUPERGRAPH = REPO / "src/hansa/demo/supergraph.graphql"
PLANNABLE = [
    pytest.param(scenario, query, id=f"{scenario.name}/{query.name}")
    for scenario in all_scenarios()
    for query in scenario.queries
    if "data" in scenario.expected(query)["response"]
]


@pytest.mark.parametrize(("scenario", "query"), PLANNABLE)
def test_plan_prints_a_plan_for_every_corpus_query(
    scenario: Scenario, query: Query, tmp_path: Path
) -> None:
    document = tmp_path / "query.graphql"
    document.write_text(query.query)
    args = ["plan", "--supergraph", str(scenario.supergraph_path), str(document)]
    if query.operation_name:
        args += ["--operation-name", query.operation_name]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("QueryPlan {")


def test_plan_shows_conditions_and_fetches(tmp_path: Path) -> None:
    document = tmp_path / "q.graphql"
    document.write_text(
        "query($r: Boolean!) { topProducts { name reviews @include(if: $r) { body } } }"
    )
    result = CliRunner().invoke(main, ["plan", "--supergraph", str(DEMO_SUPERGRAPH), str(document)])
    assert result.exit_code == 0, result.output
    assert "Condition(if: $r)" in result.output
    assert 'Flatten(path: "topProducts.@")' in result.output
    assert 'Fetch(service: "reviews")' in result.output


def test_plan_reports_invalid_queries(tmp_path: Path) -> None:
    document = tmp_path / "q.graphql"
    document.write_text("{ nope }")
    result = CliRunner().invoke(main, ["plan", "--supergraph", str(DEMO_SUPERGRAPH), str(document)])
    assert result.exit_code == 1
    assert "GRAPHQL_VALIDATION_FAILED" in result.output


@pytest.mark.parametrize(
    ("sdl", "message"),
    [
        ("type Query { a: Int }", "not a supergraph"),
        ("type Query {", "does not parse"),
        (
            DEMO_SUPERGRAPH.read_text().replace("join/v0.3", "join/v0.9"),
            "unsupported join spec version v0.9",
        ),
    ],
)
def test_gateway_refuses_a_bad_supergraph(tmp_path: Path, sdl: str, message: str) -> None:
    path = tmp_path / "supergraph.graphql"
    path.write_text(sdl)
    done = subprocess.run(
        [sys.executable, "-m", "hansa.cli", "gateway", "--supergraph", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _low_file_limit() -> None:
    """The stock soft limit of many systems (1,024), for the gateway to lift."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))


@pytest.mark.parametrize("workers", [1, 2])
def test_gateway_command_serves_a_supergraph(workers: int) -> None:
    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as urls:
        overrides = [
            f"--subgraph-url={name}={url}/graphql"
            for name, url in zip(("accounts", "products", "reviews"), urls, strict=True)
        ]
        process, url = start_gateway(
            "--supergraph",
            str(DEMO_SUPERGRAPH),
            "--workers",
            str(workers),
            *overrides,
            preexec_fn=_low_file_limit,
        )
        try:
            body = first_answer(url, "{ me { name reviews { product { name } } } }")
            # every worker answers: several requests, each a new connection
            for _ in range(2 * workers):
                assert post_graphql(url, "{ me { name } }").json()["data"]["me"]["name"]
            children = _children_of(process.pid)
            assert len(children) == (workers if workers > 1 else 0)
            # the soft limit on open files is lifted to the hard one (connections are files)
            limits = Path(f"/proc/{process.pid}/limits").read_text()
            (line,) = [x for x in limits.splitlines() if x.startswith("Max open files")]
            soft, hard = line.split()[3:5]
            assert soft == hard
        finally:
            process.terminate()
            assert process.wait(timeout=10) == 0
        assert not [c for c in children if Path(f"/proc/{c}").exists()]
    assert body == {
        "data": {
            "me": {
                "name": "Ada Lovelace",
                "reviews": [{"product": {"name": "Table"}}, {"product": {"name": "Couch"}}],
            }
        }
    }
