"""``Query._entities``: representations in, entities out, as ``@apollo/subgraph`` resolves them.

Each representation names its type with ``__typename``. A name that is not an object or
interface type of the schema fails the whole field (Apollo's message), since it means the
gateway and this subgraph disagree on the schema. Otherwise the type's reference resolver is
called (per item, or batched with ``__resolve_references``); without one the representation is
the entity. Plain dicts are accepted and get the type's ``__typename``.

Interface entities (``@key`` on an interface; what a gateway sends when a query enters through
an ``@interfaceObject`` subgraph) resolve in two steps: the interface's reference resolver (or
the representation itself), then the concrete type through the interface's type resolution —
``__resolve_type`` if given, else a ``__typename`` in the value, else the implementations'
``is_type_of``. If the interface has no reference resolver, the concrete type's one runs on the
result. A failure in one item is an error at its own index; the other items are answered.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from graphql import (
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
)

Info = GraphQLResolveInfo[Any]
ReferenceResolver = Callable[[dict[str, Any], Info], Any]
BatchReferenceResolver = Callable[[list[dict[str, Any]], Info], Any]
TypeResolver = Callable[[Any, Info], Any]


def typename_of(value: Any) -> str | None:
    """The GraphQL type name an object declares: ``__typename`` key or attribute, else None."""
    if isinstance(value, Mapping):
        name = value.get("__typename")
    else:
        name = getattr(value, "__typename", None)
    return name if isinstance(name, str) else None


def with_typename(value: Any, typename: str) -> Any:
    """The entity, marked as ``typename`` (which wins over what the resolver said, as in Apollo)."""
    if value is None or typename_of(value) == typename:
        return value
    if isinstance(value, Mapping):
        return {**value, "__typename": typename}
    if typename_of(value) is None and type(value).__name__ == typename:
        return value
    # A slotted object named otherwise keeps its name: the _Entity type resolution says so.
    with contextlib.suppress(AttributeError):
        value.__typename = typename
    return value


async def _raise(error: Exception) -> Any:
    raise error


def failing(error: Exception) -> Awaitable[Any]:
    """A list slot that fails on its own: graphql-core reports it at that slot's path."""
    return _raise(error)


async def _awaited(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


class EntityResolver:
    """The ``_entities`` resolver over one schema and the reference resolvers registered."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.reference: dict[str, ReferenceResolver] = {}
        self.references: dict[str, BatchReferenceResolver] = {}
        self.type_resolvers: dict[str, TypeResolver] = {}

    async def resolve(self, _root: Any, info: Info, representations: list[Any]) -> list[Any]:
        """One slot per representation (awaitables resolve, or fail, at their own index)."""
        batches: dict[str, list[int]] = {}
        for index, rep in enumerate(representations):
            typename = rep.get("__typename") if isinstance(rep, dict) else None
            type_ = self.schema.get_type(typename) if isinstance(typename, str) else None
            if not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
                shown = typename if isinstance(typename, str) else "undefined"
                raise GraphQLError(
                    f'The _entities resolver tried to load an entity for type "{shown}", but no'
                    " object or interface type of that name was found in the schema"
                )
            batches.setdefault(type_.name, []).append(index)

        results: list[Any] = [None] * len(representations)
        for typename, indices in batches.items():
            reps = [representations[i] for i in indices]
            values = await self._resolve_type_batch(typename, reps, info)
            type_ = self.schema.get_type(typename)
            for i, value in zip(indices, values, strict=True):
                if isinstance(type_, GraphQLInterfaceType):
                    has_own = typename in self.reference or typename in self.references
                    results[i] = self._concrete(type_, value, has_own, info)
                elif inspect.isawaitable(value):
                    results[i] = self._marked(value, typename)
                else:
                    results[i] = with_typename(value, typename)
        return results

    async def _resolve_type_batch(
        self, typename: str, reps: list[dict[str, Any]], info: Info
    ) -> list[Any]:
        """The reference resolver's answer for each representation of one type (or awaitable)."""
        batch = self.references.get(typename)
        if batch is not None:
            try:
                values = list(await _awaited(batch(reps, info)))
                if len(values) != len(reps):
                    raise GraphQLError(
                        f"Batch entity resolver for {typename!r} returned {len(values)}"
                        f" results for {len(reps)} representations."
                    )
            except Exception as error:
                return [failing(error) for _ in reps]
            return values
        single = self.reference.get(typename)
        if single is None:
            return list(reps)
        answers: list[Any] = []
        for rep in reps:
            try:
                answers.append(single(rep, info))
            except Exception as error:
                answers.append(failing(error))
        return answers

    async def _marked(self, value: Awaitable[Any], typename: str) -> Any:
        return with_typename(await value, typename)

    async def _concrete(
        self, interface: GraphQLInterfaceType, value: Any, has_own_resolver: bool, info: Info
    ) -> Any:
        """An interface entity's concrete object, marked with its object type."""
        resolved = await _awaited(value)
        if resolved is None:
            return None
        name = await _awaited(self._runtime_type_name(interface, resolved, info))
        runtime = self._valid_runtime_type(interface, name, resolved)
        result = with_typename(resolved, runtime.name)
        if not has_own_resolver:
            values = await self._resolve_type_batch(runtime.name, [result], info)
            result = with_typename(await _awaited(values[0]), runtime.name)
        return result

    def _runtime_type_name(self, interface: GraphQLInterfaceType, value: Any, info: Info) -> Any:
        custom = self.type_resolvers.get(interface.name)
        if custom is not None:
            return custom(value, info)
        declared = typename_of(value)
        if declared is not None:
            return declared
        possible = self.schema.get_possible_types(interface)
        for candidate in possible:
            if candidate.is_type_of is not None and candidate.is_type_of(value, info):
                return candidate.name
        # A plain object of a class named like an implementation (as the schema's own
        # default type resolution accepts).
        class_name = type(value).__name__
        return class_name if any(c.name == class_name for c in possible) else None

    def _valid_runtime_type(
        self, interface: GraphQLInterfaceType, name: Any, value: Any
    ) -> GraphQLObjectType:
        """Apollo's ``ensureValidRuntimeType``, with its messages."""
        label = interface.name
        if name is None:
            raise GraphQLError(
                f'Abstract type "{label}" `__resolveReference` method must resolve to an Object'
                f' type at runtime. Either the object returned by "{label}.__resolveReference"'
                f' must include a valid `__typename` field, or the "{label}" type should provide'
                ' a "resolveType" function or each possible type should provide an "isTypeOf"'
                " function."
            )
        if not isinstance(name, str):
            raise GraphQLError(
                f'Abstract type "{label}" `__resolveReference` method must resolve to an Object'
                f' type at runtime with value {value!r}, received "{name!r}".'
            )
        runtime = self.schema.get_type(name)
        if runtime is None:
            raise GraphQLError(
                f'Abstract type "{label}" `__resolveReference` method resolved to a type'
                f' "{name}" that does not exist inside the schema.'
            )
        if not isinstance(runtime, GraphQLObjectType):
            raise GraphQLError(
                f'Abstract type "{label}" `__resolveReference` method resolved to a non-object'
                f' type "{name}".'
            )
        if not self.schema.is_sub_type(interface, runtime):
            raise GraphQLError(
                f'Runtime Object type "{name}" `__resolveReference` method is not a possible'
                f' type for "{label}".'
            )
        return runtime
