"""The normalized operation: the client's selection with fragments inlined and conditions folded.

A ``Selection`` belongs to a position of static type ``type_name``. Its ``fields`` apply to every
runtime type; ``fragments`` narrow to a type condition. ``fields_for(concrete)`` answers the spec's
CollectFields for one object type: fields in document order, same response keys merged. The
planner and the completion step both walk this structure, so it is computed once per operation
and cached per concrete type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import ArgumentNode, GraphQLOutputType


@dataclass(slots=True, eq=False)
class Field:
    response_key: str
    name: str
    arguments: tuple[ArgumentNode, ...]
    parent_type: str  # the type the field is selected on (for error messages)
    type_name: str  # named return type
    type_ref: GraphQLOutputType | None  # full return type (None for __typename)
    selection: Selection | None

    def with_selection(self, selection: Selection | None) -> Field:
        return Field(
            self.response_key,
            self.name,
            self.arguments,
            self.parent_type,
            self.type_name,
            self.type_ref,
            selection,
        )


PossibleTest = Callable[[str, str], bool]  # (concrete, type condition) -> applies?


@dataclass(slots=True, eq=False)
class Selection:
    type_name: str
    fields: list[Field] = field(default_factory=list)
    fragments: list[tuple[str, Selection]] = field(default_factory=list)
    _collected: dict[str, list[Field]] = field(default_factory=dict)
    # Per concrete type, what completion compiled from ``fields_for`` (``executor.completion``).
    compiled: dict[str, Any] = field(default_factory=dict)

    def fields_for(self, concrete: str, applies: PossibleTest) -> list[Field]:
        """CollectFields for runtime type ``concrete``: merged by response key, in order."""
        cached = self._collected.get(concrete)
        if cached is not None:
            return cached
        merged: dict[str, Field] = {}
        pending: dict[str, list[Selection]] = {}
        self._collect(concrete, applies, merged, pending)
        result: list[Field] = []
        for key, f in merged.items():
            parts = pending.get(key)
            if parts and len(parts) > 1:
                f = f.with_selection(Selection(f.type_name, [], [(f.type_name, p) for p in parts]))
            result.append(f)
        self._collected[concrete] = result
        return result

    def _collect(
        self,
        concrete: str,
        applies: PossibleTest,
        merged: dict[str, Field],
        pending: dict[str, list[Selection]],
    ) -> None:
        for f in self.fields:
            if f.response_key not in merged:
                merged[f.response_key] = f
            if f.selection is not None:
                pending.setdefault(f.response_key, []).append(f.selection)
        for condition, sub in self.fragments:
            if applies(concrete, condition):
                sub._collect(concrete, applies, merged, pending)

    def is_empty(self) -> bool:
        return not self.fields and all(sub.is_empty() for _, sub in self.fragments)

    def depends_on_runtime_type(self, static: str) -> bool:
        """Whether this selection on abstract type ``static`` asks for anything that depends on
        the runtime type: ``__typename`` or a fragment on another type."""
        if any(f.name == "__typename" for f in self.fields):
            return True
        return any(
            condition != static or sub.depends_on_runtime_type(static)
            for condition, sub in self.fragments
        )
