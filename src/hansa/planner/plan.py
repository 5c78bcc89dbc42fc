"""Query plan nodes and their printed form (close to Apollo's, so plans can be compared).

A plan is immutable once built: each ``Fetch`` carries the operation text sent to its subgraph,
built once, and the names of the client variables it forwards.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hansa.planner.subgraph_selection import KeyRewrite, SubSelection


@dataclass(frozen=True, slots=True, eq=False)
class Fetch:
    id: int
    subgraph: str
    operation: str  # compact operation text sent over the wire
    selection: SubSelection  # for printing
    variables: tuple[str, ...]
    requires: SubSelection | None  # representation shape; keys are response-tree keys
    operation_kind: str
    # Tree type -> __typename to send (concrete types sent to an @interfaceObject subgraph).
    typename_rewrites: dict[str, str]
    # Internal aliases to undo in the response (see ``alias_shape_clashes``).
    key_rewrites: tuple[KeyRewrite, ...] = ()
    representations_variable: str = "representations"
    # Selects non-null fields only for a ``@requires``: errors here may have nulled client data
    # that the plan isolating requirements keeps (see ``GroupBuilder``).
    inline_requirements: bool = False
    # Per type in ``requires``, its (tree key, field name) pairs when the shape is scalars only
    # (a key): the executor identifies such representations by their values.
    flat_requires: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Flatten:
    path: tuple[str, ...]  # "@" stands for every item of a list
    node: Fetch


@dataclass(frozen=True, slots=True)
class Sequence:
    nodes: tuple[PlanNode, ...]


@dataclass(frozen=True, slots=True)
class EntityBatch:
    """Entity fetches of one parallel step that go to the same subgraph, sent as one request:
    each part's ``_entities`` under an alias of its own (``aliases``), with its own
    representations variable. ``parts`` are indexes into the ``Parallel``'s nodes (each a
    ``Flatten``), which the plan still prints one by one."""

    subgraph: str
    parts: tuple[int, ...]
    operation: str
    variables: tuple[str, ...]  # client variables any part forwards
    aliases: tuple[str, ...]
    representation_variables: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Parallel:
    nodes: tuple[PlanNode, ...]
    batches: tuple[EntityBatch, ...] = ()


@dataclass(frozen=True, slots=True)
class Condition:
    """Branch on a boolean variable (``@skip``/``@include`` with variables)."""

    variable: str
    if_true: PlanNode | None
    if_false: PlanNode | None


PlanNode = Fetch | Flatten | Sequence | Parallel | Condition


@dataclass(frozen=True, slots=True)
class QueryPlan:
    node: PlanNode | None

    def fetches(self) -> list[Fetch]:
        found: list[Fetch] = []
        _collect(self.node, found)
        return found

    def pretty(self) -> str:
        if self.node is None:
            return "QueryPlan {\n}"
        return "QueryPlan {\n" + _print(self.node, 1) + "\n}"


def _collect(node: PlanNode | None, found: list[Fetch]) -> None:
    if isinstance(node, Fetch):
        found.append(node)
    elif isinstance(node, Flatten):
        found.append(node.node)
    elif isinstance(node, Sequence | Parallel):
        for child in node.nodes:
            _collect(child, found)
    elif isinstance(node, Condition):
        _collect(node.if_true, found)
        _collect(node.if_false, found)


def _indent(text: str, level: int) -> str:
    pad = "  " * level
    return "\n".join(pad + line if line else line for line in text.splitlines())


def _print(node: PlanNode, level: int) -> str:
    pad = "  " * level
    if isinstance(node, Fetch):
        body = ""
        if node.requires is not None:
            body += _indent(node.requires.print(), level + 1) + " =>\n"
        body += _indent(node.selection.print(), level + 1)
        return f'{pad}Fetch(service: "{node.subgraph}") {{\n{body}\n{pad}}},'
    if isinstance(node, Flatten):
        path = ".".join(node.path)
        return f'{pad}Flatten(path: "{path}") {{\n{_print(node.node, level + 1)}\n{pad}}},'
    if isinstance(node, Sequence | Parallel):
        name = "Sequence" if isinstance(node, Sequence) else "Parallel"
        inner = "\n".join(_print(child, level + 1) for child in node.nodes)
        return f"{pad}{name} {{\n{inner}\n{pad}}},"
    text = f"{pad}Condition(if: ${node.variable}) {{\n"
    if node.if_true is not None:
        text += f"{pad}  Then {{\n{_print(node.if_true, level + 2)}\n{pad}  }}\n"
    if node.if_false is not None:
        text += f"{pad}  Else {{\n{_print(node.if_false, level + 2)}\n{pad}  }}\n"
    return text + f"{pad}}},"
