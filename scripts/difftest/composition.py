"""The composition differential: random subgraph sets, and broken variants of them, composed by
``hansa.composition`` and by ``@apollo/composition`` (through ``scripts/reference/multi.mjs``).

Each set comes from the random-graph generator (``graphgen.py``); each *mutation* breaks or bends
one subgraph the way a team's change would: a key field removed, ``@shareable`` dropped, a
field's type changed, an unused ``@external`` field added, an interface implementation broken, a
referenced type removed, a ``@requires`` or ``@provides`` naming a field that does not exist, a
value type's field removed in one subgraph. Where Apollo composes, the supergraphs must be
semantically equal (``tests/composition/canonical.py``: types, fields, arguments, defaults,
values, members, implementations, directive applications, ignoring order) with the same set of
hint codes; where it refuses, the error codes must be the same set. A mismatch is reduced by greedy deletion (definitions,
then fields) while it stays the same mismatch, and can be written out as a composition case
(``tests/composition/cases``) for ``scripts/record-composition``.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import (
    DefinitionNode,
    DocumentNode,
    FieldDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    NamedTypeNode,
    NameNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    StringValueNode,
    parse,
    print_ast,
)
from scripts.difftest.graphgen import generate
from scripts.difftest.oracle import Oracle
from tests.composition.canonical import differences

from hansa.composition import SubgraphInput, compose

Sdls = dict[str, str]
OBJECTS = (
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
)


def url(name: str) -> str:
    return f"http://{name}.invalid/graphql"


@dataclass
class Outcome:
    """One composer's answer: the supergraph, or the set of error codes."""

    supergraph: str | None
    codes: tuple[str, ...]
    hints: tuple[str, ...]


def hansa_compose(sdls: Sdls) -> Outcome:
    result = compose([SubgraphInput(n, url(n), s) for n, s in sorted(sdls.items())])
    return Outcome(
        result.supergraph_sdl if not result.errors else None,
        tuple(sorted({e.code for e in result.errors})),
        tuple(sorted({h.code for h in result.hints})),
    )


def apollo_compose(oracle: Oracle, sdls: Sdls) -> Outcome:
    out = oracle.compose([{"name": n, "url": url(n), "sdl": s} for n, s in sorted(sdls.items())])
    return Outcome(
        out.get("supergraphSdl") or None,
        tuple(sorted({str(e.get("code")) for e in out.get("errors") or []})),
        tuple(sorted({str(h.get("code")) for h in out.get("hints") or []})),
    )


def mismatch(apollo: Outcome, hansa: Outcome) -> str | None:
    """The difference, in a line (None: the same answer)."""
    if apollo.supergraph and hansa.supergraph:
        diff = differences(apollo.supergraph, hansa.supergraph)
        if diff:
            return f"supergraphs differ: {diff[0]}"
        if apollo.hints != hansa.hints:  # Apollo gives hints only with a supergraph
            return f"hint codes differ: apollo {', '.join(apollo.hints)}; hansa {', '.join(hansa.hints)}"
        return None
    if apollo.supergraph:
        return f"hansa refuses what apollo composes: {', '.join(hansa.codes)}"
    if hansa.supergraph:
        return f"hansa composes what apollo refuses: {', '.join(apollo.codes)}"
    if apollo.codes != hansa.codes:
        return (
            f"error codes differ: apollo {', '.join(apollo.codes)}; hansa {', '.join(hansa.codes)}"
        )
    return None


def signature(text: str | None) -> str | None:
    """What minimization keeps: the kind of mismatch (and codes), not the exact first diff."""
    if text is None or text.startswith("supergraphs differ"):
        return text and "supergraphs differ"
    return text


# -- mutations ---------------------------------------------------------------------------------

Mutation = Callable[[DocumentNode, random.Random], DocumentNode | None]


def _fields(node: Any) -> tuple[FieldDefinitionNode, ...]:
    return tuple(getattr(node, "fields", None) or ())


def _replace(doc: DocumentNode, old: DefinitionNode, new: DefinitionNode | None) -> DocumentNode:
    definitions = [new if d is old else d for d in doc.definitions]
    return DocumentNode(definitions=tuple(d for d in definitions if d is not None))


def _with(node: Any, **changes: Any) -> Any:
    """A copy of AST ``node`` with ``changes`` (graphql-core nodes are frozen)."""
    kept = {k: getattr(node, k) for k in node.keys if k != "loc" and k not in changes}
    return type(node)(**kept, **changes)


def _objects(doc: DocumentNode) -> list[Any]:
    return [d for d in doc.definitions if isinstance(d, OBJECTS) and _fields(d)]


def _remove_key_field(doc: DocumentNode, rng: random.Random) -> DocumentNode | None:
    keyed = [
        (d, a.value.value)
        for d in _objects(doc)
        for directive in d.directives or ()
        if directive.name.value == "key"
        for a in directive.arguments or ()
        if a.name.value == "fields" and isinstance(a.value, StringValueNode)
    ]
    if not keyed:
        return None
    node, fields = rng.choice(keyed)
    name = fields.replace("{", " ").split()[0]
    left = tuple(f for f in _fields(node) if f.name.value != name)
    return _replace(doc, node, _with(node, fields=left)) if left != _fields(node) else None


def _drop_shareable(doc: DocumentNode, rng: random.Random) -> DocumentNode | None:
    places: list[tuple[Any, Any]] = []
    for d in _objects(doc):
        if any(x.name.value == "shareable" for x in d.directives or ()):
            places.append((d, None))
        for f in _fields(d):
            if any(x.name.value == "shareable" for x in f.directives or ()):
                places.append((d, f))
    if not places:
        return None
    node, f = rng.choice(places)
    if f is None:
        kept = tuple(x for x in node.directives if x.name.value != "shareable")
        return _replace(doc, node, _with(node, directives=kept))
    new_field = _with(f, directives=tuple(x for x in f.directives if x.name.value != "shareable"))
    fields = tuple(new_field if g is f else g for g in _fields(node))
    return _replace(doc, node, _with(node, fields=fields))


def _change_type(doc: DocumentNode, rng: random.Random) -> DocumentNode | None:
    scalars = [
        (d, f)
        for d in _objects(doc)
        for f in _fields(d)
        if print_ast(f.type).strip("[]!") in ("String", "Int", "Float", "Boolean", "ID")
    ]
    if not scalars:
        return None
    node, f = rng.choice(scalars)
    text = print_ast(f.type)
    new_text = text.replace("String", "Int") if "String" in text else "String"
    new_type = parse(f"type X {{ x: {new_text} }}").definitions[0].fields[0].type  # type: ignore[attr-defined]
    fields = tuple(_with(f, type=new_type) if g is f else g for g in _fields(node))
    return _replace(doc, node, _with(node, fields=fields))


def _add_unused_external(doc: DocumentNode, rng: random.Random) -> DocumentNode | None:
    objects = [d for d in _objects(doc) if isinstance(d, ObjectTypeDefinitionNode)]
    if not objects:
        return None
    node = rng.choice(objects)
    extra = parse("type X { unusedExtra: String @external }").definitions[0].fields[0]  # type: ignore[attr-defined]
    return _replace(doc, node, _with(node, fields=(*_fields(node), extra)))


def _break_implementation(doc: DocumentNode, rng: random.Random) -> DocumentNode | None:
    implementing = [
        d for d in _objects(doc) if isinstance(d, ObjectTypeDefinitionNode) and d.interfaces
    ]
    if not implementing:
        return None
    node = rng.choice(implementing)
    if len(_fields(node)) < 2:
        return None
    victim = rng.randrange(len(_fields(node)))
    left = tuple(f for i, f in enumerate(_fields(node)) if i != victim)
    return _replace(doc, node, _with(node, fields=left))


def _remove_type(doc: DocumentNode, rng: random.Random) -> DocumentNode | None:
    named = [
        d
        for d in doc.definitions
        if isinstance(d, ObjectTypeDefinitionNode) and d.name.value not in ("Query", "Mutation")
    ]
    if not named:
        return None
    return _replace(doc, rng.choice(named), None)


def _directive_on_missing_field(which: str) -> Mutation:
    def mutate(doc: DocumentNode, rng: random.Random) -> DocumentNode | None:
        objects = [d for d in _objects(doc) if isinstance(d, ObjectTypeDefinitionNode)]
        if not objects:
            return None
        node = rng.choice(objects)
        extra = (
            parse(f'type X {{ broken{which.title()}: String @{which}(fields: "noSuchField") }}')
            .definitions[0]
            .fields[0]
        )  # type: ignore[attr-defined]
        return _replace(doc, node, _with(node, fields=(*_fields(node), extra)))

    return mutate


def _rename_field_type(doc: DocumentNode, rng: random.Random) -> DocumentNode | None:
    """A composite field pointing at a type this subgraph does not define."""
    composite = [
        (d, f)
        for d in _objects(doc)
        for f in _fields(d)
        if print_ast(f.type).strip("[]!") not in ("String", "Int", "Float", "Boolean", "ID")
    ]
    if not composite:
        return None
    node, f = rng.choice(composite)
    missing = NamedTypeNode(name=NameNode(value="MissingType"))
    fields = tuple(_with(f, type=missing) if g is f else g for g in _fields(node))
    return _replace(doc, node, _with(node, fields=fields))


MUTATIONS: dict[str, Mutation] = {
    "remove-key-field": _remove_key_field,
    "drop-shareable": _drop_shareable,
    "change-field-type": _change_type,
    "add-unused-external": _add_unused_external,
    "break-implementation": _break_implementation,
    "remove-type": _remove_type,
    "requires-missing-field": _directive_on_missing_field("requires"),
    "provides-missing-field": _directive_on_missing_field("provides"),
    "unknown-field-type": _rename_field_type,
}


def mutate(sdls: Sdls, name: str, rng: random.Random) -> Sdls | None:
    """``sdls`` with mutation ``name`` applied to one subgraph (None: nowhere to apply it)."""
    order = sorted(sdls)
    rng.shuffle(order)
    for subgraph in order:
        changed = MUTATIONS[name](parse(sdls[subgraph]), rng)
        if changed is not None:
            return {**sdls, subgraph: print_ast(changed)}
    return None


# -- minimization ------------------------------------------------------------------------------


def minimize(sdls: Sdls, still: Callable[[Sdls], bool], budget: int = 400) -> Sdls:
    """Greedy deletion: whole subgraphs, then definitions, then fields, while ``still`` holds."""
    tries = 0

    def attempt(candidate: Sdls) -> bool:
        nonlocal tries
        tries += 1
        try:
            return still(candidate)
        except Exception:
            return False

    current = dict(sdls)
    for name in list(current):
        if len(current) > 1 and tries < budget:
            candidate = {k: v for k, v in current.items() if k != name}
            if attempt(candidate):
                current = candidate
    for name in list(current):
        doc = parse(current[name])
        i = 0
        while i < len(doc.definitions) and tries < budget:
            candidate_doc = _replace(doc, doc.definitions[i], None)
            candidate = {**current, name: print_ast(candidate_doc)}
            if attempt(candidate):
                doc, current = candidate_doc, candidate
            else:
                i += 1
        for d in list(doc.definitions):
            for f in _fields(d):
                if tries >= budget:
                    break
                node = next(x for x in doc.definitions if getattr(x, "name", None) == d.name)
                left = tuple(g for g in _fields(node) if g.name.value != f.name.value)
                if not left:
                    continue
                candidate_doc = _replace(doc, node, _with(node, fields=left))
                candidate = {**current, name: print_ast(candidate_doc)}
                if attempt(candidate):
                    doc, current = candidate_doc, candidate
    return current


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Run:
    oracle: Oracle
    minimize: bool = True
    sets: int = 0
    by_outcome: Counter[str] = field(default_factory=Counter)
    mismatches: list[dict[str, Any]] = field(default_factory=list)

    def check(self, label: str, sdls: Sdls) -> None:
        self.sets += 1
        apollo, hansa = apollo_compose(self.oracle, sdls), hansa_compose(sdls)
        if "EXCEPTION" in apollo.codes:
            self.by_outcome["apollo crashed"] += 1  # @apollo/composition threw: no verdict
            return
        self.by_outcome["apollo composes" if apollo.supergraph else "apollo refuses"] += 1
        found = mismatch(apollo, hansa)
        if found is None:
            return
        record: dict[str, Any] = {"set": label, "mismatch": found, "subgraphs": sdls}
        if self.minimize:
            want = signature(found)

            def still(candidate: Sdls) -> bool:
                got = mismatch(apollo_compose(self.oracle, candidate), hansa_compose(candidate))
                return signature(got) == want

            small = minimize(sdls, still)
            record["minimal"] = small
            record["minimal_mismatch"] = mismatch(
                apollo_compose(self.oracle, small), hansa_compose(small)
            )
        self.mismatches.append(record)

    def graph(self, seed: int, index: int, mutations: int, rng: random.Random) -> None:
        graph = generate(seed, index)
        sdls = {s.name: graph.sdl(s) for s in graph.subgraphs}
        self.check(f"g{seed}-{index}", sdls)
        names = sorted(MUTATIONS)
        for _ in range(mutations):
            name = rng.choice(names)
            changed = mutate(sdls, name, rng)
            if changed is not None:
                self.check(f"g{seed}-{index}/{name}", changed)


def write_case(record: dict[str, Any], directory: Path, description: str) -> None:
    """A composition case folder from a mismatch (recorded later by scripts/record-composition)."""
    (directory / "subgraphs").mkdir(parents=True)
    for name, sdl in (record.get("minimal") or record["subgraphs"]).items():
        (directory / "subgraphs" / f"{name}.graphql").write_text(sdl.rstrip() + "\n")
    (directory / "case.md").write_text(description.rstrip() + "\n")


def main(graphs: int, seed: int, mutations: int, out: str | None, minimize_: bool) -> int:
    rng = random.Random(seed)
    with Oracle() as oracle:
        run = Run(oracle, minimize=minimize_)
        for index in range(graphs):
            run.graph(seed, index, mutations, rng)
    kinds = Counter(
        (m.get("minimal_mismatch") or m["mismatch"]).split(":")[0] for m in run.mismatches
    )
    print(
        f"sets: {run.sets} ({dict(run.by_outcome)}), mismatches: {len(run.mismatches)}"
        f" {dict(kinds)}"
    )
    for m in run.mismatches:
        print("=" * 100)
        print(m["set"], "-", m.get("minimal_mismatch") or m["mismatch"])
        for name, sdl in (m.get("minimal") or m["subgraphs"]).items():
            print(f"--- {name}\n{sdl}")
    if out:
        with open(out, "w") as handle:
            for m in run.mismatches:
                handle.write(json.dumps(m) + "\n")
    return 1 if run.mismatches else 0
