"""Walk a query plan: run fetches (root and ``_entities``), merge their results into one tree.

Independent fetches run concurrently; each ``Flatten`` collects the entities at its path (through
lists), deduplicates their representations, sends one ``_entities`` call and merges item *i* of
the answer back into every object that produced representation *i*. The ``Flatten``s of one
parallel step that go to the same subgraph share one request (``EntityBatch``: one aliased
``_entities`` each). Subgraph errors are re-pathed to the client's response path; the paths are
only computed when there are errors. A failed fetch leaves its fields absent (null after
completion) and adds one error; it never stops the rest of the plan.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from hansa.executor.errors import ErrorCollector, ResponseError
from hansa.executor.paths import PathLink, path_list
from hansa.pipeline.context import EntityCache, RequestContext, SubgraphRequest
from hansa.planner.plan import (
    Condition,
    EntityBatch,
    Fetch,
    Flatten,
    Parallel,
    PlanNode,
    QueryPlan,
    Sequence,
)
from hansa.planner.subgraph_selection import SubSelection
from hansa.transport.client import SubgraphClient, SubgraphFetchError


@dataclass
class ExecutionState:
    client: SubgraphClient
    variables: dict[str, Any]
    headers: Mapping[str, str] = field(default_factory=dict)
    # The request this execution answers (its failures are recorded there); None when the
    # executor runs on its own.
    context: RequestContext | None = None
    data: dict[str, Any] = field(default_factory=dict)
    errors: ErrorCollector = field(default_factory=ErrorCollector)
    # A fetch selecting fragile requirements inline reported errors (see ``Fetch``).
    requirement_errors: bool = False


async def execute_plan(plan: QueryPlan, state: ExecutionState) -> None:
    if plan.node is not None:
        await _run(plan.node, state)


async def _run(node: PlanNode, state: ExecutionState) -> None:
    if isinstance(node, Fetch):
        await _root_fetch(node, state)
    elif isinstance(node, Flatten):
        await _entity_fetch(node, state)
    elif isinstance(node, Sequence):
        for child in node.nodes:
            await _run(child, state)
    elif isinstance(node, Parallel):
        if not node.batches:
            await asyncio.gather(*(_run(child, state) for child in node.nodes))
            return
        batched = {i for batch in node.batches for i in batch.parts}
        await asyncio.gather(
            *(_entity_batch(node, batch, state) for batch in node.batches),
            *(_run(child, state) for i, child in enumerate(node.nodes) if i not in batched),
        )
    elif isinstance(node, Condition):
        branch = node.if_true if state.variables.get(node.variable) else node.if_false
        if branch is not None:
            await _run(branch, state)


def _payload(names: tuple[str, ...], operation: str, state: ExecutionState) -> dict[str, Any]:
    variables = {n: state.variables[n] for n in names if n in state.variables}
    payload: dict[str, Any] = {"query": operation}
    if variables:
        payload["variables"] = variables
    return payload


async def _send(
    subgraph: str,
    payload: dict[str, Any],
    state: ExecutionState,
    headers_into: list[tuple[str, str]] | None = None,
) -> dict[str, Any] | None:
    """Fetch; a failure is recorded as an error and is None. The subgraph's response headers
    are appended to ``headers_into`` when given."""
    context = state.context
    operation = context.operation if context is not None else None
    kind = operation.kind if operation is not None else "query"
    request = SubgraphRequest(subgraph, payload, dict(state.headers), kind, context)
    if headers_into is not None:
        request.want_response_headers = True
    try:
        response = await state.client.fetch(request)
    except SubgraphFetchError as failure:
        state.errors.add(ResponseError.from_fetch_failure(failure))
        if context is not None:
            context.failures.append(failure)
        return None
    if headers_into is not None and request.response_headers:
        headers_into.extend(request.response_headers)
    return response


async def _root_fetch(fetch: Fetch, state: ExecutionState) -> None:
    response = await _send(fetch.subgraph, _payload(fetch.variables, fetch.operation, state), state)
    if response is None:
        return
    data = response.get("data")
    if isinstance(data, dict):
        _undo_aliases(data, fetch)
        merge(state.data, data)
    errors = _errors(response, fetch.subgraph)
    state.requirement_errors |= fetch.inline_requirements and bool(errors)
    for error in errors:
        state.errors.add(error)  # a root fetch's paths are the client's already


def _errors(response: dict[str, Any], subgraph: str) -> list[ResponseError]:
    errors = response.get("errors")
    if not isinstance(errors, list):
        return []
    return [ResponseError.from_subgraph(raw, subgraph) for raw in errors]


@dataclass
class _Representations:
    """What one ``Flatten`` sends: the objects at its path and their deduplicated
    representations (``owners[i]``: positions in ``found`` of the objects behind
    representation *i*)."""

    found: list[dict[str, Any]]
    representations: list[Any]
    owners: list[list[int]]


def _represent(flatten: Flatten, state: ExecutionState) -> _Representations:
    fetch = flatten.node
    assert fetch.requires is not None
    representations: list[Any] = []
    owners: list[list[int]] = []
    seen: dict[Any, int] = {}
    found = collect_objects(state.data, flatten.path)
    shapes = fetch.requires.fragments
    flat = fetch.flat_requires
    for position, obj in enumerate(found):
        typename = obj.get("__typename")
        if not isinstance(typename, str):
            continue
        shape = shapes.get(typename)
        if shape is None:
            continue
        fields = flat.get(typename)
        if fields is not None:
            # Scalars only (a key): the values themselves identify the representation.
            values = tuple([obj.get(key, _MISSING) for key, _ in fields])
            if _MISSING in values:
                continue
            ident: Any = (fetch.typename_rewrites.get(typename, typename), fields, values)
            try:
                index = seen.get(ident)
            except TypeError:  # a list or object where a scalar was expected
                index, fields = None, None
            if index is not None:
                owners[index].append(position)
                continue
        representation = project(obj, shape)
        if representation is None:
            continue
        if typename in fetch.typename_rewrites:
            representation["__typename"] = fetch.typename_rewrites[typename]
        key = ident if fields is not None else orjson.dumps(representation)  # shape order
        index = seen.get(key)
        if index is None:
            index = seen[key] = len(representations)
            representations.append(representation)
            owners.append([])
        owners[index].append(position)
    return _Representations(found, representations, owners)


async def _entity_fetch(flatten: Flatten, state: ExecutionState) -> None:
    fetch = flatten.node
    sent = _represent(flatten, state)
    if not sent.representations:
        return
    payload = _payload(fetch.variables, fetch.operation, state)
    cache = state.context.entity_cache if state.context is not None else None
    cached: _Cached | None = None
    if cache is not None:
        cached = await _from_cache(cache, fetch.subgraph, fetch.operation, payload, sent)
        cached.merge(flatten, state)
        if not cached.missing.representations:
            return
        sent = cached.missing
    payload.setdefault("variables", {})[fetch.representations_variable] = sent.representations
    headers: list[tuple[str, str]] | None = [] if cached is not None else None
    response = await _send(fetch.subgraph, payload, state, headers)
    if response is None:
        return
    data = response.get("data")
    entities = data.get("_entities") if isinstance(data, dict) else None
    errors = _errors(response, fetch.subgraph)
    write = cached.store(entities, errors, headers) if cached is not None else None
    _merge_entities(flatten, sent, entities, errors, data is not None, state)
    if write is not None:
        await write


async def _entity_batch(parallel: Parallel, batch: EntityBatch, state: ExecutionState) -> None:
    """Several entity fetches to one subgraph in one request (``EntityBatch``)."""
    parts = [parallel.nodes[i] for i in batch.parts]
    sent = [_represent(part, state) for part in parts]  # type: ignore[arg-type]
    if not any(s.representations for s in sent):
        return
    payload = _payload(batch.variables, batch.operation, state)
    cache = state.context.entity_cache if state.context is not None else None
    cached: list[_Cached] = []
    if cache is not None:
        for part, flatten in zip(sent, parts, strict=True):
            assert isinstance(flatten, Flatten)
            found = await _from_cache(cache, batch.subgraph, batch.operation, payload, part)
            found.merge(flatten, state)
            cached.append(found)
        sent = [c.missing for c in cached]
        if not any(s.representations for s in sent):
            return
    variables = payload.setdefault("variables", {})
    for name, part in zip(batch.representation_variables, sent, strict=True):
        variables[name] = part.representations
    headers: list[tuple[str, str]] | None = [] if cached else None
    response = await _send(batch.subgraph, payload, state, headers)
    if response is None:
        return
    data = response.get("data")
    errors = _errors(response, batch.subgraph)
    aliases = set(batch.aliases)
    whole = [e for e in errors if not e.path or e.path[0] not in aliases]
    writes: list[Awaitable[None]] = []
    for n, (alias, part, flatten) in enumerate(zip(batch.aliases, sent, parts, strict=True)):
        mine = [
            replace(e, path=["_entities", *e.path[1:]])
            for e in errors
            if e.path and e.path[0] == alias
        ]
        entities = data.get(alias) if isinstance(data, dict) else None
        assert isinstance(flatten, Flatten)
        # An error of the request as a whole keeps every part out of the cache,
        if cached and (write := cached[n].store(entities, mine + whole, headers)) is not None:
            writes.append(write)
        if n == 0:
            mine += whole  # and is reported once
        _merge_entities(flatten, part, entities, mine, data is not None, state)
    for write in writes:
        await write


@dataclass
class _Cached:
    """One entity fetch's representations split into those the cache answered (merged at
    once) and those still to fetch (``missing``), with what storing the fetched ones needs."""

    cache: EntityCache
    subgraph: str
    operation: str
    variables: dict[str, Any]
    hits: _Representations
    entities: list[Any]
    missing: _Representations

    def merge(self, flatten: Flatten, state: ExecutionState) -> None:
        if self.entities:
            _merge_entities(flatten, self.hits, self.entities, [], True, state)

    def store(
        self, entities: Any, errors: list[ResponseError], headers: list[tuple[str, str]] | None
    ) -> Awaitable[None] | None:
        count = len(self.missing.representations)
        if not isinstance(entities, list) or len(entities) != count:
            return None
        failed = set()
        for error in errors:
            at = error.entity_index(count)
            if at is None:
                return None  # an error about the whole fetch: keep nothing from it
            failed.add(at)
        return self.cache.store(
            self.subgraph,
            self.operation,
            self.variables,
            self.missing.representations,
            entities,
            failed,
            headers,
        )


async def _from_cache(
    cache: EntityCache,
    subgraph: str,
    operation: str,
    payload: dict[str, Any],
    sent: _Representations,
) -> _Cached:
    variables = dict(payload.get("variables") or {})  # the fetch's own, not representations
    found = await cache.lookup(subgraph, operation, variables, sent.representations)
    hit = [i for i, entity in enumerate(found) if entity is not None]
    miss = [i for i, entity in enumerate(found) if entity is None]
    return _Cached(
        cache,
        subgraph,
        operation,
        variables,
        _subset(sent, hit),
        [found[i] for i in hit],
        _subset(sent, miss) if hit else sent,
    )


def _subset(sent: _Representations, indices: list[int]) -> _Representations:
    return _Representations(
        sent.found, [sent.representations[i] for i in indices], [sent.owners[i] for i in indices]
    )


def _merge_entities(
    flatten: Flatten,
    sent: _Representations,
    entities: Any,
    errors: list[ResponseError],
    has_data: bool,
    state: ExecutionState,
) -> None:
    """Merge an ``_entities`` answer into the objects behind each representation; re-path
    its errors to every place those objects are in the response."""
    fetch = flatten.node
    state.requirement_errors |= fetch.inline_requirements and bool(errors)
    # Paths only when an error needs one, read before merging.
    paths = _paths_of(state.data, flatten.path, sent.found) if errors else {}
    if isinstance(entities, list) and len(entities) == len(sent.representations):
        for entity in entities:
            _undo_aliases(entity, fetch)
        for index, entity in enumerate(entities):
            if isinstance(entity, dict):
                if fetch.typename_rewrites:
                    # The subgraph answered as the interface; the tree keeps the concrete type.
                    entity = {k: v for k, v in entity.items() if k != "__typename"}
                for position in sent.owners[index]:
                    merge(sent.found[position], entity)
    elif has_data and not errors:
        got = len(entities) if isinstance(entities, list) else "no"
        state.errors.add(
            ResponseError(
                f"Subgraph '{fetch.subgraph}' returned {got}"
                f" entities for {len(sent.representations)} representations.",
                None,
                {"code": "SUBREQUEST_MALFORMED_RESPONSE", "serviceName": fetch.subgraph},
            )
        )
    for error in errors:
        at = error.entity_index(len(sent.owners))
        if at is None:
            state.errors.add(error.without_path())
            continue
        objects = {id(sent.found[p]): None for p in sent.owners[at]}
        owner_paths = [path for key in objects for path in paths.get(key, [])]
        state.errors.extend(error.at_entity(owner_paths))


def _paths_of(
    data: Any, path: tuple[str, ...], objects: list[dict[str, Any]]
) -> dict[int, list[list[str | int]]]:
    """Every response path of each of ``objects`` (by identity) at ``path``."""
    wanted = {id(obj) for obj in objects}
    found: dict[int, list[list[str | int]]] = {}
    for obj, link in collect(data, path):
        if id(obj) in wanted:
            found.setdefault(id(obj), []).append(path_list(link))
    return found


def _undo_aliases(data: Any, fetch: Fetch) -> None:
    # Innermost first: a nested rewrite's path goes through its parent's alias.
    for rewrite in reversed(fetch.key_rewrites):
        for obj in collect_objects(data, rewrite.path):
            if obj.get("__typename") == rewrite.type_name and rewrite.alias in obj:
                obj[rewrite.key] = obj.pop(rewrite.alias)


def collect_objects(data: Any, path: tuple[str, ...]) -> list[dict[str, Any]]:
    """The objects at ``path``, in ``collect``'s order, without their paths: the hot path."""
    level: list[Any] = [data]
    for step in path:
        below: list[Any] = []
        append = below.append
        if step == "@":
            for value in level:
                if type(value) is list:
                    for item in value:
                        if item is not None:
                            append(item)
        else:
            for value in level:
                if type(value) is dict:
                    child = value.get(step)
                    if child is not None:
                        append(child)
                else:
                    _step(value, step, below)  # a list where an object was expected
        level = below
    found: list[dict[str, Any]] = []
    for value in level:
        if type(value) is dict:
            found.append(value)
        else:
            _objects(value, found)
    return found


def _step(value: Any, step: str, below: list[Any]) -> None:
    """A field ``step`` (never ``"@"``) read through lists, as ``collect`` reads it."""
    if isinstance(value, dict):
        child = value.get(step)
        if child is not None:
            below.append(child)
    elif isinstance(value, list):
        for item in value:
            if item is not None:
                _step(item, step, below)


def _objects(value: Any, found: list[dict[str, Any]]) -> None:
    if isinstance(value, dict):
        found.append(value)
    elif isinstance(value, list):
        for item in value:
            if item is not None:
                _objects(item, found)


def collect(data: Any, path: tuple[str, ...]) -> list[tuple[dict[str, Any], PathLink]]:
    """Objects at ``path`` ("@" = every list item), with their concrete response paths."""
    found: list[tuple[dict[str, Any], PathLink]] = []

    def walk(value: Any, depth: int, where: PathLink) -> None:
        if value is None:
            return
        if depth == len(path):
            if isinstance(value, dict):
                found.append((value, where))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    walk(item, depth, (where, i))
            return
        step = path[depth]
        if step == "@":
            if isinstance(value, list):
                for i, item in enumerate(value):
                    walk(item, depth + 1, (where, i))
            return
        if isinstance(value, dict):
            walk(value.get(step), depth + 1, (where, step))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, depth, (where, i))

    walk(data, 0, None)
    return found


_MISSING = object()


def project(obj: dict[str, Any], shape: SubSelection) -> dict[str, Any] | None:
    """The representation of ``obj``: ``shape``'s fields read from the tree under their keys.

    ``None`` when a field is missing entirely (the object never got its key), so that entity is
    skipped rather than sent half-formed.
    """
    result: dict[str, Any] = {}
    for f in shape.fields.values():
        value = obj.get(f.key, _MISSING)
        if value is _MISSING:
            return None
        if f.selection is not None and value is not None:
            value = _project_value(value, f.selection)
        result[f.name] = value
    typename = obj.get("__typename")
    for condition, sub in shape.fragments.items():
        if condition == typename:
            inner = project(obj, sub)
            if inner is not None:
                result.update(inner)
    return result


def _project_value(value: Any, shape: SubSelection) -> Any:
    if isinstance(value, list):
        return [_project_value(item, shape) for item in value]
    if isinstance(value, dict):
        return project(value, shape)
    return value


def merge(target: dict[str, Any], source: dict[str, Any]) -> None:
    """Deep-merge ``source`` into ``target`` (objects by key, lists item by item)."""
    for key, value in source.items():
        existing = target.get(key)
        if existing is None or type(existing) is not type(value):
            target[key] = value  # the common case: a field the tree did not have yet
        else:
            target[key] = _merged(existing, value)


def _merged(existing: Any, value: Any) -> Any:
    if isinstance(existing, dict) and isinstance(value, dict):
        merge(existing, value)
        return existing
    if isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
        for i, item in enumerate(value):
            existing[i] = _merged(existing[i], item)
        return existing
    return value
