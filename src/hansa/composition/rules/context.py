"""What a composition rule sees and reports through, as graphql-core's ``ValidationContext``.

A rule never builds a :class:`CompositionError` itself: it calls ``context.report(code,
message, *nodes)``, so the prefix (``[subgraph] ``, as Apollo words errors about one subgraph)
and the locations are made the same way by every rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from hansa.composition.errors import CompositionError, Location
from hansa.composition.output import OutSchema
from hansa.composition.rules._field_sets import used_externals
from hansa.composition.subgraph_reader import FieldDef, SubgraphDef, TypeDef


@dataclass
class SubgraphContext:
    """One subgraph being validated. ``subgraphs`` are all the subgraphs being composed, in the
    order given (just this one before merging), for the rules that compare subgraphs."""

    subgraph: SubgraphDef
    subgraphs: tuple[SubgraphDef, ...]
    errors: list[CompositionError] = field(default_factory=list)

    def report(self, code: str, message: str, *nodes: object) -> None:
        """An error about this subgraph (``[name] message``), located at those of ``nodes``
        that know where they are: a model element's ``line``/``column`` or an AST ``loc``."""
        self.errors.append(
            CompositionError(code, f"[{self.subgraph.name}] {message}", self._locations(nodes))
        )

    def report_across(self, code: str, message: str) -> None:
        """An error about several subgraphs: Apollo gives it neither prefix nor location."""
        self.errors.append(CompositionError(code, message))

    @cached_property
    def used_externals(self) -> set[tuple[str, str]]:
        """(type, field) pairs some ``@key``, ``@requires`` or ``@provides`` names, worked out
        once per subgraph (the ``@external`` rules ask for every field)."""
        return used_externals(self.subgraph)

    def _locations(self, nodes: tuple[object, ...]) -> tuple[Location, ...]:
        result = []
        for node in nodes:
            line = getattr(node, "line", 0)
            column = getattr(node, "column", 0)
            if not line:
                loc = getattr(getattr(node, "node", node), "loc", None)
                token = getattr(loc, "start_token", None)
                if token is not None:
                    line, column = token.line, token.column
            if line:
                result.append(Location(self.subgraph.name, line, column))
        return tuple(result)


@dataclass
class SupergraphContext:
    """The merged schema, before it is printed. Its errors name no subgraph."""

    schema: OutSchema
    errors: list[CompositionError] = field(default_factory=list)

    def report(self, code: str, message: str) -> None:
        self.errors.append(CompositionError(code, message))


SubgraphRule = Callable[[SubgraphContext], None]
TypeRule = Callable[[SubgraphContext, TypeDef], None]
FieldRule = Callable[[SubgraphContext, TypeDef, FieldDef], None]
SupergraphRule = Callable[[SupergraphContext], None]


@dataclass(frozen=True)
class Walk:
    """Rules run in parallel over one walk of a subgraph's types and their fields, as
    graphql-core runs its rules over one visit: errors come out in element order, and for one
    element in rule order (a type's rules before its fields')."""

    types: tuple[TypeRule, ...] = ()
    fields: tuple[FieldRule, ...] = ()

    def __call__(self, context: SubgraphContext) -> None:
        for type_def in context.subgraph.types.values():
            for type_rule in self.types:
                type_rule(context, type_def)
            for f in type_def.fields.values():
                for field_rule in self.fields:
                    field_rule(context, type_def, f)
