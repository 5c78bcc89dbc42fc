"""A database subgraph behind the gateway, standalone vs in-process (``make bench-db``).

The workload: ``users(limit: 100)`` with each user's orders and each order's details — users
and orders in PostgreSQL (``primary``), order details in MariaDB (``legacy``, a table keyed by
the order's id as text, like the orders example's ``legacy_orders``). The model is this file's
``User``/``Order``/``OrderDetails``. Two set-ups of the same gateway and the same subgraph:

- **standalone**: the gateway calls the subgraph over HTTP; the subgraph is ``hansa db serve``
  in its own process;
- **in-process**: the gateway hosts it (``[subgraphs.orders] module = "benchmarks.db_bench"`` in
  its ``hansa.toml``): no HTTP hop, no JSON in between.

Hansa's processes (the gateway, and the subgraph when standalone) are pinned to core 0 with
``taskset``, so both set-ups have one core for all of Hansa's work; the load generator (an
asyncio loop with aiohttp, closed loop, ``--connections`` at a time) runs on core 1, beside the
database servers. Rounds interleave the set-ups; the figures that matter are the ratios of one
run. Measured per window: requests/s, p50/p99 latency, failed requests, the CPU of Hansa's
processes per request (``/proc``), and SQL statements per request — the subgraph's
``hansa_db_queries_total`` before and after the window, divided by the requests answered (the
standalone subgraph's ``GET /metrics``; the in-process one's figures through the gateway
process's ``/db/metrics``, which this file's gateway runner adds).

The databases are new ones with fresh names, dropped at the end (or on Ctrl-C); PostgreSQL on
127.0.0.1:5432 (user postgres) and MariaDB on 127.0.0.1:3306 (root) must be running.

    .venv/bin/python -m benchmarks.db_bench [--rounds 2] [--duration 15] [--warmup 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import hansa
from hansa.scalars import ID, Decimal

# -- the model (imported by the subgraph's process and the in-process gateway) -----------------


@hansa.type(database="primary", sql_source="tb_user", key="id")
class User:
    id: ID
    name: str
    email: str | None
    orders: list[Order] = hansa.federated(database="primary", local_key="id", remote_key="user_id")


@hansa.type(database="primary", sql_source="tb_order", key="id")
class Order:
    id: ID
    user_id: ID
    total: Decimal
    details: OrderDetails = hansa.federated(
        database="legacy", local_key="id", remote_key="order_id", type_conversion=str
    )


@hansa.type(database="legacy", sql_source="order_details", key="order_id")
class OrderDetails:
    order_id: ID
    status: str
    carrier: str
    weight_grams: int


@hansa.query()
def users(limit: int = 50) -> list[User]: ...  # type: ignore[empty-body]  # the source answers


# -- the run ------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
MODULE = "benchmarks.db_bench"
HANSA_CORE, LOAD_CORE = "0", "1"
SUBGRAPH_PORT, GATEWAY_PORT = 4310, 4311
USERS, ORDERS_PER_USER, LISTED = 1000, 3, 100
QUERY = (
    f"{{ users(limit: {LISTED}) {{ id name email"
    " orders { id total details { status carrier weight_grams } } } }"
)
POSTGRES = ("127.0.0.1", 5432, "postgresql://postgres@127.0.0.1:5432")
MARIADB = ("127.0.0.1", 3306, "mysql://root@127.0.0.1:3306")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def check_services() -> None:
    missing = [
        f"{name} on {host}:{port}"
        for name, (host, port, _) in (("PostgreSQL", POSTGRES), ("MariaDB", MARIADB))
        if not _reachable(host, port)
    ]
    if missing:
        raise SystemExit(
            "db_bench needs PostgreSQL (user postgres, trust) and MariaDB (root, no password)"
            f" running locally; not answering: {', '.join(missing)}"
        )


async def _postgres(statement: str, database: str = "postgres") -> None:
    import asyncpg

    connection = await asyncpg.connect(f"{POSTGRES[2]}/{database}")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _mariadb(statements: list[str], database: str | None = None) -> None:
    import asyncmy

    connection = await asyncmy.connect(
        host=MARIADB[0], port=MARIADB[1], user="root", password="", db=database
    )
    try:
        async with connection.cursor() as cursor:
            for statement in statements:
                await cursor.execute(statement)
        await connection.commit()
    finally:
        await connection.ensure_closed()


def _order_id(user: int, order: int) -> uuid.UUID:
    return uuid.UUID(int=(user + 1) * 1000 + order)


async def _fill(primary: str, legacy: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(f"{POSTGRES[2]}/{primary}")
    try:
        await connection.execute(
            "CREATE TABLE tb_user (id uuid PRIMARY KEY, name text NOT NULL, email text);"
            "CREATE TABLE tb_order (id uuid PRIMARY KEY, user_id uuid NOT NULL"
            " REFERENCES tb_user (id), total numeric(12, 2) NOT NULL);"
            "CREATE INDEX ON tb_order (user_id);"
        )
        await connection.copy_records_to_table(
            "tb_user",
            records=[
                (uuid.UUID(int=u + 1), f"user {u}", None if u % 3 else f"u{u}@example.com")
                for u in range(USERS)
            ],
        )
        await connection.copy_records_to_table(
            "tb_order",
            records=[
                (_order_id(u, o), uuid.UUID(int=u + 1), f"{u}.{o:02d}")
                for u in range(USERS)
                for o in range(ORDERS_PER_USER)
            ],
        )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    rows = [
        f"('{_order_id(u, o)}', 's{(u + o) % 4}', 'carrier {u % 7}', {100 + u + o})"
        for u in range(USERS)
        for o in range(ORDERS_PER_USER)
    ]
    await _mariadb(
        [
            "CREATE TABLE order_details (order_id VARCHAR(64) PRIMARY KEY,"
            " status VARCHAR(16) NOT NULL, carrier VARCHAR(32) NOT NULL,"
            " weight_grams INT NOT NULL)",
            *(
                "INSERT INTO order_details VALUES " + ", ".join(rows[i : i + 500])
                for i in range(0, len(rows), 500)
            ),
        ],
        legacy,
    )


@contextmanager
def databases() -> Iterator[tuple[str, str]]:
    """A new PostgreSQL database and a new MariaDB database, filled; dropped afterwards."""
    check_services()
    name = f"hansa_bench_{uuid.uuid4().hex[:12]}"
    asyncio.run(_postgres(f'CREATE DATABASE "{name}"'))
    try:
        asyncio.run(_mariadb([f"CREATE DATABASE `{name}`"]))
        try:
            asyncio.run(_fill(name, name))
            yield f"{POSTGRES[2]}/{name}", f"{MARIADB[2]}/{name}"
        finally:
            asyncio.run(_mariadb([f"DROP DATABASE IF EXISTS `{name}`"]))
    finally:
        asyncio.run(_postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _config(primary: str, legacy: str, pool_max: int, in_process: bool, dedup: bool) -> str:
    # Without subgraph deduplication (as `make bench`'s "dedup off" rows) every request reaches
    # the subgraph: identical in-flight queries would otherwise share one fetch, and its SQL.
    text = f"""[federation]
dedup_subgraph_requests = {"true" if dedup else "false"}

[databases.primary]
type = "postgresql"
url = "{primary}"
pool_max = {pool_max}

[databases.legacy]
type = "mysql"
url = "{legacy}"
pool_max = {pool_max}
"""
    if in_process:
        text += f'\n[subgraphs.orders]\nmodule = "{MODULE}"\n'
    return text


def _supergraph() -> str:
    from hansa.composition import SubgraphInput, compose
    from hansa.db.app import DatabaseSubgraph

    sdl = DatabaseSubgraph.from_module(MODULE, [], name="orders").sdl  # no database needed
    url = f"http://127.0.0.1:{SUBGRAPH_PORT}/graphql"
    result = compose([SubgraphInput("orders", url, sdl)])
    if result.supergraph_sdl is None:
        raise SystemExit(f"the benchmark's subgraph does not compose: {result.errors}")
    return result.supergraph_sdl


def serve_gateway(config_path: Path, supergraph_path: Path, port: int) -> None:
    """The gateway as ``hansa gateway --config --supergraph`` builds it (one worker), plus
    ``GET /db/metrics``: the figures of the database subgraph it hosts, when it hosts one."""
    from hansa.config import gateway_config, load_config
    from hansa.gateway import create_app
    from hansa.http.serve import run_workers
    from hansa.supergraph import read_supergraph

    config = gateway_config(load_config(config_path))
    app = create_app(read_supergraph(supergraph_path.read_text()), config)
    hosted = config.in_process.get("orders")
    metrics = getattr(hosted, "metrics", None)

    async def with_db_metrics(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/db/metrics" and metrics is not None:
            body = metrics.exposition()
            headers = [(b"content-type", b"text/plain; version=0.0.4; charset=utf-8")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    run_workers(lambda: with_db_metrics, "127.0.0.1", port, 1)


# -- load ---------------------------------------------------------------------------------------


@dataclass
class Window:
    requests: int
    failed: int
    seconds: float
    latencies: list[float]


async def _load(url: str, body: bytes, seconds: float, connections: int) -> Window:
    import aiohttp

    latencies: list[float] = []
    failed = 0
    headers = {"content-type": "application/json"}
    limit = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=limit) as session:
        started = time.perf_counter()
        deadline = started + seconds

        async def worker() -> None:
            nonlocal failed
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                try:
                    async with session.post(url, data=body, headers=headers) as response:
                        answer = await response.read()
                        ok = response.status == 200 and b'"errors"' not in answer
                except aiohttp.ClientError:
                    ok = False
                latencies.append(time.perf_counter() - sent)
                failed += 0 if ok else 1

        await asyncio.gather(*(worker() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    return Window(len(latencies), failed, elapsed, latencies)


def _get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
        return body


def _post(url: str, body: bytes) -> Any:
    import urllib.request

    request = urllib.request.Request(url, body, {"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _statements(metrics_url: str) -> float:
    """``hansa_db_queries_total``, every database and replica label added up."""
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(_get(metrics_url).decode()):
        for sample in family.samples:
            if sample.name == "hansa_db_queries_total":
                total += sample.value
    return total


def _wait_ready(url: str, body: bytes, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            answer = _post(url, body)
            if "data" in answer:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"no answer from {url} after {seconds:.0f} s")
        time.sleep(0.25)


def _correct(answer: Any) -> bool:
    listed = (answer.get("data") or {}).get("users") or []
    return (
        "errors" not in answer
        and len(listed) == LISTED
        and all(len(u["orders"]) == ORDERS_PER_USER for u in listed)
        and all(o["details"] is not None for u in listed for o in u["orders"])
    )


# -- one set-up ---------------------------------------------------------------------------------


@dataclass
class Measurement:
    setup: str
    round: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    failed: int
    statements_per_request: float
    hansa_cpu_ms_per_request: float
    database_cpu_ms_per_request: float
    load_cpu_percent: float
    other_cpu_percent: float
    correct: bool


def measure(
    setup: str, round_: int, scratch: Path, args: argparse.Namespace, primary: str, legacy: str
) -> Measurement:
    from benchmarks.bench import _cpu_seconds, _machine_busy_seconds, _tree

    in_process = setup == "in-process"
    config = scratch / f"{setup}.toml"
    config.write_text(_config(primary, legacy, args.pool_max, in_process, args.dedup))
    python = str(ROOT / ".venv/bin/python")
    gateway_command = [python, "-m", MODULE, "--serve-gateway", str(config)]
    gateway_command += [str(scratch / "supergraph.graphql"), str(GATEWAY_PORT)]
    subgraph_command = [str(ROOT / ".venv/bin/hansa"), "db", "serve", MODULE]
    subgraph_command += ["--config", str(config), "--port", str(SUBGRAPH_PORT)]
    url = f"http://127.0.0.1:{GATEWAY_PORT}/graphql"
    body = json.dumps({"query": QUERY}).encode()
    with _processes(in_process, subgraph_command, gateway_command, scratch, round_) as pids:
        if in_process:
            metrics_url = f"http://127.0.0.1:{GATEWAY_PORT}/db/metrics"
        else:
            metrics_url = f"http://127.0.0.1:{SUBGRAPH_PORT}/metrics"
        _wait_ready(url, body)
        correct = _correct(_post(url, body))
        asyncio.run(_load(url, body, args.warmup, args.connections))
        trees = [p for pid in pids for p in _tree(pid)]
        statements0 = _statements(metrics_url)
        cpu0, busy0, load0 = _cpu_seconds(trees), _machine_busy_seconds(), _self_cpu()
        servers = _database_pids()
        db0 = _cpu_seconds(servers)
        window = asyncio.run(_load(url, body, args.duration, args.connections))
        trees = [p for pid in pids for p in _tree(pid)]
        cpu = _cpu_seconds(trees) - cpu0
        database_cpu = _cpu_seconds(servers) - db0  # backends that ended in the window: lost
        statements = _statements(metrics_url) - statements0
        busy = _machine_busy_seconds() - busy0
        load = _self_cpu() - load0
        correct = correct and _correct(_post(url, body))
    latencies = sorted(window.latencies)
    answered = max(1, window.requests)
    other = max(0.0, busy - cpu - load - database_cpu)
    return Measurement(
        setup,
        round_,
        round(window.requests / window.seconds, 1),
        round(1000 * latencies[len(latencies) // 2], 1),
        round(1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1),
        window.failed,
        round(statements / answered, 2),
        round(1000 * cpu / answered, 2),
        round(1000 * database_cpu / answered, 2),
        round(100 * load / window.seconds, 1),
        round(100 * other / window.seconds, 1),
        correct,
    )


DATABASE_SERVERS = {"postgres", "mariadbd", "mysqld"}


def _database_pids() -> list[int]:
    """The database servers' processes (PostgreSQL's backends, MariaDB's server)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in DATABASE_SERVERS:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _self_cpu() -> float:
    times = os.times()
    return times.user + times.system


@contextmanager
def _processes(
    in_process: bool,
    subgraph_command: list[str],
    gateway_command: list[str],
    scratch: Path,
    round_: int,
) -> Iterator[list[int]]:
    from benchmarks.bench import _process

    tag = "in-process" if in_process else "standalone"
    if in_process:
        with _process(gateway_command, HANSA_CORE, scratch / f"gw-{tag}-{round_}.log", {}) as gw:
            yield [gw]
        return
    log = scratch / f"subgraph-{round_}.log"
    with _process(subgraph_command, HANSA_CORE, log, {}) as subgraph:
        _wait_listening(SUBGRAPH_PORT, log)
        with _process(gateway_command, HANSA_CORE, scratch / f"gw-{tag}-{round_}.log", {}) as gw:
            yield [subgraph, gw]


def _wait_listening(port: int, log: Path, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not _reachable("127.0.0.1", port):
        if time.monotonic() > deadline:
            raise SystemExit(f"nothing listens on {port} after {seconds:.0f} s:\n{log.read_text()}")
        time.sleep(0.2)


# -- report -------------------------------------------------------------------------------------


def _median(rows: list[Measurement], name: str) -> float:
    return float(statistics.median(getattr(r, name) for r in rows))


def report(rows: list[Measurement], args: argparse.Namespace) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Run of {when} on {cpu}, {os.cpu_count()} cores, Linux {platform.release()}; Hansa"
        f" pinned to core {HANSA_CORE}, load on core {LOAD_CORE}, {args.connections}"
        f" connections, subgraph dedup {'on' if args.dedup else 'off'}, {args.warmup} s warm-up, {args.duration} s measured, {args.rounds}"
        " interleaved rounds (medians).",
        "",
        "| set-up | req/s | p50 ms | p99 ms | SQL statements / request | Hansa CPU ms / request"
        " | databases' CPU ms / request | load generator CPU % | failed | other CPU % | correct |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    medians: dict[str, float] = {}
    for setup in ("standalone", "in-process"):
        mine = [r for r in rows if r.setup == setup]
        medians[setup] = _median(mine, "requests_per_second")
        lines.append(
            f"| {setup} | {medians[setup]:.1f} | {_median(mine, 'p50_ms'):.1f}"
            f" | {_median(mine, 'p99_ms'):.1f} | {_median(mine, 'statements_per_request'):.2f}"
            f" | {_median(mine, 'hansa_cpu_ms_per_request'):.2f}"
            f" | {_median(mine, 'database_cpu_ms_per_request'):.2f}"
            f" | {_median(mine, 'load_cpu_percent'):.0f}"
            f" | {sum(r.failed for r in mine)} | {_median(mine, 'other_cpu_percent'):.0f}"
            f" | {all(r.correct for r in mine)} |"
        )
    if medians["standalone"]:
        ratio = medians["in-process"] / medians["standalone"]
        lines += ["", f"In-process / standalone throughput: {ratio:.2f}x."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=15, help="measured seconds per window")
    parser.add_argument("--warmup", type=int, default=5, help="warm-up seconds per window")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--pool-max", type=int, default=10, help="each database's pool_max")
    parser.add_argument(
        "--dedup",
        action="store_true",
        help="keep the gateway's subgraph deduplication on (identical in-flight fetches shared)",
    )
    parser.add_argument("--name", default="db", help="results file: benchmarks/results/NAME.*")
    parser.add_argument("--serve-gateway", nargs=3, metavar=("CONFIG", "SUPERGRAPH", "PORT"))
    args = parser.parse_args()
    if args.serve_gateway:
        config, supergraph, port = args.serve_gateway
        serve_gateway(Path(config), Path(supergraph), int(port))
        return
    if sys.platform == "linux" and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {int(LOAD_CORE)})  # the load generator's core
    rows: list[Measurement] = []
    with databases() as (primary, legacy), tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        (scratch / "supergraph.graphql").write_text(_supergraph())
        for round_ in range(1, args.rounds + 1):
            for setup in ("standalone", "in-process"):
                row = measure(setup, round_, scratch, args, primary, legacy)
                print(json.dumps(asdict(row)), flush=True)
                rows.append(row)
    table = report(rows, args)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.name}.json").write_text(json.dumps([asdict(r) for r in rows], indent=2))
    (RESULTS / f"{args.name}.md").write_text(table + "\n")
    print(table)


if __name__ == "__main__":
    main()
