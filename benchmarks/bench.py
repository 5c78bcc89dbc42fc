"""``make bench``: Hansa and the gateways people would pick instead, on one core, in one run.

Every gateway runs pinned to core 0 (``taskset``); the four memoized subgraphs
(``benchmarks/serve_subgraphs.py``) and the load generator (``wrk``, 50 connections) share the
other core. For each round, each gateway is started fresh, its heavy and light answers are
checked against the benchmark's expected answers, then each workload gets a warm-up and a
measured window, and the answers are checked again. Rounds interleave the gateways, so a
machine that slows down during the run slows everyone down alike; every figure that matters is
a ratio between gateways of the same run.

Measured per gateway and workload: requests/s, p50/p95/p99 latency (wrk), failed requests,
CPU of the gateway's process tree (``/proc``), peak RSS of that tree (sampled), the subgraphs'
CPU, and the CPU everything else on the machine used in the window (a noise meter: a run with
high background CPU is not comparable). Results go to ``benchmarks/results/NAME.json`` and a
Markdown table to ``benchmarks/results/NAME.md`` (``--name``, ``latest`` by default);
``docs/performance.md`` quotes a run.

Peers (pinned in ``benchmarks/peers/package.json`` and ``scripts/reference/package.json``):
Apollo Gateway 2.14.4 on Apollo Server 5, Hive Gateway 2.15.1 with its JavaScript planner, and
Hive Gateway with Hive Router's Rust query planner (``@graphql-hive/router-runtime``). Hive
Gateway deduplicates identical in-flight subgraph requests by default (``--dedup on`` keeps
that, ``--dedup off``, the default here, turns it off); Hansa's ``--inbound-dedup`` shares one
execution among identical in-flight client queries (``--dedup on`` turns it on). ``--dedup
both`` measures each gateway that has one both ways.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
WORKLOAD = BENCH / "workload"
PEERS = BENCH / "peers"
RESULTS = BENCH / "results"
REFERENCE = ROOT / "scripts" / "reference"
GATEWAY_CORE, LOAD_CORE = "0", "1"
PORT = 4200
TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Peer:
    """A gateway to measure: how to start it on a port, and where it answers."""

    name: str
    key: str
    command: Callable[[Path, int, bool], list[str]]
    path: str = "/graphql"
    node: bool = False
    has_dedup: bool = False
    cores: str = GATEWAY_CORE
    caches: bool = False  # report its caches' hit rates (from /health/ready)


NO_DEDUP_CONFIG = ROOT / "benchmarks/hansa-no-dedup.toml"
ENTITY_CACHE_CONFIG = ROOT / "benchmarks/hansa-entity-cache.toml"
RESPONSE_CACHE_CONFIG = ROOT / "benchmarks/hansa-response-cache.toml"
TRACING_CONFIG = ROOT / "benchmarks/hansa-tracing.toml"  # exports to benchmarks/otlp_sink.py


def _hansa(workers: int = 1, config: Path | None = None) -> Callable[[Path, int, bool], list[str]]:
    def command(supergraph: Path, port: int, dedup: bool) -> list[str]:
        args = [str(ROOT / ".venv/bin/hansa"), "gateway", "--supergraph", str(supergraph)]
        args += ["--port", str(port), "--workers", str(workers)]
        if config is not None:  # a variant: its file says everything but the dedup flag
            return [*args, "--config", str(config), *(["--inbound-dedup"] if dedup else [])]
        if dedup:  # inbound, and subgraph deduplication (on by default)
            return [*args, "--inbound-dedup"]
        return [*args, "--config", str(NO_DEDUP_CONFIG)]  # subgraph deduplication off too

    return command


def hansa_at(revision: str) -> Peer:
    """Hansa as it was at git ``revision`` (its source exported beside the results, run with
    this checkout's environment): the before-and-after of a change in one run."""
    source = RESULTS / "logs" / f"hansa-{revision}"
    if not source.exists():
        source.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", revision, "src"], cwd=ROOT, check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)

    schema = source / "src/hansa/config/schema.py"
    has_subgraph_dedup = schema.exists() and "dedup_subgraph_requests" in schema.read_text()

    def command(supergraph: Path, port: int, dedup: bool) -> list[str]:
        python = str(ROOT / ".venv/bin/python")
        args = ["env", f"PYTHONPATH={source / 'src'}", python, "-m", "hansa.cli", "gateway"]
        args += ["--supergraph", str(supergraph), "--port", str(port)]
        if dedup:
            return [*args, "--inbound-dedup"]
        # Like the current Hansa's dedup-off rows: subgraph deduplication off where it exists.
        return [*args, *(["--config", str(NO_DEDUP_CONFIG)] if has_subgraph_dedup else [])]

    return Peer(f"Hansa at {revision}", f"hansa-{revision}", command, has_dedup=True)


def hansa_workers(workers: int) -> Peer:
    """Hansa with ``workers`` processes: on every core when more than one (the load generator
    and subgraphs then share them, so CPU per request is the figure to compare)."""
    cores = GATEWAY_CORE if workers == 1 else ",".join(str(c) for c in range(os.cpu_count() or 2))
    return Peer(f"Hansa, {workers} workers", f"hansa-{workers}", _hansa(workers), cores=cores)


def _hive(rust: bool) -> Callable[[Path, int, bool], list[str]]:
    def command(supergraph: Path, port: int, dedup: bool) -> list[str]:
        args = [str(PEERS / "node_modules/.bin/hive-gateway"), "supergraph", str(supergraph)]
        args += ["--host", "127.0.0.1", "--port", str(port)]
        if not dedup:
            args += ["--config-path", str(PEERS / "hive-no-dedup.config.mjs")]
        if rust:
            args.append("--hive-router-runtime")
        return args

    return command


def _apollo(supergraph: Path, port: int, dedup: bool) -> list[str]:
    args = ["node", str(REFERENCE / "gateway.mjs"), "--supergraph", str(supergraph)]
    return [*args, "--host", "127.0.0.1", "--port", str(port)]


ALL_PEERS = [
    Peer("Hansa", "hansa", _hansa(), has_dedup=True),
    Peer(
        "Hansa, entity cache", "hansa-entity-cache", _hansa(config=ENTITY_CACHE_CONFIG), caches=True
    ),
    Peer("Hansa, tracing 100%", "hansa-tracing", _hansa(config=TRACING_CONFIG)),
    Peer(
        "Hansa, entity + response cache",
        "hansa-response-cache",
        _hansa(config=RESPONSE_CACHE_CONFIG),
        caches=True,
    ),
    Peer("Hive Gateway + Rust planner", "hive-rust", _hive(True), node=True, has_dedup=True),
    Peer("Hive Gateway", "hive", _hive(False), node=True, has_dedup=True),
    Peer("Apollo Gateway", "apollo", _apollo, path="/", node=True),
]


# -- /proc --------------------------------------------------------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _tree(pid: int) -> list[int]:
    children = _children()
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of ``pids`` (and of children they have waited for)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / TICK


def _rss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except OSError:
            continue
    return total


def _machine_busy_seconds() -> float:
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / TICK


class RssSampler:
    """The largest RSS of a process tree, sampled every 50 ms while the window runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _rss_bytes(_tree(self.pid)))
            self._stop.wait(0.05)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


# -- processes ----------------------------------------------------------------------------------


@contextmanager
def _process(command: list[str], core: str, log: Path, env: dict[str, str]) -> Iterator[int]:
    with log.open("w") as out:
        process = subprocess.Popen(
            ["taskset", "-c", core, *command],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
            cwd=ROOT,
            start_new_session=True,
        )
        try:
            yield process.pid
        finally:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _post(url: str, body: bytes, timeout: float = 30.0) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, body, {"Content-Type": "application/json", "Accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_ready(url: str, body: bytes, seconds: float = 90.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, _ = _post(url, body, timeout=5)
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"no answer from {url} after {seconds:.0f} s")
        time.sleep(0.25)


# -- the run ------------------------------------------------------------------------------------


@dataclass
class Workload:
    name: str
    body: bytes
    expected: Any  # the exact answer, or for a scaling workload the number of products


SCALING_QUERY = """query Scale($first: Int) {
  topProducts(first: $first) {
    upc name price weight inStock shippingEstimate
    reviews { id body author { id username name } }
  }
}"""
SCALES = (10, 100, 1000)


def _workloads() -> list[Workload]:
    found = []
    for name in ("heavy", "light"):
        query = (WORKLOAD / f"{name}.graphql").read_text()
        body = json.dumps({"query": query}).encode()
        expected = json.loads((WORKLOAD / f"{name}.expected.json").read_text())
        found.append(Workload(name, body, expected))
    for count in SCALES:
        body = json.dumps({"query": SCALING_QUERY, "variables": {"first": count}}).encode()
        found.append(Workload(f"top{count}", body, count))
    return found


@dataclass
class Measurement:
    gateway: str
    dedup: str
    workload: str
    round: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    failed: int
    cpu_ms_per_request: float
    gateway_cpu_percent: float
    subgraph_cpu_percent: float
    other_cpu_percent: float
    peak_rss_mb: float
    correct_before: bool
    correct_after: bool
    wrk: dict[str, Any] = field(default_factory=dict)
    # Hit rate of each cache during the measured run (gateways that report them).
    hit_rates: dict[str, float] = field(default_factory=dict)


def _wrk(url: str, body: Path, seconds: int, connections: int) -> dict[str, Any]:
    command = ["taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s"]
    command += ["--timeout", "10s", "-s", str(BENCH / "post.lua"), url]
    done = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, "WRK_BODY": str(body)}
    )
    for line in done.stdout.splitlines():
        if line.startswith("BENCH "):
            result: dict[str, Any] = json.loads(line[len("BENCH ") :])
            non_2xx = [x for x in done.stdout.splitlines() if "Non-2xx" in x]
            result["non_2xx"] = int(non_2xx[0].rsplit(":", 1)[1]) if non_2xx else 0
            return result
    raise SystemExit(f"wrk gave no result:\n{done.stdout}\n{done.stderr}")


def _correct(url: str, workload: Workload) -> bool:
    status, body = _post(url, workload.body)
    answer = json.loads(body)
    if isinstance(workload.expected, int):
        products = (answer.get("data") or {}).get("topProducts") or []
        return status == 200 and "errors" not in answer and len(products) == workload.expected
    return status == 200 and answer == workload.expected


def measure_peer(
    peer: Peer,
    dedup: bool,
    workloads: list[Workload],
    round_: int,
    args: argparse.Namespace,
    subgraphs_pid: int,
    scratch: Path,
) -> list[Measurement]:
    env = {"NODE_ENV": "production"} if peer.node else {}
    command = peer.command(WORKLOAD / "supergraph.graphql", PORT, dedup)
    url = f"http://127.0.0.1:{PORT}{peer.path}"
    results = []
    log = scratch / f"{peer.key}-{'dedup' if dedup else 'nodedup'}-{round_}.log"
    with _process(command, peer.cores, log, env) as pid:
        _wait_ready(url, workloads[-1].body)
        for workload in workloads:
            body_file = scratch / f"{workload.name}.json"
            body_file.write_bytes(workload.body)
            before_ok = _correct(url, workload)
            _wrk(url, body_file, args.warmup, args.connections)
            pids = _tree(pid)
            sub_pids = _tree(subgraphs_pid)
            cpu0, sub0, busy0 = _cpu_seconds(pids), _cpu_seconds(sub_pids), _machine_busy_seconds()
            started, load0 = time.monotonic(), _waited_children_cpu()
            counts0 = _cache_counts(PORT) if peer.caches else {}
            with RssSampler(pid) as rss:
                result = _wrk(url, body_file, args.duration, args.connections)
            elapsed, load = time.monotonic() - started, _waited_children_cpu() - load0
            hit_rates = _hit_rates(counts0, _cache_counts(PORT)) if peer.caches else {}
            pids = _tree(pid)
            cpu = _cpu_seconds(pids) - cpu0
            sub = _cpu_seconds(sub_pids) - sub0
            busy = _machine_busy_seconds() - busy0
            other = max(0.0, busy - cpu - sub - load)  # wrk's CPU is the load's, not noise
            requests = result["requests"]
            seconds = result["duration_us"] / 1e6
            failed = sum(result[k] for k in ("connect", "read", "write", "timeout"))
            failed += result["non_2xx"]
            results.append(
                Measurement(
                    gateway=peer.name,
                    dedup="on" if dedup else ("off" if peer.has_dedup else "n/a"),
                    workload=workload.name,
                    round=round_,
                    requests_per_second=requests / seconds,
                    p50_ms=result["p50"] / 1000,
                    p95_ms=result["p95"] / 1000,
                    p99_ms=result["p99"] / 1000,
                    failed=failed,
                    cpu_ms_per_request=1000 * cpu / max(requests, 1),
                    gateway_cpu_percent=100 * cpu / elapsed,
                    subgraph_cpu_percent=100 * sub / elapsed,
                    other_cpu_percent=100 * other / elapsed,
                    peak_rss_mb=rss.peak / 2**20,
                    correct_before=before_ok,
                    correct_after=_correct(url, workload),
                    wrk=result,
                    hit_rates=hit_rates,
                )
            )
            print(_line(results[-1]), flush=True)
    return results


def _cache_counts(port: int) -> dict[str, tuple[int, int]]:
    """Each cache's (hits, misses) so far, from Hansa's ``/health/ready``."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=10) as answer:
        detail = json.loads(answer.read())
    return {
        name: (int(detail[name]["hits"]), int(detail[name]["misses"]))
        for name in ("entity_cache", "response_cache")
        if isinstance(detail.get(name), dict)
    }


def _hit_rates(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> dict[str, float]:
    rates = {}
    for name, (hits, misses) in after.items():
        hits0, misses0 = before.get(name, (0, 0))
        total = hits - hits0 + misses - misses0
        rates[name] = (hits - hits0) / total if total else 0.0
    return rates


def _waited_children_cpu() -> float:
    """CPU of this process's finished children (the wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _line(m: Measurement) -> str:
    ok = "ok" if m.correct_before and m.correct_after else "WRONG ANSWER"
    return (
        f"  {m.gateway:<28} dedup {m.dedup:<3} {m.workload:<5} round {m.round}:"
        f" {m.requests_per_second:8.1f} req/s  p99 {m.p99_ms:8.1f} ms"
        f"  CPU {m.cpu_ms_per_request:6.2f} ms/req  RSS {m.peak_rss_mb:6.0f} MB"
        f"  failed {m.failed}  other CPU {m.other_cpu_percent:4.0f}%  {ok}"
    )


def _versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for package, where in (
        ("@graphql-hive/gateway", PEERS),
        ("@graphql-hive/router-runtime", PEERS),
        ("@apollo/gateway", REFERENCE),
        ("@apollo/server", REFERENCE),
    ):
        manifest = where / "node_modules" / package / "package.json"
        if manifest.exists():
            found[package] = json.loads(manifest.read_text())["version"]
    node = shutil.which("node")
    if node:
        found["node"] = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
        found["node"] = found["node"].strip()
    found["wrk"] = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    found["wrk"] = found["wrk"].split("\n", 1)[0].strip()
    return found


def _machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def report(results: list[Measurement], meta: dict[str, Any]) -> str:
    """The Markdown table: per gateway and dedup mode, the median over rounds of each figure,
    and the ratio of Hansa's heavy and light throughput to each peer's."""

    def median(values: list[float]) -> float:
        ordered = sorted(values)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2

    groups: dict[tuple[str, str], dict[str, list[Measurement]]] = {}
    for m in results:
        groups.setdefault((m.gateway, m.dedup), {}).setdefault(m.workload, []).append(m)

    def rate(key: tuple[str, str], workload: str) -> float:
        return median([m.requests_per_second for m in groups[key].get(workload, [])] or [0.0])

    def hansa_for(key: tuple[str, str]) -> tuple[str, str] | None:
        """Hansa in the same dedup mode as ``key`` (off for peers that have none)."""
        mode = "on" if key[1] == "on" else "off"
        return next((k for k in groups if k[0] == "Hansa" and k[1] == mode), None)

    lines = [
        f"Run of {meta['date']} on {meta['machine']}; each gateway pinned to one core, {meta['connections']}"
        f" connections, {meta['warmup']:.0f} s warm-up, {meta['duration']:.0f} s measured,"
        f" {meta['rounds']} interleaved rounds (medians; every round in `{meta['name']}.json`).",
        "",
        "| gateway | dedup | heavy req/s | CPU ms / heavy | heavy p50 / p95 / p99 ms"
        " | light req/s | CPU ms / light | light p99 ms | peak RSS MB | failed | other CPU % |"
        " Hansa heavy / light ratio (same dedup mode) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, by_workload in groups.items():
        heavy, light = by_workload.get("heavy", []), by_workload.get("light", [])
        if not heavy and not light:
            continue

        def fig(ms: list[Measurement], attr: str, fmt: str = "{:.1f}") -> str:
            return fmt.format(median([getattr(m, attr) for m in ms])) if ms else "-"

        ratio = "-"
        hansa = hansa_for(key)
        if hansa is not None and key[0] != "Hansa":
            parts = []
            for workload in ("heavy", "light"):
                theirs = rate(key, workload)
                parts.append(f"{rate(hansa, workload) / theirs:.2f}" if theirs else "-")
            ratio = " / ".join(parts)
        wrong = [m for m in heavy + light if not (m.correct_before and m.correct_after)]
        lines.append(
            f"| {key[0]}{' (WRONG ANSWERS)' if wrong else ''} | {key[1]}"
            f" | {fig(heavy, 'requests_per_second')} | {fig(heavy, 'cpu_ms_per_request', '{:.2f}')}"
            f" | {fig(heavy, 'p50_ms', '{:.0f}')} / {fig(heavy, 'p95_ms', '{:.0f}')}"
            f" / {fig(heavy, 'p99_ms', '{:.0f}')}"
            f" | {fig(light, 'requests_per_second', '{:.0f}')}"
            f" | {fig(light, 'cpu_ms_per_request', '{:.2f}')} | {fig(light, 'p99_ms', '{:.1f}')}"
            f" | {max(m.peak_rss_mb for m in heavy + light):.0f}"
            f" | {sum(m.failed for m in heavy + light)}"
            f" | {max(m.other_cpu_percent for m in heavy + light):.0f} | {ratio} |"
        )
    scaled = [(key, w) for key, w in groups.items() if any(n.startswith("top") for n in w)]
    if scaled:
        sizes = [f"top{count}" for count in SCALES]
        lines += [
            "",
            "Answer size (`topProducts(first: N)` with reviews and authors: N products):",
            "",
            "| gateway | dedup | "
            + " | ".join(f"{n} req/s | {n} CPU ms" for n in sizes)
            + " | CPU per product, 1000 vs 10 |",
            "|---|---|" + "---|---|" * len(sizes) + "---|",
        ]
        for key, by_workload in scaled:
            cells, per_product = [], []
            for count, name in zip(SCALES, sizes, strict=True):
                ms = by_workload.get(name, [])
                if not ms:
                    cells.append("- | -")
                    continue
                cpu = median([m.cpu_ms_per_request for m in ms])
                rps = median([m.requests_per_second for m in ms])
                cells.append(f"{rps:.0f} | {cpu:.2f}")
                per_product.append(cpu / count)
            growth = f"{per_product[-1] / per_product[0]:.2f}" if len(per_product) > 1 else "-"
            lines.append(f"| {key[0]} | {key[1]} | " + " | ".join(cells) + f" | {growth} |")
    cached = [m for m in results if m.hit_rates]
    if cached:
        lines += ["", "Cache hit rates during the measured runs (medians over rounds):", ""]
        lines += ["| gateway | workload | entity cache | response cache |", "|---|---|---|---|"]
        seen: dict[tuple[str, str], list[Measurement]] = {}
        for m in cached:
            seen.setdefault((m.gateway, m.workload), []).append(m)
        for (gateway, workload), ms in seen.items():
            cells = []
            for name in ("entity_cache", "response_cache"):
                values = [m.hit_rates[name] for m in ms if name in m.hit_rates]
                cells.append(f"{100 * median(values):.1f}%" if values else "-")
            lines.append(f"| {gateway} | {workload} | {cells[0]} | {cells[1]} |")
    sub = max((m.subgraph_cpu_percent for m in results), default=0.0)
    lines += [
        "",
        f"Subgraphs' CPU at most {sub:.0f}% of a core in any window (memoized answers).",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + ".",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gateways", default=",".join(p.key for p in ALL_PEERS))
    parser.add_argument("--dedup", choices=["off", "on", "both"], default="off")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--workloads",
        default="heavy,light",
        help="heavy, light, and top10, top100, top1000 (answers of 10, 100, 1000 products)",
    )
    parser.add_argument(
        "--name", default="latest", help="write results/NAME.json and results/NAME.md"
    )
    parser.add_argument(
        "--hansa-workers",
        default="",
        help="also measure Hansa with these worker counts (e.g. 2,4): the scaling table",
    )
    parser.add_argument(
        "--hansa-at",
        default="",
        help="also measure Hansa at these git revisions (e.g. HEAD~3): a change's cost",
    )
    parser.add_argument("--report", type=Path, help="only print the tables of a results file")
    args = parser.parse_args()
    if args.report is not None:
        saved = json.loads(args.report.read_text())
        sys.stdout.write(report([Measurement(**m) for m in saved["results"]], saved["meta"]))
        return
    if os.cpu_count() is None or (os.cpu_count() or 0) < 2:
        raise SystemExit("the benchmark needs two cores: one for the gateway, one for the load")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (Debian/Ubuntu)")
    wanted = args.gateways.split(",")
    peers = [p for p in ALL_PEERS if p.key in wanted]
    peers += [hansa_workers(int(n)) for n in args.hansa_workers.split(",") if n]
    peers += [hansa_at(revision) for revision in args.hansa_at.split(",") if revision]
    workloads = [w for w in _workloads() if w.name in args.workloads.split(",")]
    modes = {"off": [False], "on": [True], "both": [False, True]}[args.dedup]
    scratch = RESULTS / "logs"
    scratch.mkdir(parents=True, exist_ok=True)
    results: list[Measurement] = []
    python = str(ROOT / ".venv/bin/python")
    serve = [python, "-m", "benchmarks.serve_subgraphs", "--products", str(max(SCALES))]
    sink = [python, "-m", "benchmarks.otlp_sink", "--port", "4318"]
    with (
        _process(serve, LOAD_CORE, scratch / "subgraphs.log", {}) as subgraphs_pid,
        _process(sink, LOAD_CORE, scratch / "otlp-sink.log", {}),
    ):
        _wait_ready("http://127.0.0.1:5003/graphql", b'{"query":"{__typename}"}')
        for round_ in range(1, args.rounds + 1):
            for peer in peers:
                for dedup in modes:
                    if dedup and not peer.has_dedup:
                        continue
                    results += measure_peer(
                        peer, dedup, workloads, round_, args, subgraphs_pid, scratch
                    )
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _machine(),
        "versions": _versions(),
        "connections": args.connections,
        "warmup": args.warmup,
        "duration": args.duration,
        "rounds": args.rounds,
        "name": args.name,
    }
    table = report(results, meta)
    (RESULTS / f"{args.name}.json").write_text(
        json.dumps({"meta": meta, "results": [asdict(m) for m in results]}, indent=1) + "\n"
    )
    (RESULTS / f"{args.name}.md").write_text(table)
    sys.stdout.write("\n" + table)


if __name__ == "__main__":
    main()
