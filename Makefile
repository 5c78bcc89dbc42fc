# The two set-up commands of the README. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
REFERENCE := scripts/reference
REFERENCE_INSTALLED := $(REFERENCE)/node_modules/.installed
BROWSER := tests/browser
BROWSER_INSTALLED := $(BROWSER)/node_modules/.installed

.PHONY: demo test install reference browser lint typecheck unit clean bench bench-peers bench-db

demo: install
	$(BIN)/hansa demo

test: install reference browser lint typecheck unit

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Hansa needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Apollo's reference implementation, used only by tests and recording scripts as an oracle.
reference: $(REFERENCE_INSTALLED)

$(REFERENCE_INSTALLED): $(REFERENCE)/package-lock.json $(REFERENCE)/fed1/package-lock.json $(REFERENCE)/join02/package-lock.json
	npm ci --prefix $(REFERENCE) --no-audit --no-fund --loglevel=error
	npm ci --prefix $(REFERENCE)/fed1 --no-audit --no-fund --loglevel=error
	npm ci --prefix $(REFERENCE)/join02 --no-audit --no-fund --loglevel=error
	touch $@

# The GraphiQL browser test's tools (tests/server/test_graphiql_browser.py): playwright-core,
# and Debian's Chromium, installed when missing and we are root (without it the test skips, or
# fails under HANSA_REQUIRE_SERVICES=1).
browser: $(BROWSER_INSTALLED)
	@command -v chromium >/dev/null || [ "$$(id -u)" != 0 ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || echo "make: could not install chromium"

$(BROWSER_INSTALLED): $(BROWSER)/package-lock.json
	npm ci --prefix $(BROWSER) --no-audit --no-fund --loglevel=error
	touch $@

lint:
	$(BIN)/ruff check src tests scripts benchmarks examples
	$(BIN)/ruff format --check src tests scripts benchmarks examples

typecheck:
	$(BIN)/mypy

unit:
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) $(REFERENCE)/node_modules $(BROWSER)/node_modules benchmarks/peers/node_modules .mypy_cache .ruff_cache .pytest_cache

# The benchmark (docs/performance.md): Hansa and its peers, each pinned to one core, in one run.
# BENCH_ARGS passes options to benchmarks/bench.py (e.g. BENCH_ARGS="--dedup both --rounds 3").
BENCH_PEERS_INSTALLED := benchmarks/peers/node_modules/.installed

bench: install reference bench-peers
	@command -v wrk >/dev/null || apt-get install -y wrk || sudo apt-get install -y wrk
	$(BIN)/python -m benchmarks.bench $(BENCH_ARGS)

bench-peers: $(BENCH_PEERS_INSTALLED)

# A database subgraph behind the gateway, standalone vs in-process (docs/performance.md,
# "Database subgraphs"); needs PostgreSQL on 127.0.0.1:5432 and MariaDB on 127.0.0.1:3306.
# DB_BENCH_ARGS passes options to benchmarks/db_bench.py (e.g. DB_BENCH_ARGS="--rounds 3").
bench-db: install
	$(BIN)/python -m benchmarks.db_bench $(DB_BENCH_ARGS)

$(BENCH_PEERS_INSTALLED): benchmarks/peers/package-lock.json
	npm ci --prefix benchmarks/peers --no-audit --no-fund --loglevel=error
	touch $@
