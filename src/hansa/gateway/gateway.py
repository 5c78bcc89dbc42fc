"""The gateway pipeline: request → prepared operation → plan → fetches → completed response.

Everything per operation (parse, validation, normalization, plan, subgraph operation text) is
cached; per request only variables are coerced, fetches run, results merge and complete.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import ExecutionResult, execute
from graphql.execution.values import get_variable_values

from hansa.executor.completion import Completer
from hansa.executor.errors import ResponseError
from hansa.executor.fetching import ExecutionState, execute_plan
from hansa.gateway.config import GatewayConfig
from hansa.operation.normalized import Selection
from hansa.operation.prepare import (
    INTROSPECTION_FIELDS,
    OperationCache,
    OperationError,
    PreparedOperation,
    coded,
    format_error,
)
from hansa.planner.builder import PlanningError
from hansa.planner.plan import QueryPlan
from hansa.planner.query_planner import QueryPlanner
from hansa.supergraph import Supergraph, read_supergraph
from hansa.transport.http import SubgraphEndpoint, SubgraphTransport

PREPARE_IN_THREAD_BYTES = 4096  # documents larger than this are first prepared off the loop
PERCENT_LABEL = re.compile(r"^percent\((\d+(?:\.\d+)?)\)$")


@dataclass(frozen=True, slots=True)
class _Request:
    """One client operation as ``Gateway.execute`` received it."""

    query: str | None
    variables: Mapping[str, Any] | None
    operation_name: str | None
    headers: Mapping[str, str] | None
    allowed_kinds: tuple[str, ...]
    include_plan: bool


@dataclass
class GatewayResponse:
    status: int
    body: dict[str, Any]
    # ``body`` as JSON, once encoded (shared by requests deduplicated into one execution).
    encoded: bytes | None = None


def _within(count: int, limit: int, what: str, code: str) -> None:
    if count > limit:
        message = f"Maximum {what} limit exceeded ({count} > {limit})."
        raise OperationError([coded(message, code)])


def _label_active(label: str) -> bool:
    """``percent(N)``: on for N% of requests. Other labels are off (Router turns those on only
    through customizations, which Hansa does not have yet)."""
    match = PERCENT_LABEL.match(label)
    return match is not None and random.random() * 100 < float(match.group(1))


class Gateway:
    """Executes client operations against one supergraph. Reuse it across requests."""

    def __init__(self, supergraph: Supergraph | str, config: GatewayConfig | None = None) -> None:
        self.config = config or GatewayConfig()
        self.supergraph = (
            supergraph if isinstance(supergraph, Supergraph) else read_supergraph(supergraph)
        )
        unknown = set(self.config.subgraph_urls) - set(self.supergraph.subgraphs)
        if unknown:
            raise ValueError(f"URL override for unknown subgraph(s): {', '.join(sorted(unknown))}")
        self.operations = OperationCache(
            self.supergraph.api_schema,
            max_documents=self.config.max_cached_documents,
            max_tokens=self.config.max_tokens,
            max_bytes=self.config.max_cached_document_bytes,
        )
        self.planner = QueryPlanner(self.supergraph, max_plans=self.config.max_cached_plans)
        self.completer = Completer(self.supergraph.api_schema, self.supergraph.implements)
        self._in_flight: dict[tuple[Any, ...], asyncio.Future[GatewayResponse]] = {}
        self.transport = SubgraphTransport(
            {
                name: SubgraphEndpoint(
                    name,
                    self.config.subgraph_urls.get(name, info.url),
                    self.config.subgraph_timeouts.get(name, self.config.subgraph_timeout),
                    self.config.subgraph_headers.get(name, {}),
                )
                for name, info in self.supergraph.subgraphs.items()
            }
        )

    async def close(self) -> None:
        await self.transport.close()

    def _labels(self) -> frozenset[str]:
        if not self.supergraph.override_labels:
            return frozenset()
        return frozenset(label for label in self.supergraph.override_labels if _label_active(label))

    def prepare(self, query: str | None, operation_name: str | None) -> PreparedOperation:
        if not query or not query.strip():
            raise OperationError(
                [
                    coded(
                        "GraphQL operations must contain a non-empty `query` or a"
                        " `persistedQuery` extension.",
                        "BAD_REQUEST",
                    )
                ]
            )
        return self.operations.get(query, operation_name)

    def coerce_variables(
        self, prepared: PreparedOperation, variables: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        result = get_variable_values(
            self.supergraph.api_schema,
            prepared.operation.variable_definitions or (),
            dict(variables or {}),
            max_errors=50,
        )
        if isinstance(result, list):
            raise OperationError([format_error(error, "BAD_USER_INPUT") for error in result])
        return dict(result.coerced)

    async def execute(
        self,
        query: str | None,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        allowed_kinds: tuple[str, ...] = ("query", "mutation"),
        include_plan: bool = False,
    ) -> GatewayResponse:
        """Run one operation; request errors come back as a 4xx ``GatewayResponse``, a request
        that takes longer than ``request_timeout`` as a 504 (``GATEWAY_TIMEOUT``, its fetches
        cancelled).

        With ``inbound_dedup``, a query identical to one in flight (document, operation name,
        variables, forwarded headers) waits for that execution and gets its response."""
        request = _Request(query, variables, operation_name, headers, allowed_kinds, include_plan)
        try:
            async with asyncio.timeout(self.config.request_timeout):
                return await self._deduplicated(request)
        except TimeoutError:
            seconds = self.config.request_timeout
            message = f"The request did not complete within {seconds:g} s."
            return GatewayResponse(504, {"errors": [coded(message, "GATEWAY_TIMEOUT")]})

    async def _deduplicated(self, request: _Request) -> GatewayResponse:
        query, operation_name = request.query, request.operation_name
        if query and len(query) > PREPARE_IN_THREAD_BYTES and query not in self.operations:
            # Parsing and validating a large new document can take a second (validation is
            # quadratic in repeated fields): do it in a worker thread so the event loop keeps
            # serving everyone else meanwhile. The result is cached for the steps below.
            with contextlib.suppress(OperationError):
                await asyncio.to_thread(self.prepare, query, operation_name)
        run = self._execute(request)
        if not self.config.inbound_dedup:
            return await run
        key = self._dedup_key(request)
        if key is None:
            return await run
        shared = self._in_flight.get(key)
        if shared is None:
            shared = self._in_flight[key] = asyncio.ensure_future(run)
            shared.add_done_callback(lambda _: self._in_flight.pop(key, None))
        else:
            run.close()  # never started: this request rides on the one in flight
        # shielded: a client that goes away does not cancel the others' execution
        return await asyncio.shield(shared)

    def _dedup_key(self, request: _Request) -> tuple[Any, ...] | None:
        """What makes two requests the same execution; None for anything but a valid query."""
        try:
            if self.prepare(request.query, request.operation_name).kind != "query":
                return None
            variables = request.variables
            encoded = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS) if variables else b""
        except (OperationError, orjson.JSONEncodeError):
            return None
        headers = request.headers or {}
        forwarded = tuple(
            sorted((n, v) for n, v in headers.items() if n in self.config.forward_headers)
        )
        return (request.query, request.operation_name, encoded, forwarded, request.include_plan)

    async def _execute(self, request: _Request) -> GatewayResponse:
        query, variables, operation_name = request.query, request.variables, request.operation_name
        headers, allowed_kinds = request.headers, request.allowed_kinds
        include_plan = request.include_plan
        try:
            prepared = self.prepare(query, operation_name)
            if prepared.kind not in allowed_kinds:
                if prepared.kind == "subscription":
                    raise OperationError(
                        [
                            coded(
                                "Subscriptions are not supported over this transport.",
                                "SUBSCRIPTION_NOT_SUPPORTED",
                            )
                        ]
                    )
                raise OperationError(
                    [
                        coded(
                            f"Can only perform a {prepared.kind} operation from a POST request.",
                            "METHOD_NOT_ALLOWED",
                        )
                    ],
                    status=405,
                )
            coerced = self.coerce_variables(prepared, variables)
            assignment = prepared.assignment(coerced)
            selection = prepared.normalized(assignment)
            self._check_limits(prepared, assignment, selection)
            root_fields = selection.fields_for(prepared.root_type, self.supergraph.implements)
            introspected = frozenset(f.name for f in root_fields if f.name in INTROSPECTION_FIELDS)
            if introspected and not self.config.introspection:
                raise OperationError(
                    [coded("Introspection has been disabled.", "INTROSPECTION_DISABLED")]
                )
            plan = self.planner.plan(prepared, assignment, self._labels())
        except OperationError as error:
            return GatewayResponse(error.status, {"errors": error.errors})
        except PlanningError as error:
            return GatewayResponse(
                400,
                {
                    "errors": [
                        coded(f"Cannot plan this operation: {error}", "QUERY_PLANNING_FAILED")
                    ]
                },
            )

        forwarded = {
            name: value
            for name, value in (headers or {}).items()
            if name in self.config.forward_headers
        }
        try:
            state = await self._run(plan, prepared, coerced, forwarded, introspected)
            if state.requirement_errors and prepared.kind == "query":
                # A required field fetched with client data failed and may have nulled that
                # data: run the plan that fetches such requirements apart (queries only: a
                # mutation's root fields must not run twice).
                try:
                    plan = self.planner.plan(
                        prepared, assignment, self._labels(), isolate_requirements=True
                    )
                except PlanningError:
                    pass  # no such plan: the first answer stands
                else:
                    state = await self._run(plan, prepared, coerced, forwarded, introspected)
            data = self.completer.complete(
                selection, prepared.root_type, state.data, state.errors, introspected
            )
        except RecursionError:
            # Only a hostile subgraph answer nests deep enough for this (the client's own
            # selection is bounded by max_depth).
            return GatewayResponse(
                200,
                {
                    "errors": [
                        coded(
                            "A subgraph response is nested too deeply to process.",
                            "SUBREQUEST_MALFORMED_RESPONSE",
                        )
                    ],
                    "data": None,
                },
            )
        body: dict[str, Any] = {}
        if state.errors:
            body["errors"] = state.errors.formatted()
        body["data"] = data
        if include_plan:
            body["extensions"] = {"queryPlan": plan.pretty()}
        return GatewayResponse(200, body)

    async def _run(
        self,
        plan: QueryPlan,
        prepared: PreparedOperation,
        variables: dict[str, Any],
        headers: dict[str, str],
        introspected: frozenset[str],
    ) -> ExecutionState:
        state = ExecutionState(self.transport, variables, headers)
        if introspected:
            self._introspect(prepared, variables, state)
        await execute_plan(plan, state)
        return state

    def _check_limits(
        self, prepared: PreparedOperation, assignment: tuple[bool, ...], selection: Selection
    ) -> None:
        """Depth, and the aliases and root fields limits where configured."""
        _within(prepared.depth(assignment), self.config.max_depth, "depth", "MAX_DEPTH_LIMIT")
        if self.config.max_aliases is not None:
            _within(prepared.alias_count, self.config.max_aliases, "aliases", "MAX_ALIASES_LIMIT")
        if self.config.max_root_fields is not None:
            count = len(selection.fields_for(prepared.root_type, self.supergraph.implements))
            _within(count, self.config.max_root_fields, "root fields", "MAX_ROOT_FIELDS_LIMIT")

    def _introspect(
        self, prepared: PreparedOperation, variables: dict[str, Any], state: ExecutionState
    ) -> None:
        document = prepared.introspection_document
        assert document is not None
        result = execute(
            self.supergraph.api_schema,
            document,
            variable_values=variables,
            operation_name=prepared.name,
        )
        assert isinstance(result, ExecutionResult)
        if result.data:
            state.data.update(result.data)
        for error in result.errors or ():
            formatted = error.formatted
            state.errors.add(
                ResponseError(
                    formatted["message"], formatted.get("path"), formatted.get("extensions")
                )
            )
