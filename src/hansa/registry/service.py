"""What the registry does beyond storing: checks, diffs, deprecations, and copies of every
served supergraph written to a directory gateways can read instead of the registry.

The API (``api.py``), the web UI (``ui.py``) and tests call this; it calls the store.
"""

from __future__ import annotations

import asyncio
import difflib
import logging
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import print_schema

from hansa.composition import SubgraphInput, compose
from hansa.registry.publishing import Publisher, PublishError
from hansa.registry.store import Composition, PublishResult, Registry, RegistryError, Served
from hansa.supergraph import SupergraphError, read_supergraph

log = logging.getLogger("hansa.registry")


@dataclass
class CheckSettings:
    usage_days: int = 30
    usage_threshold: int = 0
    exclude_clients: list[str] = field(default_factory=list)
    plan_regression: str = "fail"  # fail | warn | off
    top_operations: int = 50
    deprecation_days: int = 30


def api_sdl(supergraph_sdl: str) -> str:
    """The client-facing schema of a supergraph, printed: what diffs compare."""
    return print_schema(read_supergraph(supergraph_sdl).api_schema)


def text_diff(old: str, new: str, old_name: str, new_name: str) -> list[str]:
    return list(
        difflib.unified_diff(old.splitlines(), new.splitlines(), old_name, new_name, lineterm="")
    )


class RegistryService:
    def __init__(
        self,
        registry: Registry,
        checks: CheckSettings | None = None,
        publishers: list[Publisher] | None = None,
    ) -> None:
        self.registry = registry
        self.checks = checks or CheckSettings()
        self.publishers = publishers or []
        self._publishing = asyncio.Lock()  # one writer of the directory, latest state last

    @property
    def public_key(self) -> str:
        return self.registry.signer.public_text()

    # -- writes that move what gateways serve ---------------------------------------------

    async def publish(self, *args: Any, **kwargs: Any) -> PublishResult:
        outcome = await self.registry.publish(*args, **kwargs)
        if outcome.created and outcome.composition is not None:
            await self._written(outcome.composition)
        return outcome

    async def remove_subgraph(
        self, graph: str, variant: str, subgraph: str, *, actor: str
    ) -> PublishResult:
        outcome = await self.registry.remove_subgraph(graph, variant, subgraph, actor=actor)
        if outcome.composition is not None:
            await self._written(outcome.composition)
        return outcome

    async def rollback(self, graph: str, variant: str, to: int, *, actor: str) -> Composition:
        composition = await self.registry.rollback(graph, variant, to, actor=actor)
        await self._written(composition)
        return composition

    async def promote(
        self, graph: str, source: str, target: str, number: int | None, *, actor: str
    ) -> Composition:
        composition = await self.registry.promote(graph, source, target, number, actor=actor)
        await self._written(composition)
        return composition

    async def set_canary(
        self, graph: str, variant: str, number: int, percent: int, **kwargs: Any
    ) -> Served:
        served = await self.registry.set_canary(graph, variant, number, percent, **kwargs)
        await self._write_served(graph, variant)
        return served

    async def end_canary(self, graph: str, variant: str, *, promote: bool, actor: str) -> Served:
        served = await self.registry.end_canary(graph, variant, promote=promote, actor=actor)
        await self._write_served(graph, variant)
        return served

    async def _written(self, composition: Composition) -> None:
        if not self.publishers:
            return
        folder = f"{composition.graph}/{composition.variant}"
        await self._write(
            f"{folder}/compositions/{composition.number}.json",
            orjson.dumps(composition.to_json()),
        )
        await self._write_served(composition.graph, composition.variant)

    async def _write_served(self, graph: str, variant: str) -> None:
        """Write what the variant serves now. Read under the lock, so concurrent writes end
        with the newest state on disk whatever order they finish in."""
        if not self.publishers:
            return
        async with self._publishing:
            try:
                served = await self.registry.served(graph, variant)
            except RegistryError:  # a forced composition before any valid one: nothing served
                return
            key = f"{graph}/{variant}/supergraph.json"
            await self._write(key, orjson.dumps(served.to_json()))

    async def _write(self, key: str, data: bytes) -> None:
        """A committed change is committed: a target that cannot be written is logged, and
        the next change (or the next start) writes it again."""
        for publisher in self.publishers:
            try:
                await publisher.put(key, data)
            except PublishError as error:
                log.error("cannot publish to %s: %s", publisher.describe(), error)

    async def sync_published(self) -> None:
        """At start: every variant's served state, in case a change landed before a crash
        kept it from the directory."""
        for graph in await self.registry.graphs():
            for variant in graph["variants"]:
                await self._write_served(graph["name"], variant["name"])

    # -- reads ----------------------------------------------------------------------------

    async def diff(
        self, graph: str, variant: str, start: int | None, end: int | None
    ) -> dict[str, Any]:
        """What changed for clients between compositions ``start`` and ``end`` (default: the
        current one and the valid one before it)."""
        from hansa.registry.checks import schema_changes

        if end is None:
            end_composition = (await self.registry.served(graph, variant)).current
        else:
            end_composition = await self.registry.composition(graph, variant, end)
        if start is None:
            history = await self.registry.history(graph, variant, limit=500)
            earlier = [
                c["number"]
                for c in history["compositions"]
                if c["valid"] and c["number"] < end_composition.number
            ]
            if not earlier:
                raise RegistryError(404, "NOT_FOUND", "no earlier valid composition to compare")
            start = earlier[0]
        start_composition = await self.registry.composition(graph, variant, start)
        old, new = start_composition.supergraph_sdl, end_composition.supergraph_sdl
        if old is None or new is None:
            raise RegistryError(400, "BAD_REQUEST", "both compositions must be valid to compare")
        changes = schema_changes(read_supergraph(old).api_schema, read_supergraph(new).api_schema)
        return {
            "from": start_composition.number,
            "to": end_composition.number,
            "changes": [c.to_json() for c in changes],
            "diff": text_diff(
                api_sdl(old), api_sdl(new), f"#{start}", f"#{end_composition.number}"
            ),
        }

    async def subgraph_diff(
        self, graph: str, subgraph: str, start: str, end: str
    ) -> dict[str, Any]:
        old = await self.registry.subgraph_sdl(graph, subgraph, start)
        new = await self.registry.subgraph_sdl(graph, subgraph, end)
        return {
            "subgraph": subgraph,
            "from": start,
            "to": end,
            "diff": text_diff(old, new, f"{subgraph}@{start}", f"{subgraph}@{end}"),
        }

    async def check(
        self,
        graph: str,
        variant: str,
        subgraph: str,
        sdl: str,
        *,
        url: str | None = None,
        usage_days: int | None = None,
        exclude_clients: list[str] | None = None,
        threshold: int | None = None,
        usage_reports: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Would publishing ``sdl`` as ``subgraph`` be safe? Nothing is recorded."""
        members = await self.registry.proposed_members(graph, variant)
        result = await asyncio.to_thread(compose, proposal(members, subgraph, sdl, url))
        try:
            base = (await self.registry.served(graph, variant)).current.supergraph_sdl
        except RegistryError:
            base = None
        if usage_reports is None:
            usage_reports = await self.registry.usage_reports(
                graph, variant, usage_days or self.checks.usage_days
            )
        return await asyncio.to_thread(
            run_check,
            base,
            result,
            usage_reports,
            self.checks,
            exclude_clients=exclude_clients,
            threshold=threshold,
        )

    async def deprecations(self, graph: str, variant: str, days: int | None) -> dict[str, Any]:
        from hansa.registry.checks.deprecations import deprecated_fields
        from hansa.registry.checks.usage import Usage

        window = days or self.checks.deprecation_days
        current = (await self.registry.served(graph, variant)).current
        assert current.supergraph_sdl is not None
        reports = await self.registry.usage_reports(graph, variant, window)
        schema = read_supergraph(current.supergraph_sdl).api_schema
        found = deprecated_fields(schema, Usage.from_reports(reports), window_days=window)
        return {"window_days": window, "deprecations": [d.to_json() for d in found]}


def proposal(
    members: list[SubgraphInput], subgraph: str, sdl: str, url: str | None
) -> list[SubgraphInput]:
    """``members`` with ``subgraph``'s schema replaced by ``sdl`` (or added), keeping its
    routing URL unless ``url`` gives another."""
    previous = next((m.url for m in members if m.name == subgraph), None)
    others = [m for m in members if m.name != subgraph]
    return [*others, SubgraphInput(subgraph, url or previous or "http://unset", sdl)]


def run_check(
    base_supergraph: str | None,
    result: Any,
    usage_reports: list[dict[str, Any]],
    settings: CheckSettings,
    *,
    exclude_clients: list[str] | None = None,
    threshold: int | None = None,
) -> dict[str, Any]:
    """One check, online or offline (``hansa registry check --usage-snapshot``): composition
    errors and hints, classified changes (weighed against usage), plan regressions."""
    from hansa.registry.checks import run_checks
    from hansa.registry.checks.usage import Usage

    errors = [{"code": e.code, "message": e.message} for e in result.errors]
    hints = [{"code": h.code, "message": h.message} for h in result.hints]
    composition = {
        "valid": result.supergraph_sdl is not None and not errors,
        "errors": errors,
        "hints": hints,
    }
    if result.supergraph_sdl is None:
        return {"ok": False, "composition": composition, "changes": [], "plan_regressions": []}
    try:
        report = run_checks(
            base_supergraph,
            result.supergraph_sdl,
            Usage.from_reports(usage_reports) if usage_reports else None,
            exclude_clients=tuple(
                exclude_clients if exclude_clients is not None else settings.exclude_clients
            ),
            threshold=threshold if threshold is not None else settings.usage_threshold,
            plan_regression=settings.plan_regression != "off",
            top_operations=settings.top_operations,
            deprecation_window_days=settings.deprecation_days,
        )
    except SupergraphError as error:
        composition["errors"] = [{"code": "INVALID_SUPERGRAPH", "message": str(error)}]
        return {"ok": False, "composition": composition, "changes": [], "plan_regressions": []}
    body = report.to_json()
    breaking = any(c["severity"] == "breaking" for c in body["changes"])
    regressed = bool(body["plan_regressions"]) and settings.plan_regression == "fail"
    return {
        "ok": not breaking and not regressed,
        "composition": composition,
        "changes": body["changes"],
        "plan_regressions": body["plan_regressions"],
        "plan_regression": settings.plan_regression,
    }
