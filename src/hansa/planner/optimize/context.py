"""What plan passes may consult besides the groups: the supergraph and the active labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import get_named_type

from hansa.supergraph.model import Supergraph


@dataclass(frozen=True, slots=True)
class PassContext:
    supergraph: Supergraph
    labels: frozenset[str]

    def field_type(self, type_name: str, field_name: str) -> str | None:
        """The named type of a field in the supergraph, None if there is no such field."""
        parent: Any = self.supergraph.schema.get_type(type_name)
        definition = getattr(parent, "fields", {}).get(field_name)
        return None if definition is None else get_named_type(definition.type).name
