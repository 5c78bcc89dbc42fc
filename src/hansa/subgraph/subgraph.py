"""``Subgraph``: a federation subgraph built from SDL plus Python resolvers.

Resolvers are graphql-core resolvers, ``(parent, info, **args)``, given either as an
Apollo-style map (``{"Query": {"me": fn}, "User": {"__resolve_reference": fn}}``) or with the
decorators below. Entity resolvers receive the representation the gateway sent
(``{"__typename": "User", "id": "1"}``) and return the object (a plain dict is fine), or
``None`` when it does not exist; a batch resolver (``__resolve_references``) receives every
representation of its type in one ``_entities`` call, which is what database-backed subgraphs
want. ``entities.py`` says how ``_entities`` resolves them, interface entities included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from graphql import (
    ExecutionResult,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from hansa.subgraph.entities import (
    BatchReferenceResolver,
    EntityResolver,
    Info,
    ReferenceResolver,
    typename_of,
)
from hansa.subgraph.execution import RequestRunner, SubgraphResult
from hansa.subgraph.schema import SubgraphSchema, build_subgraph_schema

Resolver = Callable[..., Any]

RESOLVE_REFERENCE = "__resolve_reference"
RESOLVE_REFERENCES = "__resolve_references"
RESOLVE_TYPE = "__resolve_type"


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
        schema = self._built.schema
        self._entities = EntityResolver(schema)
        self._runner = RequestRunner(schema)
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
            query.fields["_entities"].resolve = self._entities.resolve
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
            self._entities.reference[type_name] = fn
        elif field_name == RESOLVE_REFERENCES:
            self._entities.references[type_name] = fn
        elif field_name == RESOLVE_TYPE:
            if not isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
                raise ValueError(f"{type_name!r} is not an abstract type")
            self._entities.type_resolvers[type_name] = fn
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

    # -- execution ----------------------------------------------------------------------------

    async def run(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        context: Any = None,
        *,
        trace: bool = False,
        queries_only: bool = False,
    ) -> SubgraphResult:
        """Execute one request; tells request errors (their HTTP status) apart, traces on demand."""
        context = context if context is not None else {}
        return await self._runner.run(
            query, variables, operation_name, context, trace=trace, queries_only=queries_only
        )

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        context: Any = None,
    ) -> ExecutionResult:
        """Execute an operation in-process, exactly as the HTTP endpoint does."""
        return (await self.run(query, variables, operation_name, context)).result

    def asgi_app(self, *, max_body_bytes: int = 2 * 1024 * 1024) -> Any:
        """This subgraph as an ASGI application (``POST``/``GET`` on ``/`` and ``/graphql``)."""
        from hansa.subgraph.app import SubgraphApp

        return SubgraphApp(self, max_body_bytes=max_body_bytes)
