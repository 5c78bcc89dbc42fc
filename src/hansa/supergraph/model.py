"""The immutable supergraph model: which subgraph can do what, read once from the SDL.

Everything the planner asks about federation lives here: subgraphs and their URLs, for each
type the subgraphs that define it and their keys, for each field the subgraphs that resolve it
with their ``@requires``/``@provides``/``@override`` metadata, and per-subgraph interface
implementations and union members. ``supergraph.reader`` builds it from join spec v0.1 to v0.5
and Fed 1 (``@core``/``@join__owner``) SDL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import GraphQLSchema, SelectionSetNode, get_named_type


@dataclass(frozen=True, slots=True)
class SubgraphInfo:
    name: str
    enum_value: str  # the join__Graph value naming it
    url: str


@dataclass(frozen=True, slots=True)
class Key:
    fields: str
    selection: SelectionSetNode
    resolvable: bool


@dataclass(slots=True)
class TypeInSubgraph:
    """What one subgraph says about one type (from ``@join__type``)."""

    subgraph: str
    keys: list[Key] = field(default_factory=list)
    extension: bool = False
    is_interface_object: bool = False


@dataclass(frozen=True, slots=True)
class FieldInSubgraph:
    """One ``@join__field``: how one subgraph contributes one field."""

    subgraph: str
    requires: SelectionSetNode | None = None
    provides: SelectionSetNode | None = None
    type: str | None = None
    external: bool = False
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False


@dataclass(slots=True)
class FieldInfo:
    name: str
    parent: str
    # None: the field has no @join__field and lives in every subgraph of its type.
    joins: list[FieldInSubgraph] | None = None
    # A @join__field without a graph: no subgraph resolves it through this type directly.
    unowned: bool = False


@dataclass(slots=True)
class TypeInfo:
    name: str
    kind: str  # "object", "interface", "union", "enum", "input", "scalar"
    subgraphs: dict[str, TypeInSubgraph] = field(default_factory=dict)
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    # Per subgraph: interfaces implemented (objects/interfaces) or members (unions).
    implements: dict[str, set[str]] = field(default_factory=dict)
    members: dict[str, set[str]] = field(default_factory=dict)
    # True when the SDL gave no join information at all (Fed 1 value types): every subgraph.
    everywhere: bool = False


@dataclass
class Supergraph:
    """Read-only view of a supergraph. Build with ``hansa.supergraph.read_supergraph``."""

    sdl: str
    schema: GraphQLSchema  # the full supergraph schema, join directives included
    api_schema: GraphQLSchema  # what clients see
    subgraphs: dict[str, SubgraphInfo]
    types: dict[str, TypeInfo]
    root_types: dict[str, str]  # "query"/"mutation"/"subscription" -> type name
    federation_version: int  # 1 for @core/@join__owner supergraphs, 2 otherwise
    override_labels: frozenset[str] = frozenset()

    # -- types --------------------------------------------------------------------------------

    def type_in(self, type_name: str, subgraph: str) -> bool:
        info = self.types.get(type_name)
        if info is None:
            return False
        return info.everywhere or subgraph in info.subgraphs

    def type_subgraphs(self, type_name: str) -> list[str]:
        info = self.types[type_name]
        if info.everywhere:
            return list(self.subgraphs)
        return list(info.subgraphs)

    def keys(self, type_name: str, subgraph: str) -> list[Key]:
        info = self.types.get(type_name)
        if info is None or subgraph not in info.subgraphs:
            return []
        return info.subgraphs[subgraph].keys

    def is_entity(self, type_name: str) -> bool:
        info = self.types.get(type_name)
        return info is not None and any(t.keys for t in info.subgraphs.values())

    def is_interface_object(self, type_name: str, subgraph: str) -> bool:
        info = self.types.get(type_name)
        return (
            info is not None
            and subgraph in info.subgraphs
            and info.subgraphs[subgraph].is_interface_object
        )

    def is_abstract(self, type_name: str) -> bool:
        info = self.types.get(type_name)
        return info is not None and info.kind in ("interface", "union")

    @cached_property
    def _possible(self) -> dict[str, list[str]]:
        """Abstract type → its object types in the supergraph, in SDL order."""
        result: dict[str, list[str]] = {}
        for name, info in self.types.items():
            if info.kind == "union":
                members: list[str] = []
                for sub_members in info.members.values():
                    members.extend(m for m in sub_members if m not in members)
                result[name] = sorted(members, key=self._order.__getitem__)
        for name, info in self.types.items():
            if info.kind != "object":
                continue
            for interfaces in info.implements.values():
                for interface in interfaces:
                    bucket = result.setdefault(interface, [])
                    if name not in bucket:
                        bucket.append(name)
        for name, info in self.types.items():
            if info.kind == "interface":
                result.setdefault(name, [])
                result[name].sort(key=self._order.__getitem__)
        return result

    @cached_property
    def _order(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.types)}

    def possible_types(self, type_name: str) -> list[str]:
        """Object types a value of ``type_name`` can have, anywhere in the supergraph."""
        info = self.types.get(type_name)
        if info is None:
            return []
        if info.kind == "object":
            return [type_name]
        return self._possible.get(type_name, [])

    def possible_types_in(self, type_name: str, subgraph: str) -> list[str]:
        """Object types a value of ``type_name`` can have when ``subgraph`` returns it."""
        info = self.types.get(type_name)
        if info is None:
            return []
        if info.kind == "object":
            return [type_name] if self.type_in(type_name, subgraph) else []
        if info.kind == "union":
            members = info.members.get(subgraph, set())
            return [t for t in self.possible_types(type_name) if t in members]
        return [
            t
            for t in self.possible_types(type_name)
            if type_name in self.types[t].implements.get(subgraph, set())
        ]

    def interfaces_of(self, type_name: str) -> list[str]:
        """Interfaces ``type_name`` implements anywhere in the supergraph."""
        return [
            name
            for name, types in self._possible.items()
            if type_name in types and self.types[name].kind == "interface"
        ]

    def implements(self, object_type: str, abstract: str) -> bool:
        """Whether ``object_type`` is a possible type of ``abstract`` (or is it)."""
        return object_type == abstract or object_type in self.possible_types(abstract)

    # -- fields -------------------------------------------------------------------------------

    def field(self, type_name: str, field_name: str) -> FieldInfo | None:
        info = self.types.get(type_name)
        return None if info is None else info.fields.get(field_name)

    def field_type_name(self, type_name: str, field_name: str) -> str | None:
        """The named type of a field in the supergraph schema, None if there is no such field."""
        parent: Any = self.schema.get_type(type_name)
        definition = getattr(parent, "fields", {}).get(field_name)
        return None if definition is None else get_named_type(definition.type).name

    def field_join(self, type_name: str, field_name: str, subgraph: str) -> FieldInSubgraph | None:
        """The join entry of a field in one subgraph; a bare entry when none is written."""
        info = self.field(type_name, field_name)
        if info is None or info.unowned:
            return None
        if info.joins is None:
            return FieldInSubgraph(subgraph) if self.type_in(type_name, subgraph) else None
        for join in info.joins:
            if join.subgraph == subgraph:
                return join
        return None

    def resolvers_of(
        self, type_name: str, field_name: str, labels: frozenset[str] = frozenset()
    ) -> list[str]:
        """Subgraphs that resolve the field themselves (not external), given active labels."""
        info = self.field(type_name, field_name)
        if info is None or info.unowned:
            return []
        if info.joins is None:
            return self.type_subgraphs(type_name)
        result: list[str] = []
        for join in info.joins:
            if join.external or not self._override_allows(info, join, labels):
                continue
            if join.subgraph not in result:
                result.append(join.subgraph)
        return result

    def _override_allows(
        self, info: FieldInfo, join: FieldInSubgraph, labels: frozenset[str]
    ) -> bool:
        """Progressive override: the new owner serves while its label is on, the old one else.
        ``usedOverridden`` without a label means the old owner keeps the field only for its own
        keys or requirements; with a label it still serves while the label is off."""
        if join.override_label is not None:
            # The overriding side carries ``override``; the overridden side only the label.
            active = join.override_label in labels
            if join.override is None:
                return not active
            # an override from a subgraph that does not serve the field leaves nobody else
            assert info.joins is not None
            source_serves = any(o.subgraph == join.override and not o.external for o in info.joins)
            return active or not source_serves
        if join.used_overridden:
            return False
        assert info.joins is not None
        for other in info.joins:
            if other.override == join.subgraph and other.override_label is not None:
                return other.override_label not in labels
        return True

    def key_field_names(self, type_name: str, subgraph: str) -> set[str]:
        names: set[str] = set()
        for key in self.keys(type_name, subgraph):
            names.update(s.name.value for s in key.selection.selections if hasattr(s, "name"))
        return names
