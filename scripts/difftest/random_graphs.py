"""``scripts/differential --random-graphs N``: random supergraphs, random operations, two gateways.

For graph index i of ``--graph-seed S``: ``graphgen.generate(S, i)`` makes the subgraph set,
``universe.build_subgraphs`` serves it, ``multi.mjs`` composes it (a set that does not compose
is counted by error code and skipped) and starts Apollo Gateway on it, Hansa's gateway is
created in-process, and ``core.Checker`` sends ``--queries`` random operations (seeded by
``--seed``, S and i) to both. Every subgraph and every Hansa gateway of the run is served by one
loopback server (``Router``), and every Apollo Gateway by one Node process, so a graph costs
its composition and little else.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from graphql import GraphQLSchema
from scripts.difftest.core import Checker, Options, Pools, compare, ordered, payload_of, post
from scripts.difftest.graphgen import Graph, generate
from scripts.difftest.monolith import Monolith
from scripts.difftest.oracle import Oracle
from scripts.difftest.universe import build_subgraphs, verdict

from hansa.gateway import GatewayConfig, create_app
from hansa.http.serve import BackgroundServers, Binding
from hansa.supergraph import read_supergraph

Scope = dict[str, Any]
APOLLO_TIMEOUT = 20.0


class ApolloStuck(Exception):
    """Apollo Gateway did not answer in time: its Node process is restarted."""


class Router:
    """One ASGI app for the whole run: ``/sg/<graph>/<subgraph>`` and ``/hansa/<graph>``."""

    def __init__(self) -> None:
        self.apps: dict[str, Any] = {}
        self.base = ""

    def add(self, prefix: str, app: Any) -> str:
        self.apps[prefix] = app
        return f"{self.base}/{prefix}/graphql"

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        parts = scope["path"].strip("/").split("/")
        if parts[0] == "close":
            # close the Hansa gateways (their connection pools) of one graph, on this loop
            prefix = "/".join(parts[1:])
            for key in [k for k in self.apps if k == prefix or k.startswith(prefix + "/")]:
                app = self.apps.pop(key)
                if hasattr(app, "shutdown"):
                    await app.shutdown()
            await _reply(send, 200, b"{}")
            return
        prefix = "/".join(parts[:-1]) if parts[-1] == "graphql" else "/".join(parts)
        app = self.apps.get(prefix)
        if app is None:
            await _reply(send, 404, b'{"error": "no such app"}')
            return
        await app(
            {**scope, "path": "/graphql", "raw_path": b"/graphql", "root_path": ""}, receive, send
        )


async def _reply(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@contextmanager
def _serve(app: Any) -> Iterator[str]:
    """``app`` on a loopback port, with a keep-alive longer than Node's agent's (uvicorn's 5 s
    default closes sockets Apollo Gateway is about to reuse: "socket hang up")."""
    servers = BackgroundServers([Binding(app)])
    for server in servers._servers:
        server.config.timeout_keep_alive = 120
    with servers:
        yield servers.urls[0]


@dataclass
class GraphTarget:
    """One generated, composed graph behind both gateways."""

    name: str
    graph: Graph
    sdl: str
    schema: GraphQLSchema
    hansa: str
    apollo: str
    oracle: Oracle
    subgraph_sdls: dict[str, str]
    monolith: Monolith
    stats: Stats
    out: IO[str] | None = None  # where answers the one server disagrees with are recorded

    def both(self, query: str, variables: dict[str, Any]) -> tuple[dict, dict, list[str]]:
        a = post(self.apollo, payload_of(query, variables), timeout=APOLLO_TIMEOUT)
        if a["status"] == 0:
            # Apollo's planner can take minutes on some operations, and blocks its process
            raise ApolloStuck(query)
        h = post(self.hansa, payload_of(query, variables))
        kinds = compare(self.sdl, a, h)
        if not kinds and a["status"] == 200:
            # the one-server answer is a verdict only if it agrees where both gateways agree
            one = self.monolith.answer(query, variables).get("data")
            same = ordered(one) == ordered(a["body"].get("data"))
            self.stats.one_server[same] += 1
            if not same and self.out is not None:
                record = {
                    "scenario": self.name,
                    "kinds": ["one-server-differs"],
                    "query": query,
                    "variables": variables,
                    "one_server": one,
                    "gateways": a["body"],
                    "subgraphs": self.subgraph_sdls,
                    "supergraph": self.sdl,
                }
                self.out.write(json.dumps(record) + "\n")
        return a, h, kinds

    def apollo_plan(self, query: str) -> str:
        return self.oracle.plan(self.sdl, query)


@dataclass
class Stats:
    generated: int = 0
    composed: int = 0
    not_built: Counter[str] = field(default_factory=Counter)
    not_composed: Counter[str] = field(default_factory=Counter)
    apollo_refused: Counter[str] = field(default_factory=Counter)
    hansa_refused: Counter[str] = field(default_factory=Counter)
    run: int = 0
    harness_errors: Counter[str] = field(default_factory=Counter)
    apollo_timeouts: int = 0
    features: Counter[str] = field(default_factory=Counter)
    mismatching_features: Counter[str] = field(default_factory=Counter)
    one_server: Counter[bool] = field(default_factory=Counter)  # agrees where both gateways do


def placeholder(name: str) -> str:
    return f"http://{name}.graph.invalid/graphql"


class RandomGraphs:
    """Generates, composes and checks random graphs; shared by the CLI and the test slice."""

    def __init__(self, options: Options, graph_seed: int, query_seed: int) -> None:
        self.options = options
        self.graph_seed = graph_seed
        self.query_seed = query_seed
        self.stats = Stats()
        self.checker = Checker(options, verdict=verdict, minimized_global={})
        self.stack = ExitStack()
        self.router = Router()

    def __enter__(self) -> RandomGraphs:
        self.oracle = self.stack.enter_context(Oracle())
        self.router.base = self.stack.enter_context(_serve(self.router))
        return self

    def __exit__(self, *exc: object) -> None:
        self.checker.close()
        self.stack.close()

    def graph(self, index: int) -> None:
        """Generate, compose and check graph ``index``; a harness failure is counted, not fatal."""
        try:
            self._graph(index)
        except ApolloStuck as stuck:
            self.stats.apollo_timeouts += 1
            print(f"g{self.graph_seed}-{index}: Apollo Gateway timed out on {stuck}", flush=True)
            self.oracle.restart()
        except Exception as error:
            self.stats.harness_errors[type(error).__name__] += 1
            print(f"g{self.graph_seed}-{index}: harness error {error!r}", flush=True)

    def _graph(self, index: int) -> None:
        stats = self.stats
        stats.generated += 1
        graph = generate(self.graph_seed, index)
        try:
            subgraphs = build_subgraphs(graph)
        except Exception as error:  # a generator bug: the SDL is not a valid subgraph
            stats.not_built[type(error).__name__] += 1
            return
        sdls = {s.name: graph.sdl(s) for s in graph.subgraphs}
        composed = self.oracle.compose(
            [{"name": n, "url": placeholder(n), "sdl": s} for n, s in sdls.items()],
            graph.composer,
        )
        supergraph = composed.get("supergraphSdl")
        if not supergraph:
            codes = sorted({str(e.get("code")) for e in composed.get("errors") or []})
            stats.not_composed[",".join(codes) or "?"] += 1
            return
        stats.composed += 1
        prefix = f"sg/{graph.name}"
        urls = {s.name: self.router.add(f"{prefix}/{s.name}", s.asgi_app()) for s in subgraphs}
        try:
            try:
                schema = read_supergraph(supergraph).api_schema
                config = GatewayConfig(
                    subgraph_urls=urls, subgraph_timeout=10.0, expose_query_plan=True
                )
                hansa = self.router.add(f"hansa/{graph.name}", create_app(supergraph, config))
            except Exception as error:
                stats.hansa_refused[type(error).__name__] += 1
                self._refused(graph, sdls, supergraph, "hansa", repr(error))
                return
            try:
                apollo = self.oracle.gateway(supergraph, urls)
            except RuntimeError as error:
                stats.apollo_refused[str(error)[:60]] += 1
                return
            try:
                self.check(graph, index, sdls, supergraph, schema, hansa, apollo)
            except ApolloStuck:
                raise
            else:
                self.oracle.stop_gateway(apollo)
        finally:
            post(f"{self.router.base}/close/hansa/{graph.name}", {})
            post(f"{self.router.base}/close/{prefix}", {})

    def check(
        self,
        graph: Graph,
        index: int,
        sdls: dict[str, str],
        supergraph: str,
        schema: GraphQLSchema,
        hansa: str,
        apollo: str,
    ) -> None:
        stats = self.stats
        stats.run += 1
        for f in graph.features:
            stats.features[f] += 1
        monolith = Monolith(graph, schema)
        self.checker.verdict = partial(verdict, monolith=monolith)
        target = GraphTarget(
            name=graph.name,
            graph=graph,
            sdl=supergraph,
            schema=schema,
            hansa=hansa,
            apollo=apollo,
            oracle=self.oracle,
            subgraph_sdls=sdls,
            monolith=monolith,
            stats=stats,
            out=self.checker.out,
        )
        self.checker.extra = lambda _t: {
            "graph_seed": self.graph_seed,
            "graph_index": index,
            "query_seed": self.query_seed,
            "composer": graph.composer,
            "features": graph.features,
            "subgraphs": sdls,
            "supergraph": supergraph,
            "reproduce": (
                f"scripts/differential --random-graphs {index + 1} --graph-seed"
                f" {self.graph_seed} --only-graph {index} --seed {self.query_seed}"
                f" --queries {self.options.queries}"
            ),
        }
        pools = Pools()
        for td in graph.types.values():
            for _id in td.ids[:2]:
                Pools._add(pools.by_field, "id", _id)
        Pools._add(pools.by_field, "id", "missing")
        rng = random.Random(f"{self.query_seed}:{self.graph_seed}:{index}")
        before = len(self.checker.mismatches)
        produced, found = self.checker.run(target, pools, rng)
        if found:
            for f in graph.features:
                stats.mismatching_features[f] += 1
        if not self.options.quiet or found:
            kinds = Counter(", ".join(m["kinds"]) for m in self.checker.mismatches[before:])
            print(
                f"{graph.name} ({graph.composer}, {len(sdls)} subgraphs): {produced} operations,"
                f" {found} mismatches {dict(kinds) if kinds else ''}",
                flush=True,
            )

    def _refused(
        self, graph: Graph, sdls: dict[str, str], supergraph: str, side: str, error: str
    ) -> None:
        record = {
            "scenario": graph.name,
            "kinds": [f"{side}-refused-supergraph"],
            "error": error,
            "subgraphs": sdls,
            "supergraph": supergraph,
        }
        print(f"{graph.name}: {side} refused the supergraph: {error}", flush=True)
        if self.checker.out:
            self.checker.out.write(json.dumps(record) + "\n")

    def summary(self, seconds: float) -> None:
        stats, checker = self.stats, self.checker
        print("=" * 100)
        print(
            f"graphs: {stats.generated} generated, {stats.composed} composed"
            f" ({stats.composed / max(stats.generated, 1):.0%}), {stats.run} run through both"
            f" gateways in {seconds:.0f}s"
        )
        if stats.apollo_timeouts:
            print(f"  graphs abandoned because Apollo Gateway timed out: {stats.apollo_timeouts}")
        if stats.not_composed:
            print(f"  not composed, by error code: {dict(stats.not_composed.most_common())}")
        for label, counter in (
            ("not built (generator bug)", stats.not_built),
            ("Apollo Gateway refused", stats.apollo_refused),
            ("Hansa refused", stats.hansa_refused),
            ("harness errors", stats.harness_errors),
        ):
            if counter:
                print(f"  {label}: {dict(counter)}")
        by_kind: Counter[str] = Counter(", ".join(m["kinds"]) for m in checker.mismatches)
        graphs = {m["scenario"] for m in checker.mismatches}
        print(
            f"operations: {checker.generated} sent ({checker.sent} request pairs in all,"
            f" {checker.invalid} generated invalid and dropped), {len(checker.mismatches)}"
            f" mismatches in {len(graphs)} graphs"
            f" ({sum(m['flaky'] for m in checker.mismatches)} flaky)"
        )
        for kind, count in by_kind.most_common():
            print(f"  {count} x {kind}")
        agree, matching = stats.one_server[True], stats.one_server.total()
        print(
            f"one-server answer equal to both gateways' on {agree} of {matching} agreeing answers"
        )
        verdicts = Counter(
            m.get("verdict")
            or (
                f"key order: spec followed by {m['spec_order']}"
                if "spec_order" in m
                else "unexplained"
            )
            for m in checker.mismatches
        )
        print("by verdict:")
        for v, count in verdicts.most_common():
            print(f"  {count} x {v}")
        print("features (graphs run / graphs with a mismatch):")
        for f, count in sorted(stats.features.items()):
            print(f"  {f}: {count} / {stats.mismatching_features[f]}")
        if self.options.minimize:
            checker.print_minimized()


@contextmanager
def random_graphs(options: Options, graph_seed: int, query_seed: int) -> Iterator[RandomGraphs]:
    with RandomGraphs(options, graph_seed, query_seed) as run:
        yield run


def main(args: argparse.Namespace) -> None:
    options = Options(
        queries=args.queries or 12,
        minimize=args.minimize,
        minimize_per_kind=args.minimize_per_kind,
        no_mutations=True,
        quiet=args.quiet,
        out=args.out,
        minimize_seconds=30.0,
        max_depth=4,
        max_fields=3,
    )
    start = time.monotonic()
    with random_graphs(options, args.graph_seed, args.seed) as run:
        indexes = [args.only_graph] if args.only_graph is not None else range(args.random_graphs)
        for index in indexes:
            if args.time_budget and time.monotonic() - start > args.time_budget:
                print(f"time budget reached after {run.stats.generated} graphs", flush=True)
                break
            run.graph(index)
        run.summary(time.monotonic() - start)
