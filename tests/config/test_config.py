"""``hansa.toml`` through the command line, as a user writes it: checked, refused with the line
and key, interpolated from the environment, served, and documented from the same schema."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from hansa.cli import main
from hansa.config import ConfigError, gateway_config, parse_config
from hansa.demo import accounts, products, reviews
from hansa.http.serve import serving
from tests.support.cli import first_answer, start_gateway
from tests.support.http import post_graphql

REPO = Path(__file__).resolve().parents[2]
DEMO_SUPERGRAPH = REPO / "src/hansa/demo/supergraph.graphql"

VALID = """
[gateway]
supergraph = "supergraph.graphql"
listen = "127.0.0.1:4100"
forward_headers = ["Authorization"]

[subgraphs.products]
url = "${PRODUCTS_URL:-http://products.internal/graphql}"
timeout_ms = 2500
headers = { authorization = "Bearer ${PRODUCTS_TOKEN:-none}" }

[limits]
max_depth = 12
"""


def _check(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "hansa.toml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["config", "check", str(path)])
    return result.exit_code, result.output


def test_a_valid_file_is_accepted(tmp_path: Path) -> None:
    code, output = _check(tmp_path, VALID)
    assert code == 0, output
    assert "valid" in output and "products" in output


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (
            "[gateway]\nlisten = '127.0.0.1:1'\nlistn = 'x'\n",
            3,
            "gateway.listn: unknown key; accepted here: supergraph, subgraphs, listen",
        ),
        (
            "[gateway]\nworkers = 'two'\n",
            2,
            "gateway.workers: must be an integer, not the string 'two'",
        ),
        ("[gateway]\nworkers = 0\n", 2, "gateway.workers: must be at least 1, not 0"),
        (
            "[limits]\n\nmax_depth = true\n",
            3,
            "limits.max_depth: must be an integer, not a boolean",
        ),
        (
            "[subgraphs.products]\nurl = 3\n",
            2,
            "subgraphs.products.url: must be a string, not the number 3",
        ),
        (
            "[subgraphs.products]\nretry = 3\n",
            2,
            "subgraphs.products.retry: unknown key; accepted here: url, module, timeout_ms, retries, errors, headers",
        ),
        (
            "[subgraphs.products]\nheaders = { x = 1 }\n",
            2,
            "subgraphs.products.headers.x: must be a string, not the number 1",
        ),
        (
            "[gatway]\nlisten = 'x'\n",
            1,
            "gatway: unknown key; accepted here: gateway, subgraphs, limits, federation, auth, authorization,",
        ),
        ("[gateway]\nforward_headers = 'authorization'\n", 2, "must be a list of strings"),
        ("[gateway\nlisten = 1\n", 1, "not valid TOML"),
        (
            "[subgraphs.a]\nurl = '${HANSA_TEST_UNSET_VARIABLE}'\n",
            2,
            "environment variable HANSA_TEST_UNSET_VARIABLE is not set",
        ),
    ],
)
def test_a_wrong_file_is_refused_with_its_line_and_key(
    tmp_path: Path, text: str, line: int, expected: str
) -> None:
    code, output = _check(tmp_path, text)
    assert code == 1
    assert f"hansa.toml:{line}: " in output
    assert expected in output
    assert "Traceback" not in output


def test_values_reach_the_gateway_configuration() -> None:
    settings = parse_config(VALID, "hansa.toml", env={"PRODUCTS_URL": "http://p:1/graphql"})
    config = gateway_config(settings)
    assert config.subgraph_urls == {"products": "http://p:1/graphql"}
    assert config.subgraph_timeouts == {"products": 2.5}
    assert config.max_depth == 12
    assert config.forward_headers == ("authorization",)
    assert config.subgraph_headers == {"products": {"authorization": "Bearer none"}}
    fallback = gateway_config(parse_config(VALID, "hansa.toml", env={}))
    assert fallback.subgraph_urls == {"products": "http://products.internal/graphql"}
    with pytest.raises(
        ConfigError, match=re.escape("hansa.toml:3: gateway.listen: must be a string")
    ):
        parse_config("\n[gateway]\nlisten = 4000\n", "hansa.toml", env={})


PRODUCTION = """
[subgraphs.products]
retries = 3
errors = "redact"

[federation]
degraded_field = true
dedup_subgraph_requests = false

[federation.retry]
backoff_ms = 20
budget_percent = 5

[federation.circuit_breaker]
enabled = true
failure_threshold = 3
recovery_timeout_secs = 10

[rate_limit]
requests_per_second = 2.5
key = "header:x-api-key"

[demand_control]
enabled = true
mode = "enforce"
max_cost = 500

[auth.jwt]
secret = "${JWT_SECRET}"
audiences = ["shop"]
forward_claims = { "X-User-Id" = "sub" }

[csrf]
enabled = false

[multi_tenancy]
enabled = true
strategy = "jwt"
"""


def test_production_sections_reach_their_plugins() -> None:
    config = gateway_config(parse_config(PRODUCTION, "hansa.toml", env={"JWT_SECRET": "s"}))
    assert config.subgraph_retries == {"products": 3}
    assert config.redact_subgraph_errors == ("products",)
    assert config.degraded_field and not config.dedup_subgraph_requests
    assert (config.retry.backoff, config.retry.budget_percent) == (0.02, 5.0)
    assert config.circuit_breaker is not None
    assert (config.circuit_breaker.failure_threshold, config.circuit_breaker.recovery_timeout) == (
        3,
        10.0,
    )
    assert config.rate_limit is not None
    assert (config.rate_limit.requests_per_second, config.rate_limit.burst) == (2.5, 3)
    assert config.rate_limit.key == "header:x-api-key"
    assert config.demand_control is not None
    assert (config.demand_control.mode, config.demand_control.max_cost) == ("enforce", 500.0)
    assert config.jwt is not None
    assert (config.jwt.secret, config.jwt.audiences) == ("s", ("shop",))
    assert dict(config.jwt.forward_claims) == {"x-user-id": "sub"}
    assert config.csrf_required_headers is None
    assert config.tenancy is not None and config.tenancy.strategy == "jwt"
    defaults = gateway_config(parse_config("", "hansa.toml", env={}))
    assert defaults.circuit_breaker is None and defaults.rate_limit is None
    assert defaults.jwt is None and defaults.tenancy is None and defaults.demand_control is None
    assert defaults.csrf_required_headers == ("x-apollo-operation-name", "apollo-require-preflight")
    with pytest.raises(ConfigError, match='must be one of "measure", "enforce", not \'always\''):
        parse_config('[demand_control]\nmode = "always"\n', "hansa.toml", env={})


def test_the_gateway_serves_what_the_file_says_and_flags_override_it(tmp_path: Path) -> None:
    with serving(accounts.asgi_app(), products.asgi_app(), reviews.asgi_app()) as urls:
        sections = "".join(
            f'[subgraphs.{name}]\nurl = "{url}/graphql"\n'
            for name, url in zip(("accounts", "products", "reviews"), urls, strict=True)
        )
        (tmp_path / "supergraph.graphql").write_text(DEMO_SUPERGRAPH.read_text())
        config = tmp_path / "hansa.toml"
        config.write_text(
            f'[gateway]\nsupergraph = "supergraph.graphql"\nlisten = "127.0.0.1:1"\n'
            f"[limits]\nmax_depth = 2\n{sections}"
        )
        process, url = start_gateway("--config", str(config), cwd=REPO)
        try:
            shallow = first_answer(url, "{ me { name } }")
            deep = post_graphql(url, "{ me { reviews { product { name } } } }").json()
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert shallow == {"data": {"me": {"name": "Ada Lovelace"}}}
    assert deep["errors"][0]["extensions"]["code"] == "MAX_DEPTH_LIMIT"


def test_the_configuration_reference_is_generated_from_the_schema() -> None:
    result = CliRunner().invoke(main, ["config", "docs"])
    assert result.exit_code == 0
    assert (REPO / "docs/configuration.md").read_text() == result.output, (
        "docs/configuration.md is stale: hansa config docs > docs/configuration.md"
    )
