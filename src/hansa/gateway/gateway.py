"""The gateway pipeline: request → prepared operation → plan → fetches → completed response.

Everything per operation (parse, validation, normalization, plan, subgraph operation text) is
cached; per request only variables are coerced, fetches run, results merge and complete. The
plugins' hooks (``hansa.pipeline``) run between the stages; features that are not the core of
federation (limits, resilience, demand control, rate limits) are plugins on those hooks.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import re
import ssl
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import ExecutionResult, execute, extend_schema, parse

from hansa.cache.hints import CACHE_DIRECTIVE
from hansa.cache.hints import DECLARATION as CACHE_DECLARATION
from hansa.executor.completion import Completer
from hansa.executor.errors import ResponseError
from hansa.executor.fetching import ExecutionState, execute_plan
from hansa.gateway.config import GatewayConfig
from hansa.gateway.plugins import configured_plugins
from hansa.operation.prepare import (
    INTROSPECTION_FIELDS,
    OperationCache,
    OperationError,
    PreparedOperation,
    coded,
    format_error,
)
from hansa.operation.variables import coerce_variables
from hansa.pipeline.context import GatewayResponse, OperationInfo, RequestContext
from hansa.pipeline.plugin import Pipeline, Plugin
from hansa.pipeline.request_id import request_id as new_request_id
from hansa.pipeline.request_id import with_request_id
from hansa.planner.builder import PlanningError
from hansa.planner.plan import QueryPlan
from hansa.planner.query_planner import QueryPlanner
from hansa.plugins.authorization import Authorization, Policy
from hansa.plugins.persisted_queries import PersistedQueries
from hansa.supergraph import Supergraph, read_supergraph
from hansa.transport.client import SubgraphClient
from hansa.transport.http import SubgraphEndpoint, SubgraphTransport
from hansa.transport.inprocess import InProcessTransport
from hansa.transport.tls import ClientTls, TlsError

DEGRADED_FIELD = "_degraded"
PREPARE_IN_THREAD_BYTES = 4096  # documents larger than this are first prepared off the loop
PERCENT_LABEL = re.compile(r"^percent\((\d+(?:\.\d+)?)\)$")


@dataclass(frozen=True, slots=True)
class _Request:
    """One client operation as ``Gateway.execute`` received it."""

    context: RequestContext
    allowed_kinds: tuple[str, ...]
    include_plan: bool


def _with_degraded_field(supergraph: Supergraph) -> Supergraph | None:
    """The supergraph whose API schema has ``_degraded: Boolean`` on the query root; None when
    a subgraph already defines a field of that name (it stays the subgraph's)."""
    root = supergraph.root_types.get("query", "Query")
    if DEGRADED_FIELD in supergraph.types[root].fields:
        return None
    description = '"True when part of this response is missing because a subgraph fetch failed."'
    extension = parse(f"extend type {root} {{ {description} {DEGRADED_FIELD}: Boolean }}")
    return dataclasses.replace(
        supergraph, api_schema=extend_schema(supergraph.api_schema, extension)
    )


def _with_cache_directive(supergraph: Supergraph) -> Supergraph:
    """The supergraph whose API schema declares ``@cache(ttl:)`` for clients' operations (it
    never reaches a subgraph: planned selections carry no directives)."""
    if supergraph.api_schema.get_directive(CACHE_DIRECTIVE) is not None:
        return supergraph
    extended = extend_schema(supergraph.api_schema, parse(CACHE_DECLARATION))
    return dataclasses.replace(supergraph, api_schema=extended)


def _explained_by_removal(state: ExecutionState, removed: list[tuple[str, ...]]) -> None:
    """Drop the non-null errors completion raised for fields a plugin removed (their removal
    error says why they are null). ``removed`` paths have ``"@"`` for any list position."""

    def at_removed(error: ResponseError) -> bool:
        path = error.path
        if path is None or not error.message.startswith("Cannot return null"):
            return False
        return any(
            len(path) == len(template)
            and all(
                (t == "@" and isinstance(p, int)) or t == p
                for t, p in zip(template, path, strict=True)
            )
            for template in removed
        )

    state.errors.retain(lambda error: not at_removed(error))


def _tls_contexts(config: GatewayConfig, subgraphs: Mapping[str, Any]) -> dict[str, ssl.SSLContext]:
    """Each subgraph's TLS context, built once per distinct setting (a subgraph with none, and
    no ``config.tls``, verifies against the system's authorities). A file that cannot be used
    is a ``ValueError`` naming the subgraph."""
    unknown = set(config.subgraph_tls) - set(subgraphs)
    if unknown:
        raise ValueError(f"TLS settings for unknown subgraph(s): {', '.join(sorted(unknown))}")
    built: dict[ClientTls, ssl.SSLContext] = {}
    contexts: dict[str, ssl.SSLContext] = {}
    for name in subgraphs:
        own = config.subgraph_tls.get(name)
        settings = config.tls if own is None else own.over(config.tls)
        if settings is None:
            continue
        if settings not in built:
            try:
                built[settings] = settings.context()
            except TlsError as error:
                raise ValueError(f"subgraph {name}: {error}") from None
        contexts[name] = built[settings]
    return contexts


def _label_active(label: str) -> bool:
    """``percent(N)``: on for N% of requests. Other labels are off (Router turns those on only
    through customizations, which Hansa does not have yet)."""
    match = PERCENT_LABEL.match(label)
    return match is not None and random.random() * 100 < float(match.group(1))


class Gateway:
    """Executes client operations against one supergraph. Reuse it across requests."""

    def __init__(
        self,
        supergraph: Supergraph | str,
        config: GatewayConfig | None = None,
        plugins: Sequence[Plugin] = (),
        *,
        pipeline: Pipeline | None = None,
    ) -> None:
        """``plugins`` run after the built-in ones ``config`` asks for. A reloaded gateway
        passes its predecessor's ``pipeline`` instead, so plugin state (breakers, rate-limit
        buckets) carries over."""
        self.config = config or GatewayConfig()
        # Which registry composition this is (``x-hansa-composition``), set by the source.
        self.composition: str | None = None
        self.supergraph = (
            supergraph if isinstance(supergraph, Supergraph) else read_supergraph(supergraph)
        )
        with_field = _with_degraded_field(self.supergraph) if self.config.degraded_field else None
        self.degraded_field = with_field is not None
        self.supergraph = with_field or self.supergraph
        if self.config.cache is not None and self.config.cache.responses:
            self.supergraph = _with_cache_directive(self.supergraph)
        unknown = set(self.config.subgraph_urls) - set(self.supergraph.subgraphs)
        if unknown:
            raise ValueError(f"URL override for unknown subgraph(s): {', '.join(sorted(unknown))}")
        self.operations = OperationCache(
            self.supergraph.api_schema,
            max_documents=self.config.max_cached_documents,
            max_tokens=self.config.max_tokens,
            max_bytes=self.config.max_cached_document_bytes,
        )
        self.planner = QueryPlanner(
            self.supergraph,
            max_plans=self.config.max_cached_plans,
            max_bytes=self.config.max_cached_plan_bytes,
        )
        # How often each planned operation ran (document, name, conditions): what a reload
        # plans ahead. Bounded like the plan cache; least recently used go first.
        self._used: OrderedDict[tuple[str, str | None, tuple[bool, ...]], int] = OrderedDict()
        self.completer = Completer(self.supergraph.api_schema, self.supergraph.implements)
        self._in_flight: dict[tuple[Any, ...], asyncio.Future[GatewayResponse]] = {}
        if pipeline is None:
            pipeline = Pipeline([*configured_plugins(self.config), *plugins])
        elif plugins:
            raise TypeError("pass either plugins or a pipeline, not both")
        self.pipeline = pipeline
        pipeline.load(self.supergraph)
        tls = _tls_contexts(self.config, self.supergraph.subgraphs)
        self.transport = SubgraphTransport(
            {
                name: SubgraphEndpoint(
                    name,
                    self.config.subgraph_urls.get(name, info.url),
                    self.config.subgraph_timeouts.get(name, self.config.subgraph_timeout),
                    self.config.subgraph_headers.get(name, {}),
                    self.config.max_subgraph_response_bytes,
                    tls.get(name),
                )
                for name, info in self.supergraph.subgraphs.items()
            }
        )
        transport: SubgraphClient = self.transport
        if self.config.in_process:
            transport = InProcessTransport(self.transport, self.config.in_process)
        self.client = pipeline.client(transport)
        for plugin in pipeline.plugins:  # persisted operations are planned before they are asked
            if isinstance(plugin, PersistedQueries):
                self.warm_up([(body, None, None) for body in plugin.manifest.operations.values()])

    def _count_use(self, query: str, name: str | None, assignment: tuple[bool, ...]) -> None:
        key = (query, name, assignment)
        used = self._used
        count = used.get(key)
        if count is None:
            used[key] = 1
            if len(used) > self.config.max_cached_plans:
                used.popitem(last=False)
        else:
            used[key] = count + 1
            used.move_to_end(key)

    def most_used(self, count: int) -> list[tuple[str, str | None, tuple[bool, ...]]]:
        """The ``count`` operations (document, name, conditions) this gateway ran most."""
        ranked = sorted(self._used.items(), key=lambda item: item[1], reverse=True)
        return [key for key, _ in ranked[:count]]

    def warm_up(self, operations: Sequence[tuple[str, str | None, tuple[bool, ...] | None]]) -> int:
        """Parse, validate and plan ``operations`` ahead of their first request (None
        conditions: all false); those this supergraph refuses are skipped. How many were
        planned."""
        planned = 0
        for query, name, assignment in operations:
            try:
                prepared = self.prepare(query, name)
                if prepared.kind == "subscription":
                    continue
                conditions = assignment
                if conditions is None or len(conditions) != len(prepared.condition_variables):
                    conditions = prepared.assignment({})
                self.planner.plan(prepared, conditions, self._labels())
            except (OperationError, PlanningError):
                continue
            planned += 1
        return planned

    def caches(self) -> dict[str, Any]:
        """The plan cache's figures, for ``/health/ready``."""
        planner = self.planner
        total = planner.hits + planner.misses
        return {
            "plan_cache": {
                "entries": len(planner),
                "bytes": planner.bytes,
                "hits": planner.hits,
                "misses": planner.misses,
                "hit_rate": round(planner.hits / total, 4) if total else 0.0,
            }
        }

    def policy(self, name: str) -> Callable[[Policy], Policy]:
        """``@gateway.policy("read_own_orders")``: the callable deciding a ``@policy`` name
        (sync or async, called with the verified claims, or None, and the request context)."""
        for plugin in self.pipeline.plugins:
            if isinstance(plugin, Authorization):
                return plugin.policy(name)
        raise RuntimeError("this gateway's pipeline has no authorization plugin")

    async def close(self, *, keep_plugins: bool = False) -> None:
        """Close the subgraph connections, and the plugins unless a successor still uses them."""
        await self.client.close()
        if not keep_plugins:
            await self.pipeline.close()

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
        result = coerce_variables(
            self.supergraph.api_schema,
            prepared.operation.variable_definitions or (),
            variables or {},
        )
        if isinstance(result, list):
            raise OperationError([format_error(error, "BAD_USER_INPUT") for error in result])
        return result

    async def execute(
        self,
        query: str | None,
        variables: Mapping[str, Any] | None = None,
        operation_name: str | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        allowed_kinds: tuple[str, ...] = ("query", "mutation"),
        include_plan: bool = False,
        client: str | None = None,
        method: str | None = None,
        request_id: str | None = None,
        extensions: Mapping[str, Any] | None = None,
    ) -> GatewayResponse:
        """Run one operation; request errors come back as a 4xx ``GatewayResponse``, a request
        that takes longer than ``request_timeout`` as a 504 (``GATEWAY_TIMEOUT``, its fetches
        cancelled). ``headers`` have lower-case names; ``client`` is the caller's address and
        ``method`` the HTTP method, for requests that came over HTTP. Every error carries
        ``extensions.requestId``: ``request_id``, or a new one.

        With ``inbound_dedup``, a query identical to one in flight (document, operation name,
        variables, forwarded headers) waits for that execution and gets its response."""
        context = RequestContext(
            query,
            variables,
            operation_name,
            headers or {},
            client,
            method,
            request_id=request_id or new_request_id(None),
            extensions=extensions,
            composition=self.composition,
        )
        response = await self._timed(context, _Request(context, allowed_kinds, include_plan))
        if "errors" in response.body:
            body = with_request_id(response.body, context.request_id)
            response = dataclasses.replace(response, body=body, encoded=None)
        return response

    async def _timed(self, context: RequestContext, request: _Request) -> GatewayResponse:
        pipeline = self.pipeline
        try:
            async with asyncio.timeout(self.config.request_timeout):
                if pipeline.request_hooks:
                    answer = await pipeline.on_request(context)
                    if answer is not None:
                        return await self._respond(context, answer)
                return await self._deduplicated(request)
        except TimeoutError:
            seconds = self.config.request_timeout
            message = f"The request did not complete within {seconds:g} s."
            timeout = GatewayResponse(504, {"errors": [coded(message, "GATEWAY_TIMEOUT")]})
            return await self._respond(context, timeout)

    async def _respond(self, context: RequestContext, response: GatewayResponse) -> GatewayResponse:
        if self.pipeline.response_hooks:
            await self.pipeline.on_response(context, response)
        return response

    async def _deduplicated(self, request: _Request) -> GatewayResponse:
        query, operation_name = request.context.query, request.context.operation_name
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
        context = request.context
        try:
            if self.prepare(context.query, context.operation_name).kind != "query":
                return None
            variables = context.variables
            encoded = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS) if variables else b""
        except (OperationError, orjson.JSONEncodeError):
            return None
        forwarded = tuple(
            sorted((n, v) for n, v in context.headers.items() if n in self.config.forward_headers)
        )
        identity = tuple(context.identity)
        return (
            context.query,
            context.operation_name,
            encoded,
            forwarded,
            identity,
            request.include_plan,
        )

    async def _execute(self, request: _Request) -> GatewayResponse:
        """One execution and its ``on_response`` (shared by requests deduplicated into it)."""
        context = request.context
        return await self._respond(context, await self._answer(request))

    async def _answer(self, request: _Request) -> GatewayResponse:
        context = request.context
        pipeline = self.pipeline
        try:
            prepared = self.prepare(context.query, context.operation_name)
            if prepared.kind not in request.allowed_kinds:
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
            coerced = self.coerce_variables(prepared, context.variables)
            assignment = prepared.assignment(coerced)
            selection = prepared.normalized(assignment)
            context.operation = OperationInfo(prepared, coerced, assignment, selection)
            if pipeline.operation_hooks:
                answer = await pipeline.on_operation(context)
                if answer is not None:
                    return answer
            root_fields = selection.fields_for(prepared.root_type, self.supergraph.implements)
            introspected = frozenset(f.name for f in root_fields if f.name in INTROSPECTION_FIELDS)
            if introspected and not self._may_introspect(context):
                raise OperationError(
                    [coded("Introspection has been disabled.", "INTROSPECTION_DISABLED")]
                )
            planned: PreparedOperation | None = prepared
            planned_assignment = assignment
            if context.denied_paths:  # a plugin removed fields: plan what is left
                planned, planned_assignment = self._rewritten(context)
            plan = (
                self.planner.plan(planned, planned_assignment, self._labels())
                if planned is not None
                else QueryPlan(None)
            )
            if context.query is not None:
                self._count_use(context.query, context.operation_name, assignment)
            if pipeline.plan_hooks:
                plan = await pipeline.on_plan(context, plan)
            context.plan = plan
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
            for name, value in context.headers.items()
            if name in self.config.forward_headers
        }
        try:
            state = await self._run(plan, context, forwarded, introspected)
            if state.requirement_errors and prepared.kind == "query" and planned is not None:
                # A required field fetched with client data failed and may have nulled that
                # data: run the plan that fetches such requirements apart (queries only: a
                # mutation's root fields must not run twice).
                try:
                    plan = self.planner.plan(
                        planned, planned_assignment, self._labels(), isolate_requirements=True
                    )
                except PlanningError:
                    pass  # no such plan: the first answer stands
                else:
                    context.failures.clear()
                    state = await self._run(plan, context, forwarded, introspected)
            if self.degraded_field and prepared.kind == "query":
                for f in root_fields:
                    if f.name == DEGRADED_FIELD:
                        state.data[f.response_key] = bool(context.failures)
            data = self.completer.complete(
                selection, prepared.root_type, state.data, state.errors, introspected
            )
            if context.denied_paths:
                _explained_by_removal(state, context.denied_paths)
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
        if state.errors or context.extra_errors:
            body["errors"] = [*context.extra_errors, *state.errors.formatted()]
        body["data"] = data
        if request.include_plan:
            body["extensions"] = {"queryPlan": plan.pretty()}
        return GatewayResponse(200, body)

    async def _run(
        self,
        plan: QueryPlan,
        context: RequestContext,
        headers: dict[str, str],
        introspected: frozenset[str],
    ) -> ExecutionState:
        operation = context.operation
        assert operation is not None
        state = ExecutionState(self.client, operation.variables, headers, context=context)
        if introspected:
            self._introspect(operation.prepared, operation.variables, state)
        await execute_plan(plan, state)
        return state

    def _rewritten(
        self, context: RequestContext
    ) -> tuple[PreparedOperation | None, tuple[bool, ...]]:
        """The operation a plugin rewrote (``context.rewritten_query``), prepared, with its
        condition assignment; (None, ()) when nothing is left to fetch."""
        text = context.rewritten_query
        operation = context.operation
        assert operation is not None
        if text is None:
            return None, ()
        rewritten = self.prepare(text, context.operation_name)
        return rewritten, rewritten.assignment(operation.variables)

    def _may_introspect(self, context: RequestContext) -> bool:
        """Introspection on, and, with ``introspection_scopes``, a verified token holding one
        of them (the internal-developers-only case)."""
        if not self.config.introspection:
            return False
        wanted = self.config.introspection_scopes
        if not wanted:
            return True
        scopes = context.state.get("scopes") or frozenset()
        return any(scope in scopes for scope in wanted)

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
