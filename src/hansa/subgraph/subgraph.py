"""``Subgraph``: a federation subgraph built from SDL plus Python resolvers.

Resolvers are graphql-core resolvers, ``(parent, info, **args)``, given either as an
Apollo-style map (``{"Query": {"me": fn}, "User": {"__resolve_reference": fn}}``) or with the
decorators below. Entity resolvers receive the representation the gateway sent
(``{"__typename": "User", "id": "1"}``) and return the object, or ``None`` when it does not
exist; a batch resolver (``__resolve_references``) receives every representation of its type
in one ``_entities`` call, which is what database-backed subgraphs want.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    GraphQLUnionType,
    execute,
    parse,
    validate,
)

from hansa.subgraph.schema import SubgraphSchema, build_subgraph_schema

Info = GraphQLResolveInfo[Any]
Resolver = Callable[..., Any]
ReferenceResolver = Callable[[dict[str, Any], Info], Any]
BatchReferenceResolver = Callable[[list[dict[str, Any]], Info], Any]

RESOLVE_REFERENCE = "__resolve_reference"
RESOLVE_REFERENCES = "__resolve_references"
RESOLVE_TYPE = "__resolve_type"

_DOCUMENT_CACHE_SIZE = 512


class EntityNotResolvable(GraphQLError):
    """A representation names a type this subgraph cannot resolve as an entity."""


def typename_of(value: Any) -> str | None:
    """The GraphQL type name an object declares: ``__typename`` key or attribute, else None."""
    if isinstance(value, Mapping):
        name = value.get("__typename")
    else:
        name = getattr(value, "__typename", None)
    return name if isinstance(name, str) else None


def _default_resolve_type(value: Any, info: Info, abstract: Any) -> str | None:
    """Abstract types resolve by ``__typename``, then by the Python class name."""
    return typename_of(value) or type(value).__name__


class Subgraph:
    """A federation subgraph: SDL + resolvers, executable in-process or served over HTTP."""

    def __init__(
        self,
        name: str,
        sdl: str,
        resolvers: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.name = name
        self.sdl = sdl
        self._built: SubgraphSchema = build_subgraph_schema(sdl)
        self._reference: dict[str, ReferenceResolver] = {}
        self._references: dict[str, BatchReferenceResolver] = {}
        self._documents: OrderedDict[str, DocumentNode | list[GraphQLError]] = OrderedDict()
        schema = self._built.schema
        for type_ in schema.type_map.values():
            if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
                type_.resolve_type = _default_resolve_type
        service = schema.type_map["_Service"]
        assert isinstance(service, GraphQLObjectType)
        service.fields["sdl"].resolve = lambda _root, _info: self.sdl
        query = schema.type_map[self._built.query_type]
        assert isinstance(query, GraphQLObjectType)
        query.fields["_service"].resolve = lambda _root, _info: {}
        if "_entities" in query.fields:
            query.fields["_entities"].resolve = self._resolve_entities
        for type_name, fields in (resolvers or {}).items():
            for field_name, fn in fields.items():
                self._register(type_name, field_name, fn)

    @property
    def schema_info(self) -> SubgraphSchema:
        return self._built

    # -- registration -------------------------------------------------------------------------

    def _register(self, type_name: str, field_name: str, fn: Any) -> None:
        type_ = self._built.schema.type_map.get(type_name)
        if type_ is None:
            raise ValueError(f"subgraph {self.name!r} has no type {type_name!r}")
        if field_name == RESOLVE_REFERENCE:
            self._reference[type_name] = fn
        elif field_name == RESOLVE_REFERENCES:
            self._references[type_name] = fn
        elif field_name == RESOLVE_TYPE:
            if not isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
                raise ValueError(f"{type_name!r} is not an abstract type")
            type_.resolve_type = lambda value, info, _t: fn(value, info)
        elif isinstance(type_, GraphQLScalarType):
            setattr(type_, field_name, fn)
        elif isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
            if field_name not in type_.fields:
                raise ValueError(f"subgraph {self.name!r} has no field {type_name}.{field_name}")
            type_.fields[field_name].resolve = fn
        else:
            raise ValueError(f"cannot attach a resolver to {type_name}.{field_name}")

    def field(self, type_name: str, field_name: str) -> Callable[[Resolver], Resolver]:
        """Decorator: ``@sg.field("Query", "me")`` registers a field resolver."""

        def decorate(fn: Resolver) -> Resolver:
            self._register(type_name, field_name, fn)
            return fn

        return decorate

    def reference(self, type_name: str) -> Callable[[ReferenceResolver], ReferenceResolver]:
        """Decorator: resolve one entity representation of ``type_name``."""

        def decorate(fn: ReferenceResolver) -> ReferenceResolver:
            self._register(type_name, RESOLVE_REFERENCE, fn)
            return fn

        return decorate

    def references(
        self, type_name: str
    ) -> Callable[[BatchReferenceResolver], BatchReferenceResolver]:
        """Decorator: resolve every representation of ``type_name`` in one call, in order."""

        def decorate(fn: BatchReferenceResolver) -> BatchReferenceResolver:
            self._register(type_name, RESOLVE_REFERENCES, fn)
            return fn

        return decorate

    # -- entities -----------------------------------------------------------------------------

    def _entity_type_known(self, typename: str) -> bool:
        info = self._built
        return (
            typename in info.entity_types
            or typename in info.entity_interfaces
            or typename in self._reference
            or typename in self._references
        )

    async def _resolve_entities(
        self, _root: Any, info: Info, representations: list[Any]
    ) -> list[Any]:
        """One slot per representation; a failing slot becomes an error at its own index."""
        results: list[Any] = [None] * len(representations)
        batches: dict[str, list[int]] = {}
        for index, rep in enumerate(representations):
            typename = rep.get("__typename") if isinstance(rep, dict) else None
            if not isinstance(typename, str):
                results[index] = _failing(
                    GraphQLError("Entity representation is missing __typename.")
                )
            elif not self._entity_type_known(typename):
                results[index] = _failing(
                    EntityNotResolvable(f"Subgraph {self.name!r} has no entity type {typename!r}.")
                )
            else:
                batches.setdefault(typename, []).append(index)

        for typename, indices in batches.items():
            reps = [representations[i] for i in indices]
            batch = self._references.get(typename)
            if batch is not None:
                try:
                    values = batch(reps, info)
                    if inspect.isawaitable(values):
                        values = await values
                    values = list(values)
                    if len(values) != len(reps):
                        raise GraphQLError(
                            f"Batch entity resolver for {typename!r} returned {len(values)}"
                            f" results for {len(reps)} representations."
                        )
                except Exception as error:
                    for i in indices:
                        results[i] = _failing(error)
                    continue
                for i, value in zip(indices, values, strict=True):
                    results[i] = _with_typename(value, typename, self._built)
                continue
            single = self._reference.get(typename)
            for i, rep in zip(indices, reps, strict=True):
                results[i] = self._resolve_one(single, rep, typename, info)
        return results

    def _resolve_one(
        self,
        resolver: ReferenceResolver | None,
        rep: dict[str, Any],
        typename: str,
        info: Info,
    ) -> Any:
        if resolver is None:
            return _with_typename(rep, typename, self._built)
        try:
            value = resolver(rep, info)
        except Exception as error:
            return _failing(error)
        if inspect.isawaitable(value):
            return _await_with_typename(value, typename, self._built)
        return _with_typename(value, typename, self._built)

    # -- execution ----------------------------------------------------------------------------

    def _document(self, query: str) -> DocumentNode | list[GraphQLError]:
        """Parse and validate once per distinct query text (bounded LRU)."""
        cached = self._documents.get(query)
        if cached is not None:
            self._documents.move_to_end(query)
            return cached
        try:
            document = parse(query, allow_empty_selection_sets=False)  # as graphql-js
        except GraphQLError as error:
            result: DocumentNode | list[GraphQLError] = [error]
        else:
            errors = validate(self._built.schema, document)
            result = errors if errors else document
        self._documents[query] = result
        if len(self._documents) > _DOCUMENT_CACHE_SIZE:
            self._documents.popitem(last=False)
        return result

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        context: Any = None,
    ) -> ExecutionResult:
        """Execute an operation in-process, exactly as the HTTP endpoint does."""
        document = self._document(query)
        if isinstance(document, list):
            return ExecutionResult(data=None, errors=document)
        result = execute(
            self._built.schema,
            document,
            context_value=context if context is not None else {},
            variable_values=variables,
            operation_name=operation_name,
        )
        if inspect.isawaitable(result):
            result = await result
        return result

    def asgi_app(self, *, max_body_bytes: int = 2 * 1024 * 1024) -> Any:
        """This subgraph as an ASGI application (``POST``/``GET`` on ``/`` and ``/graphql``)."""
        from hansa.subgraph.app import SubgraphApp

        return SubgraphApp(self, max_body_bytes=max_body_bytes)


async def _raise(error: Exception) -> Any:
    raise error


def _failing(error: Exception) -> Awaitable[Any]:
    """A list slot that fails on its own: graphql-core reports it at that slot's path."""
    return _raise(error)


def _with_typename(value: Any, typename: str, built: SubgraphSchema) -> Any:
    """Resolvers may return plain dicts; make sure the ``_Entity`` union can tell the type."""
    if value is None or typename_of(value) is not None:
        return value
    if typename in built.entity_interfaces:
        return value  # the interface's own resolve_type decides the concrete type
    if isinstance(value, dict):
        return {**value, "__typename": typename}
    if type(value).__name__ == typename:
        return value
    try:
        value.__typename = typename
    except AttributeError:
        return value
    return value


async def _await_with_typename(value: Awaitable[Any], typename: str, built: SubgraphSchema) -> Any:
    return _with_typename(await value, typename, built)
