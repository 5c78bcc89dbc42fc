"""Composition: subgraph SDLs → supergraph SDL, with Apollo-compatible rules, errors and hints.

>>> result = compose([Subgraph("accounts", "http://accounts/graphql", sdl), ...])
>>> result.supergraph_sdl, result.errors, result.hints
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from hansa.composition.errors import CompositionError, Hint, Location
from hansa.composition.merge import Merger
from hansa.composition.printer import print_supergraph
from hansa.composition.rules import (
    drop_unused_fed1_externals,
    validate_merged,
    validate_subgraph,
    validate_supergraph,
)
from hansa.composition.satisfiability import check_satisfiability, reachable_types
from hansa.composition.subgraph_reader import SubgraphDef, read_subgraph
from hansa.supergraph import SupergraphError, read_supergraph


@dataclass(frozen=True)
class SubgraphInput:
    name: str
    url: str
    sdl: str


@dataclass
class Result:
    supergraph_sdl: str | None
    errors: list[CompositionError] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.supergraph_sdl is not None and not self.errors


# hints Apollo finds while exploring the graph from its roots, so never on unreachable types
REACHABLE_ONLY_HINTS = frozenset({"INCONSISTENT_RUNTIME_TYPES_FOR_SHAREABLE_RETURN"})


def compose(subgraphs: Sequence[SubgraphInput]) -> Result:
    """Compose subgraphs; on failure ``supergraph_sdl`` is None and ``errors`` says why."""
    errors: list[CompositionError] = []
    read: list[SubgraphDef] = []
    everything: list[SubgraphDef] = []  # read, valid or not
    seen: set[str] = set()
    for sg in subgraphs:
        if sg.name in seen:
            errors.append(
                CompositionError(
                    "INVALID_SUBGRAPH_NAME", f'A subgraph named "{sg.name}" is listed twice.'
                )
            )
            continue
        seen.add(sg.name)
        parsed, problems = read_subgraph(sg.name, sg.url, sg.sdl)
        errors.extend(problems)
        if parsed is not None:
            everything.append(parsed)
            problems = validate_subgraph(parsed)
            errors.extend(problems)
            if not problems:
                drop_unused_fed1_externals(parsed)
                read.append(parsed)
    if errors:
        if not any(e.code == "INVALID_GRAPHQL" for e in errors):
            # past building every schema, Apollo reports extensions without a base alongside
            # the subgraphs' own errors
            unrelated = Merger(everything)
            unrelated.check_extensions()
            errors.extend(unrelated.errors)
        return Result(None, errors)
    merger = Merger(read)
    schema = merger.merge()
    if merger.stopped:
        return Result(None, merger.errors, merger.hints)
    invalid = validate_supergraph(schema, [*merger.errors, *validate_merged(read)])
    if invalid:
        return Result(None, invalid, merger.hints)
    sdl = print_supergraph(schema)
    try:
        supergraph = read_supergraph(sdl)
    except SupergraphError as error:
        failure = CompositionError("INVALID_FEDERATION_SUPERGRAPH", str(error))
        return Result(None, [failure], merger.hints)
    unsatisfiable = check_satisfiability(supergraph)
    if unsatisfiable:
        return Result(None, unsatisfiable, merger.hints)
    reachable = reachable_types(supergraph)
    hints = [
        h
        for h in merger.hints
        if h.code not in REACHABLE_ONLY_HINTS or (h.coordinate or "").split(".")[0] in reachable
    ]
    return Result(sdl, [], hints)


__all__ = ["CompositionError", "Hint", "Location", "Result", "SubgraphInput", "compose"]
