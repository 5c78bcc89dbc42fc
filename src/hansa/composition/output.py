"""The composed supergraph before printing: types with their printed directive applications."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OutArg:
    name: str
    type: str
    default: str | None = None
    description: str | None = None
    directives: list[str] = field(default_factory=list)


@dataclass
class OutField:
    name: str
    type: str
    args: list[OutArg] = field(default_factory=list)
    description: str | None = None
    directives: list[str] = field(default_factory=list)
    default: str | None = None  # input fields


@dataclass
class OutEnumValue:
    name: str
    description: str | None = None
    directives: list[str] = field(default_factory=list)


@dataclass
class OutType:
    kind: str  # "object", "interface", "union", "enum", "input", "scalar"
    name: str
    description: str | None = None
    directives: list[str] = field(default_factory=list)
    interfaces: list[str] = field(default_factory=list)
    fields: list[OutField] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: list[OutEnumValue] = field(default_factory=list)


@dataclass
class OutSchema:
    graphs: list[tuple[str, str, str]]  # (enum value, subgraph name, url)
    roots: dict[str, str]  # "query" -> "Query"
    types: list[OutType]
    join_version: str = "0.3"
    links: list[str] = field(default_factory=list)  # @link applications beyond link and join
    schema_directives: list[str] = field(default_factory=list)  # e.g. @tag on the schema
    directive_definitions: list[str] = field(default_factory=list)  # beyond join and link
    extra_types: list[str] = field(default_factory=list)  # scalars of linked specs
