"""What plan passes may consult besides the groups: the supergraph and the active labels."""

from __future__ import annotations

from dataclasses import dataclass

from hansa.supergraph.model import Supergraph


@dataclass(frozen=True, slots=True)
class PassContext:
    supergraph: Supergraph
    labels: frozenset[str]
