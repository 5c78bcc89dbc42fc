"""Random subgraph sets for the differential, deterministic by (seed, index).

``generate(seed, index)`` returns a ``Graph``: 2 to 5 subgraphs over one model of entities,
value types, interfaces and unions, rendered as Federation 2 SDL (mostly) or Federation 1 SDL,
together with what the resolvers need (``universe.py`` serves it). The generator stays inside
composition's rules rather than rejection-sampling:

- every entity has an owner subgraph that declares all its keys, resolvable, with all key
  fields; other subgraphs declare a subset of the keys (so keys differ per subgraph), and those
  that only reference the entity may declare their key ``resolvable: false``. Any subgraph can
  therefore reach the owner, and the owner every other subgraph: the supergraph is satisfiable;
- a field in several subgraphs is ``@shareable`` in each (key fields are implicitly), value types
  are identical wherever declared, interface fields are identical wherever the interface is;
- ``@external`` only where a ``@key`` (Fed 1), ``@provides`` or ``@requires`` uses it; a provided
  field is ``@shareable`` in its owner; ``@override`` moves a field the owner does not share;
- a field that returns an abstract type and is served by several subgraphs only ever returns
  types every one of them knows (``Field.targets``), so any subgraph the planner picks answers
  the same. Where a difference is legitimate the generator never creates it; features it does
  create are listed in ``Graph.features`` (for the summary and for reproduction).
"""

from __future__ import annotations

import contextlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ENTITY_NAMES = ["Product", "User", "Review", "Store", "Order", "Shipment", "Author", "Venue"]
IMPL_NAMES = ["Book", "Movie", "Song", "Game", "Podcast"]
SUBGRAPH_NAMES = ["alpha", "beta", "gamma", "delta", "epsilon"]
SCALAR_FIELDS = [
    ("name", "String"),
    ("title", "String"),
    ("weight", "Int"),
    ("score", "Int"),
    ("rating", "Float"),
    ("active", "Boolean"),
    ("code", "ID"),
    ("color", "String"),
    ("stock", "Int"),
    ("note", "String"),
]


@dataclass
class Arg:
    name: str
    type: str
    default: str | None = None

    def sdl(self) -> str:
        return f"{self.name}: {self.type}" + (f" = {self.default}" if self.default else "")


@dataclass
class Field:
    """A field's global shape (the same in every subgraph declaring it) and its behaviour."""

    name: str
    type: str  # GraphQL type text: "String", "[Product!]!", ...
    args: list[Arg] = field(default_factory=list)
    errors: bool = False  # fails for some ids (a third of them)
    requires: tuple[str, str] | None = None  # (required field, its arguments as JSON) when set
    targets: list[str] = field(default_factory=list)  # concrete types a composite may return
    ghosts: bool = False  # may return references to entities no subgraph knows
    null_keys: bool = False  # may return references whose key is null
    key_value: bool = False  # a key's nested object (its values come from the entity's key)

    @property
    def named(self) -> str:
        return self.type.replace("[", "").replace("]", "").replace("!", "")

    @property
    def is_list(self) -> bool:
        return self.type.startswith("[")

    def sdl(self, type_override: str | None = None) -> str:
        args = f"({', '.join(a.sdl() for a in self.args)})" if self.args else ""
        return f"{self.name}{args}: {type_override or self.type}"


@dataclass
class TypeDef:
    name: str
    kind: str  # "object" | "interface" | "union"
    entity: bool = False
    value: bool = False  # a value type (no key)
    keys: list[str] = field(default_factory=list)
    fields: dict[str, Field] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)  # union members / interface impls
    implements: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)  # entity ids (concrete types)
    null_key_id: str | None = None  # an entity whose single key field is null
    ghost_id: str | None = None  # an entity no subgraph knows


@dataclass
class SubField:
    directives: list[str] = field(default_factory=list)
    type_override: str | None = None


@dataclass
class SubType:
    """A type as declared in one subgraph."""

    name: str
    kind: str  # "type" | "interface" | "union"
    directives: list[str] = field(default_factory=list)
    fields: dict[str, SubField] = field(default_factory=dict)
    implements: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    extend: bool = False  # Fed 1: ``extend type``
    keys: list[tuple[str, bool]] = field(default_factory=list)  # (field set, resolvable)
    interface_object: bool = False


@dataclass
class SubgraphDef:
    name: str
    version: str  # "2.3", "2.7", or "fed1"
    types: dict[str, SubType] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)  # entity ids this subgraph does not know

    def type(self, name: str, kind: str = "type") -> SubType:
        if name not in self.types:
            self.types[name] = SubType(name, kind)
        return self.types[name]


@dataclass
class Graph:
    seed: int
    index: int
    composer: str  # "fed2" (Apollo composition) or "fed1" (@apollo/federation 0.x)
    types: dict[str, TypeDef]
    subgraphs: list[SubgraphDef]
    features: list[str]

    @property
    def name(self) -> str:
        return f"g{self.seed}-{self.index}"

    def sdl(self, subgraph: SubgraphDef) -> str:
        return render(self, subgraph)


# ------------------------------------------------------------------------------------------
# Rendering


FED2_IMPORTS = [
    "@key",
    "@shareable",
    "@external",
    "@requires",
    "@provides",
    "@override",
    "@inaccessible",
    "@interfaceObject",
]


def render(graph: Graph, sg: SubgraphDef) -> str:
    fed1 = sg.version == "fed1"
    out: list[str] = []
    if not fed1:
        imports = ", ".join(f'"{d}"' for d in FED2_IMPORTS)
        out.append(
            f'extend schema @link(url: "https://specs.apollo.dev/federation/v{sg.version}",'
            f" import: [{imports}])\n"
        )
    order = sorted(sg.types, key=lambda n: (n != "Query", n))
    for name in order:
        st = sg.types[name]
        td = graph.types[name]
        if st.kind == "union":
            out.append(f"union {name} = {' | '.join(st.members)}\n")
            continue
        head = "extend type" if st.extend else ("interface" if st.kind == "interface" else "type")
        impl = f" implements {' & '.join(st.implements)}" if st.implements else ""
        directives = []
        for fields, resolvable in st.keys:
            quoted = fields.replace('"', '\\"')
            extra = "" if resolvable else ", resolvable: false"
            directives.append(f'@key(fields: "{quoted}"{extra})')
        if st.interface_object:
            directives.append("@interfaceObject")
        directives.extend(st.directives)
        lines = [f"{head} {name}{impl}{''.join(' ' + d for d in directives)} {{"]
        for fname, sf in st.fields.items():
            fdef = td.fields[fname]
            lines.append(f"  {fdef.sdl(sf.type_override)}{''.join(' ' + d for d in sf.directives)}")
        lines.append("}\n")
        out.append("\n".join(lines))
    return "\n".join(out)


# ------------------------------------------------------------------------------------------
# Generation


class _Refuse(Exception):
    """A generation step that would break a composition rule: skipped."""


class _Gen:
    def __init__(self, seed: int, index: int) -> None:
        self.rng = random.Random(f"hansa-graphs:{seed}:{index}")
        self.seed, self.index = seed, index
        self.types: dict[str, TypeDef] = {}
        self.features: list[str] = []
        rng = self.rng
        self.fed1 = rng.random() < 0.12
        count = rng.choice([2, 2, 3, 3, 3, 4, 4, 5])
        names = SUBGRAPH_NAMES[:count]
        version = "fed1" if self.fed1 else rng.choice(["2.3", "2.7", "2.7"])
        self.sgs = [SubgraphDef(n, version) for n in names]
        self.composer = "fed1" if self.fed1 and rng.random() < 0.5 else "fed2"
        self.owner: dict[str, SubgraphDef] = {}
        self.field_home: dict[tuple[str, str], list[SubgraphDef]] = {}

    # helpers ----------------------------------------------------------------------------

    def feature(self, name: str) -> None:
        if name not in self.features:
            self.features.append(name)

    def declare_field(
        self, sg: SubgraphDef, type_name: str, fname: str, *directives: str
    ) -> SubField:
        st = sg.types[type_name]
        if fname not in st.fields:
            st.fields[fname] = SubField()
            homes = self.field_home.setdefault((type_name, fname), [])
            if sg not in homes:
                homes.append(sg)
        sub = st.fields[fname]
        for d in directives:
            if d not in sub.directives:
                sub.directives.append(d)
        return sub

    def forbidden(self, sg: SubgraphDef, name: str) -> bool:
        """An @interfaceObject subgraph must not declare the interface's implementations."""
        td = self.types[name]
        return any(
            sg.types.get(i) is not None and sg.types[i].interface_object for i in td.implements
        )

    def ensure_entity(self, sg: SubgraphDef, name: str, resolvable: bool = True) -> SubType:
        """``name`` declared in ``sg`` with at least one key (and its fields)."""
        td = self.types[name]
        if self.forbidden(sg, name):
            raise _Refuse(f"{name} in {sg.name}")
        if name in sg.types:
            st = sg.types[name]
            if resolvable and not any(r for _, r in st.keys):
                st.keys = [(k, True) for k, _ in st.keys]
            return st
        st = sg.type(name)
        if self.fed1 and self.owner[name] is not sg:
            st.extend = True
        rng = self.rng
        keys = [td.keys[0]]
        if len(td.keys) > 1 and rng.random() < 0.4 and not self.fed1:
            # keys differing per subgraph: another key instead of, or besides, the first
            keys = [rng.choice(td.keys[1:])] if rng.random() < 0.5 else td.keys[:]
            self.feature("keys-differ-per-subgraph")
        st.keys = [(k, resolvable) for k in keys]
        if not resolvable:
            self.feature("resolvable-false")
        for k in keys:
            self.key_fields(sg, name, k)
        return st

    def key_fields(self, sg: SubgraphDef, type_name: str, key: str) -> None:
        extern = self.fed1 and self.owner[type_name] is not sg
        for top in _top_fields(key):
            sub = self.declare_field(sg, type_name, top)
            if extern and "@external" not in sub.directives:
                sub.directives.append("@external")
            fdef = self.types[type_name].fields[top]
            if fdef.key_value:
                vt = sg.type(fdef.named)
                for inner in self.types[fdef.named].fields:
                    self.declare_field(sg, fdef.named, inner)
                    if not self.fed1:
                        self.declare_field(sg, fdef.named, inner, "@shareable")
                del vt

    def scalar_field(self, td: TypeDef, used: set[str]) -> Field:
        rng = self.rng
        choices = [f for f in SCALAR_FIELDS if f[0] not in used and f[0] not in td.fields]
        name, type_ = rng.choice(choices)
        used.add(name)
        if rng.random() < 0.35:
            type_ += "!"
        f = Field(name, type_)
        if rng.random() < 0.15:
            f.args = (
                [Arg("unit", "String", '"kg"')] if rng.random() < 0.5 else [Arg("upper", "Boolean")]
            )
        if rng.random() < 0.12:
            f.errors = True
            self.feature("erroring-fields")
        return f

    def step(self, fn: Callable[..., None], *args: Any) -> None:
        with contextlib.suppress(_Refuse):
            fn(*args)

    def share(self) -> None:
        """``@shareable`` on every object field several subgraphs resolve, outside their keys."""
        for (tname, fname), homes in self.field_home.items():
            resolving = [
                h
                for h in homes
                if h.types[tname].kind == "type"
                and "@external" not in h.types[tname].fields[fname].directives
            ]
            if len(resolving) < 2 or any(
                d.startswith("@override")
                for h in resolving
                for d in h.types[tname].fields[fname].directives
            ):
                continue
            for h in resolving:
                st = h.types[tname]
                if fname in _top_fields(" ".join(k for k, _ in st.keys)):
                    continue
                self.declare_field(h, tname, fname, "@shareable")

    # the model --------------------------------------------------------------------------

    def build(self) -> Graph:
        rng = self.rng
        sgs = self.sgs
        entity_names = rng.sample(ENTITY_NAMES, rng.choice([2, 3, 3, 4]))
        # Entities and their owners.
        for name in entity_names:
            self.new_entity(name, rng.choice(sgs))
        # Interfaces and unions over entity implementations.
        if rng.random() < 0.6:
            self.step(self.new_interface)
        if rng.random() < 0.45:
            self.step(self.new_union)
        # Fields of other subgraphs on entities; shareable copies; references.
        for name in entity_names:
            self.step(self.extend_entity, name)
        self.step(self.value_types)
        self.step(self.references)
        if not self.fed1:
            if rng.random() < 0.4:
                self.step(self.override)
            if rng.random() < 0.3:
                self.step(self.inaccessible)
        if rng.random() < 0.55:
            self.step(self.requires)
        if rng.random() < 0.5:
            self.step(self.provides)
        self.step(self.roots)
        for sg in sgs:
            if sg.types and "Query" not in sg.types:
                self.step(self.root_for, sg)
        if not self.fed1:
            self.share()
        subgraphs = [sg for sg in sgs if sg.types]
        self.finish_targets(subgraphs)
        self.sparse(subgraphs)
        return Graph(self.seed, self.index, self.composer, self.types, subgraphs, self.features)

    def new_entity(
        self, name: str, owner: SubgraphDef, implements: list[str] | None = None
    ) -> TypeDef:
        rng = self.rng
        td = TypeDef(name, "object", entity=True, implements=implements or [])
        self.types[name] = td
        self.owner[name] = owner
        prefix = name[:2].lower()
        td.ids = [f"{prefix}{i}" for i in range(1, rng.choice([3, 4, 5]))]
        td.fields["id"] = Field("id", "ID!")
        td.keys = ["id"]
        if not self.fed1 or rng.random() < 0.3:
            roll = rng.random()
            if roll < 0.25:
                td.fields["sku"] = Field("sku", "String!")
                td.keys.append("sku")
                self.feature("multiple-keys")
            elif roll < 0.45:
                td.fields["sku"] = Field("sku", "String!")
                td.keys.append("id sku")
                self.feature("composite-key")
            elif roll < 0.6 and not self.fed1:
                info = f"{name}Info"
                self.types[info] = TypeDef(info, "object", value=True)
                self.types[info].fields["code"] = Field("code", "String!")
                td.fields["info"] = Field("info", f"{info}!", key_value=True)
                td.keys.append("info { code }")
                self.feature("nested-key")
        if not implements and not self.fed1 and rng.random() < 0.15:
            td.fields["id"] = Field("id", "ID")
            td.null_key_id = f"{prefix}0"
            self.feature("null-keys")
        if rng.random() < 0.25:
            td.ghost_id = f"{prefix}99"
            self.feature("unknown-entities")
        st = owner.type(name)
        st.keys = [(k, True) for k in td.keys]
        for k in td.keys:
            self.key_fields(owner, name, k)
        used: set[str] = set()
        for _ in range(rng.choice([1, 2, 2, 3])):
            f = self.scalar_field(td, used)
            td.fields[f.name] = f
            self.declare_field(owner, name, f.name)
        return td

    def new_interface(self) -> None:
        rng = self.rng
        entity = not self.fed1 and rng.random() < 0.5
        name = rng.choice(["Media", "Node", "Item"])
        if name in self.types:
            return
        impl_names = rng.sample(IMPL_NAMES, rng.choice([2, 2, 3]))
        iface = TypeDef(name, "interface", entity=entity, members=impl_names)
        self.types[name] = iface
        iface.fields["id"] = Field("id", "ID!")
        iface.fields["label"] = Field("label", "String")
        recursive = rng.random() < 0.6
        if recursive:
            iface.fields["same"] = Field(f"same{name}", name)
            iface.fields = {f.name: f for f in iface.fields.values()}
            self.feature("interface-recursion")
        if entity:
            iface.keys = ["id"]
            self.feature("entity-interface")
        owner = rng.choice(self.sgs)
        self.owner[name] = owner
        for impl in impl_names:
            home = owner if (entity or self.fed1 or rng.random() < 0.6) else rng.choice(self.sgs)
            td = self.new_entity(impl, home, [name])
            for f in iface.fields.values():
                if f.name not in td.fields:
                    td.fields[f.name] = Field(f.name, f.type, list(f.args))
        # Where the interface is declared: every subgraph of an implementation (value interface:
        # with the implementations it has there); an entity interface only in its owner.
        homes = (
            [owner]
            if entity
            else sorted(
                {self.owner[i].name: self.owner[i] for i in impl_names}.values(),
                key=lambda s: s.name,
            )
        )
        if not entity and not self.fed1 and rng.random() < 0.5:
            extra = rng.choice(self.sgs)
            if extra not in homes:
                homes.append(extra)
                self.feature("interface-members-differ")
        if self.fed1:
            homes = [owner]
        for sg in homes:
            st = sg.type(name, "interface")
            if entity:
                st.keys = [("id", True)]
            if entity or sg is owner:
                members = impl_names
            else:
                own = [i for i in impl_names if self.owner[i] is sg]
                members = own or rng.sample(impl_names, 1)
                if not own or rng.random() < 0.3:
                    members = sorted(set(members) | {rng.choice(impl_names)})
            for f in iface.fields:
                self.declare_field(sg, name, f)
            for impl in members:
                ist = self.ensure_entity(sg, impl)
                if name not in ist.implements:
                    ist.implements.append(name)
                for f in iface.fields:
                    self.declare_field(sg, impl, f)
        if entity and len(self.sgs) > 1 and rng.random() < 0.8:
            # @interfaceObject in another subgraph
            free = [
                s for s in self.sgs if s is not owner and not any(i in s.types for i in impl_names)
            ]
            if not free:
                return
            other = rng.choice(free)
            st = other.type(name)
            st.keys = [("id", True)]
            st.interface_object = True
            self.declare_field(other, name, "id")
            used = set(iface.fields).union(*(self.types[i].fields for i in impl_names))
            f = self.scalar_field(iface, used)
            iface.fields[f.name] = f
            for impl in impl_names:
                self.types[impl].fields[f.name] = Field(
                    f.name, f.type, list(f.args), errors=f.errors
                )
            self.declare_field(other, name, f.name)
            self.feature("interface-object")
            self.interface_object = (name, other, f.name)
            if rng.random() < 0.15:
                # the owner's interface key not resolvable (composition may refuse)
                owner.types[name].keys = [("id", False)]
                self.feature("interface-object-owner-unresolvable")

    def new_union(self) -> None:
        rng = self.rng
        entities = [t for t in self.types.values() if t.entity and t.kind == "object"]
        if len(entities) < 2:
            return
        members = [t.name for t in rng.sample(entities, rng.choice([2, 2, 3][: len(entities)]))]
        union = TypeDef("Result", "union", members=members)
        self.types["Result"] = union
        homes = rng.sample(self.sgs, 1 if self.fed1 else rng.choice([1, 2, 2]))
        self.owner["Result"] = homes[0]
        for sg in homes:
            subset = (
                members
                if (len(homes) == 1 or rng.random() < 0.3)
                else sorted(rng.sample(members, rng.choice(range(1, len(members) + 1))))
            )
            if subset != members:
                self.feature("union-members-differ")
            if self.fed1:
                for m in subset:
                    if self.owner[m] is not sg:
                        subset = [x for x in subset if self.owner[x] is sg] or []
                if not subset:
                    continue
            subset = [m for m in subset if not self.forbidden(sg, m)]
            if not subset:
                continue
            st = sg.type("Result", "union")
            st.members = list(subset)
            for m in subset:
                self.ensure_entity(sg, m, resolvable=True)

    def extend_entity(self, name: str) -> None:
        rng = self.rng
        td = self.types[name]
        owner = self.owner[name]
        for sg in self.sgs:
            if sg is owner or rng.random() < 0.5:
                continue
            self.ensure_entity(sg, name, resolvable=True)
            used = set(td.fields)
            for _ in range(rng.choice([1, 1, 2])):
                f = self.scalar_field(td, used)
                td.fields[f.name] = f
                self.declare_field(sg, name, f.name)
            if not self.fed1 and rng.random() < 0.35:
                shared = [
                    f
                    for f, homes in self.field_home.items()
                    if f[0] == name
                    and owner in homes
                    and f[1] not in _top_fields(" ".join(td.keys))
                ]
                if shared:
                    _, fname = rng.choice(shared)
                    for home in [owner, sg]:
                        self.declare_field(home, name, fname, "@shareable")
                    self.feature("shareable-fields")

    def value_types(self) -> None:
        rng = self.rng
        if rng.random() < 0.55:
            money = TypeDef("Money", "object", value=True)
            money.fields["amount"] = Field("amount", "Int")
            money.fields["currency"] = Field("currency", "String!")
            self.types["Money"] = money
            entities = [t for t in self.types.values() if t.entity and t.kind == "object"]
            for _ in range(rng.choice([1, 2, 3])):
                td = rng.choice(entities)
                fname = rng.choice(["price", "cost", "total"])
                if fname in td.fields:
                    continue
                td.fields[fname] = Field(fname, "Money" + rng.choice(["", "!"]))
                sg = rng.choice([s for s in self.sgs if td.name in s.types])
                sg.type("Money")
                for inner in money.fields:
                    if self.fed1:
                        self.declare_field(sg, "Money", inner)
                    else:
                        self.declare_field(sg, "Money", inner, "@shareable")
                self.declare_field(sg, td.name, fname)
            if sum("Money" in s.types for s in self.sgs) > 1:
                self.feature("shareable-value-types")

    def references(self) -> None:
        """Entity fields returning other entities (and lists of them), abstract types too."""
        rng = self.rng
        entities = [t for t in self.types.values() if t.entity and t.kind == "object"]
        abstract = [t for t in self.types.values() if t.kind in ("interface", "union")]
        for _ in range(rng.choice([1, 2, 3, 4])):
            src = rng.choice(entities)
            homes = [
                s
                for s in self.sgs
                if src.name in s.types
                and s.types[src.name].keys
                and any(r for _, r in s.types[src.name].keys)
            ]
            if not homes:
                continue
            sg = rng.choice(homes)
            candidates = entities + abstract
            target = rng.choice(candidates)
            if target.kind == "union" and "Result" not in sg.types:
                continue
            if target.kind == "interface" and target.name not in sg.types:
                continue
            fname = rng.choice(["related", "parent", "top", "best", "link", "other"]) + target.name
            if fname in src.fields:
                continue
            many = rng.random() < 0.5
            type_ = f"[{target.name}{'!' if rng.random() < 0.5 else ''}]" if many else target.name
            f = Field(fname, type_)
            if many and rng.random() < 0.3:
                f.args = [Arg("first", "Int", "2")]
            if target.kind == "object":
                pure = target.name not in sg.types
                resolvable = not (pure and rng.random() < 0.4 and not self.fed1)
                try:
                    self.ensure_entity(sg, target.name, resolvable=resolvable)
                except _Refuse:
                    continue
                if pure and target.ghost_id:
                    f.ghosts = True
                if pure and target.null_key_id:
                    f.null_keys = True
            src.fields[fname] = f
            self.declare_field(sg, src.name, fname)

    def override(self) -> None:
        rng = self.rng
        options = []
        for (tname, fname), homes in self.field_home.items():
            td = self.types[tname]
            if not td.entity or td.kind != "object" or len(homes) != 1:
                continue
            if fname in _top_fields(" ".join(td.keys)) or td.fields[fname].named not in SCALARS:
                continue
            if td.fields[fname].requires:
                continue
            options.append((tname, fname, homes[0]))
        if not options:
            return
        tname, fname, src = rng.choice(options)
        dests = [s for s in self.sgs if s is not src]
        dest = rng.choice(dests)
        self.ensure_entity(dest, tname, resolvable=True)
        label = ""
        if dest.version == "2.7" and rng.random() < 0.5:
            label = f', label: "percent({rng.choice([0, 100])})"'
            self.feature("override-label")
        self.declare_field(dest, tname, fname, f'@override(from: "{src.name}"{label})')
        self.feature("override")

    def inaccessible(self) -> None:
        rng = self.rng
        options = [
            (t, f)
            for (t, f), homes in self.field_home.items()
            if self.types[t].entity
            and self.types[t].kind == "object"
            and f not in _top_fields(" ".join(self.types[t].keys))
            and self.types[t].fields[f].named in SCALARS
            and not any(
                t in i.members
                for i in self.types.values()
                if i.kind == "interface" and f in i.fields
            )
        ]
        if not options:
            return
        tname, fname = rng.choice(options)
        for sg in self.field_home[(tname, fname)]:
            self.declare_field(sg, tname, fname, "@inaccessible")
        self.inaccessible_field = (tname, fname)
        self.feature("inaccessible")

    def requires(self) -> None:
        rng = self.rng
        for _ in range(rng.choice([1, 1, 2])):
            options = []
            for (tname, fname), homes in self.field_home.items():
                td = self.types[tname]
                if not td.entity or td.kind != "object" or td.fields[fname].named not in SCALARS:
                    continue
                if fname in _top_fields(" ".join(td.keys)) or td.fields[fname].requires:
                    continue
                for sg in self.sgs:
                    if sg not in homes:
                        options.append((tname, fname, sg))
            if not options:
                return
            tname, fname, sg = rng.choice(options)
            td = self.types[tname]
            req = td.fields[fname]
            self.ensure_entity(sg, tname, resolvable=True)
            if fname in sg.types[tname].fields:
                continue
            self.declare_field(sg, tname, fname, "@external")
            args_json = "{}"
            selection = fname
            if req.args:
                self.feature("requires-with-arguments")
                arg = req.args[0]
                literal = '"lb"' if arg.type == "String" else "true"
                selection = f"{fname}({arg.name}: {literal})"
                args_json = json.dumps({arg.name: json.loads(literal)})
            new = Field(
                rng.choice(["estimate", "summary", "derived", "shipping"]) + fname.capitalize(),
                "String",
            )
            if new.name in td.fields:
                continue
            new.requires = (fname, args_json)
            td.fields[new.name] = new
            quoted = selection.replace('"', '\\"')
            self.declare_field(sg, tname, new.name, f'@requires(fields: "{quoted}")')
            self.feature("requires")

    def provides(self) -> None:
        rng = self.rng
        options = []
        for (tname, fname), homes in self.field_home.items():
            td = self.types[tname]
            if td.kind not in ("object",) or fname not in td.fields:
                continue
            f = td.fields[fname]
            target = self.types.get(f.named)
            if target is None or (target.kind == "object" and not target.entity):
                continue
            for sg in homes:
                options.append((tname, fname, sg, target))
        rng.shuffle(options)
        for tname, fname, sg, target in options[:2]:
            sub = sg.types[tname].fields[fname]
            if any(d.startswith(("@provides", "@override", "@requires")) for d in sub.directives):
                continue
            if target.kind == "object":
                provided = self.provided_fields(target.name, sg)
                if not provided:
                    continue
                fset = provided
                self.feature("provides-object")
            else:
                members = [m for m in target.members if m in sg.types]
                if (
                    target.kind == "interface"
                    and sg.types.get(target.name)
                    and sg.types[target.name].kind == "type"
                ):
                    continue  # an @interfaceObject: no implementations here
                if not members:
                    continue
                member = rng.choice(members)
                provided = self.provided_fields(member, sg)
                if not provided:
                    continue
                fset = f"... on {member} {{ {provided} }}"
                self.feature(f"provides-{target.kind}")
            quoted = fset.replace('"', '\\"')
            self.declare_field(sg, tname, fname, f'@provides(fields: "{quoted}")')

    def provided_fields(self, tname: str, sg: SubgraphDef) -> str | None:
        """A scalar field of ``tname`` owned elsewhere, declared ``@external`` in ``sg``."""
        td = self.types[tname]
        options = [
            f
            for (t, f), homes in self.field_home.items()
            if t == tname
            and sg not in homes
            and td.fields[f].named in SCALARS
            and not td.fields[f].args
            and f not in _top_fields(" ".join(td.keys))
            and not any(
                "@override" in h.types[t].fields[f].directives
                or "@inaccessible" in h.types[t].fields[f].directives
                for h in homes
            )
        ]
        if not options:
            return None
        fname = self.rng.choice(sorted(options))
        self.ensure_entity(sg, tname, resolvable=True)
        if fname in sg.types[tname].fields:
            return None
        for home in self.field_home[(tname, fname)]:
            if not self.fed1:
                self.declare_field(home, tname, fname, "@shareable")
        self.declare_field(sg, tname, fname, "@external")
        return fname

    def roots(self) -> None:
        rng = self.rng
        for sg in self.sgs:
            if sg.types:
                for _ in range(rng.choice([1, 1, 2])):
                    self.root_for(sg)
        if not self.fed1 and rng.random() < 0.4:
            # a @shareable root field in several subgraphs
            iface = self.types.get("Node") or self.types.get("Item") or self.types.get("Media")
            if iface is not None and iface.kind == "interface" and not iface.entity:
                homes = [
                    s
                    for s in self.sgs
                    if iface.name in s.types and s.types[iface.name].kind == "interface"
                ]
                if len(homes) < 2:
                    extra = rng.choice([s for s in self.sgs if s not in homes])
                    extra.type(iface.name, "interface")
                    for f in iface.fields:
                        self.declare_field(extra, iface.name, f)
                    impl = rng.choice(iface.members)
                    ist = self.ensure_entity(extra, impl)
                    ist.implements.append(iface.name)
                    for f in iface.fields:
                        self.declare_field(extra, impl, f)
                    homes.append(extra)
                td = self.query()
                td.fields["node"] = Field("node", iface.name, [Arg("id", "ID!")])
                for sg in homes:
                    self.declare_field(sg.type("Query") and sg, "Query", "node", "@shareable")
                self.feature("shareable-root-node")
                if rng.random() < 0.5:
                    # implementations owned elsewhere known by their key only, id @external
                    for sg in homes:
                        for impl in iface.members:
                            if impl not in sg.types:
                                st = sg.type(impl)
                                st.keys = [("id", True)]
                                st.implements = [iface.name]
                                self.declare_field(sg, impl, "id", "@external")
                                for f in iface.fields:
                                    if f != "id":
                                        self.declare_field(sg, impl, f, "@shareable")
                                self.feature("shareable-root-external-id")
            else:
                entities = [t for t in self.types.values() if t.entity and t.kind == "object"]
                td = rng.choice(entities)
                homes = [
                    s
                    for s in self.sgs
                    if td.name in s.types and any(r for _, r in s.types[td.name].keys)
                ]
                if len(homes) >= 2:
                    q = self.query()
                    fname = f"shared{td.name}s"
                    q.fields[fname] = Field(fname, f"[{td.name}!]!")
                    for sg in homes:
                        sg.type("Query")
                        self.declare_field(sg, "Query", fname, "@shareable")
                    self.feature("shareable-root-fields")

    def query(self) -> TypeDef:
        if "Query" not in self.types:
            self.types["Query"] = TypeDef("Query", "object")
        return self.types["Query"]

    def root_for(self, sg: SubgraphDef) -> None:
        rng = self.rng
        q = self.query()
        st = sg.type("Query")
        if self.fed1 and sg is not self.sgs[0]:
            st.extend = True
        choices = [
            n
            for n, t in sg.types.items()
            if n != "Query"
            and (t.kind in ("interface", "union") or (self.types[n].entity and t.keys))
        ]
        if not choices:
            return
        target = rng.choice(sorted(choices))
        td = self.types[target]
        if td.kind == "object" and rng.random() < 0.5:
            fname = f"{target[0].lower()}{target[1:]}"
            f = Field(fname, target, [Arg("id", "ID!")])
        else:
            fname = f"all{target}s"
            f = Field(fname, f"[{target}{rng.choice(['', '!'])}]{rng.choice(['', '!'])}")
            if rng.random() < 0.3:
                f.args = [Arg("first", "Int", str(rng.choice([2, 3])))]
        if fname in q.fields:
            if sg.name in [h.name for h in self.field_home.get(("Query", fname), [])]:
                return
            fname = f"{fname}{sg.name.capitalize()}"
            f.name = fname
        q.fields[fname] = f
        self.declare_field(sg, "Query", fname)
        if td.kind == "object":
            self.ensure_entity(sg, target)

    def finish_targets(self, subgraphs: list[SubgraphDef]) -> None:
        """The concrete types each composite field may return: known to every serving subgraph."""
        for (tname, fname), homes in self.field_home.items():
            td = self.types[tname]
            f = td.fields[fname]
            target = self.types.get(f.named)
            if target is None:
                continue
            if target.kind == "object":
                f.targets = [target.name]
                continue
            possible: set[str] | None = None
            for sg in homes:
                st = sg.types.get(target.name)
                if st is None:
                    mine: set[str] = set()
                elif st.kind == "union":
                    mine = set(st.members)
                elif st.kind == "interface":
                    mine = {n for n, t in sg.types.items() if target.name in t.implements}
                else:  # an @interfaceObject: any implementation
                    mine = set(target.members)
                possible = mine if possible is None else possible & mine
            f.targets = sorted(possible or ())
        del subgraphs

    def sparse(self, subgraphs: list[SubgraphDef]) -> None:
        """Ids a subgraph does not know: only where it has no field another subgraph shares."""
        rng = self.rng
        if rng.random() > 0.25:
            return
        for sg in subgraphs:
            # a subgraph that returns the entity from a field of its own answers it there too
            returned = {
                self.types[t].fields[f].named for t, st in sg.types.items() for f in st.fields
            }
            for tname, st in sg.types.items():
                td = self.types[tname]
                if not td.entity or td.kind != "object" or sg is self.owner[tname]:
                    continue
                if tname in returned or set(td.implements) & returned:
                    continue
                own = [f for f in st.fields if f not in _top_fields(" ".join(td.keys))]
                if not own or any(len(self.field_home[(tname, f)]) > 1 for f in own):
                    continue
                if rng.random() < 0.5:
                    sg.unknown.add(td.ids[-1])
                    self.feature("entities-unknown-to-a-subgraph")


SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def _top_fields(selection: str) -> list[str]:
    """Top-level field names of a field set (``"id info { code }"`` -> ``["id", "info"]``)."""
    out: list[str] = []
    depth = 0
    for token in selection.replace("{", " { ").replace("}", " } ").split():
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and token not in out:
            out.append(token)
    return out


def generate(seed: int, index: int) -> Graph:
    return _Gen(seed, index).build()
