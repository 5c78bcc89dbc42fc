"""Deterministic resolvers for a generated graph: one data universe, many subgraphs.

Every entity id belongs to one concrete type; every field value is a function of
(id, field, arguments) only, so any subgraph that may serve a field (shareable copies,
``@provides`` paths, ``@override``'s source) answers the same and the planner's choice of
subgraph never changes an answer. Objects are ``{"__typename", "_id"}`` dicts; value-type
objects get the id ``<parent id>/<field>/<arguments>``. What a subgraph legitimately knows
differently is modelled explicitly: ids a subgraph does not know (``SubgraphDef.unknown``,
its reference resolver answers null), entities no subgraph knows (``TypeDef.ghost_id``) and
references with a null key (``TypeDef.null_key_id``), only ever returned by subgraphs that hold
no other field of that entity.

A ``@requires`` field checks the representation it receives: with the required value the
universe holds it answers its own value, else ``"bad requires: got X, want Y"``, so a gateway
that sends a wrong requirement shows up in the answer (``verdict()`` names it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError
from scripts.difftest.core import ordered
from scripts.difftest.graphgen import SCALARS, Field, Graph, SubgraphDef, TypeDef, _top_fields

from hansa.subgraph import Subgraph

if TYPE_CHECKING:
    from scripts.difftest.monolith import Monolith

BAD_REQUIRES = "bad requires"


def _h(*parts: Any) -> int:
    text = "\x1f".join(json.dumps(p, sort_keys=True, default=str) for p in parts)
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in sorted(value.items()) if k != "__typename"}
    return value


class Universe:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.types = graph.types
        self.concrete: dict[str, str] = {}
        self.index: dict[tuple[str, str], str] = {}  # (type or interface, canonical key) -> id
        for td in self.types.values():
            if not td.entity or td.kind != "object":
                continue
            for _id in [*td.ids, *([td.null_key_id] if td.null_key_id else [])]:
                self.concrete[_id] = td.name
            if td.ghost_id:
                self.concrete[td.ghost_id] = td.name
            for _id in td.ids:
                for key in td.keys:
                    canon = json.dumps(self.key_value(td, _id, key), sort_keys=True)
                    self.index[(td.name, canon)] = _id
                    for iface in td.implements:
                        self.index[(iface, canon)] = _id

    # keys ---------------------------------------------------------------------------------

    def key_fields(self, td: TypeDef) -> set[str]:
        return set(_top_fields(" ".join(td.keys)))

    def key_field_value(self, td: TypeDef, _id: str, name: str) -> Any:
        if _id == td.null_key_id:
            return None
        if name == "id":
            return _id
        if name == "sku":
            return f"sku-{_id}"
        if name == "info":
            return {"code": f"c-{_id}"}
        raise KeyError(name)

    def key_value(self, td: TypeDef, _id: str, key: str) -> dict[str, Any]:
        return {f: self.key_field_value(td, _id, f) for f in _top_fields(key)}

    def lookup(self, type_name: str, rep: dict[str, Any]) -> str | None:
        td = self.types[type_name]
        keys = td.keys if td.keys else ["id"]
        if td.kind == "interface":
            keys = ["id"]
        for key in keys:
            fields = _top_fields(key)
            if all(f in rep for f in fields):
                canon = json.dumps({f: _canonical(rep[f]) for f in fields}, sort_keys=True)
                found = self.index.get((type_name, canon))
                if found is not None:
                    return found
        return None

    # values -------------------------------------------------------------------------------

    def scalar(self, fdef: Field, _id: str, args: dict[str, Any], nullable: bool) -> Any:
        if fdef.errors and _h(_id, fdef.name, "error") % 3 == 0:
            raise GraphQLError(f"{fdef.name} failed for {_id}")
        if nullable and _h(_id, fdef.name, "null") % 6 == 0:
            return None
        named = fdef.named
        h = _h(_id, fdef.name, args)
        if named == "Int":
            value = _h(_id, fdef.name) % 500
            return value * 2 if args.get("unit") == "lb" else value
        if named == "Float":
            return (h % 400) / 4
        if named == "Boolean":
            return h % 2 == 0
        if named == "ID":
            return f"{fdef.name}-{_id}"
        text = f"{fdef.name}-{_id}"
        if args.get("unit"):
            text += f"-{args['unit']}"
        return text.upper() if args.get("upper") else text

    def pool(self, fdef: Field) -> list[str]:
        out: list[str] = []
        for name in fdef.targets:
            out.extend(self.types[name].ids)
        return out

    def pick(self, fdef: Field, _id: str, args: dict[str, Any]) -> Any:
        """The entity/abstract value of a composite field: one id, or a list of ids."""
        pool = self.pool(fdef)
        nullable = not fdef.type.endswith("!")
        h = _h(_id, fdef.name, args)
        extra: list[str] = []
        for t in fdef.targets:
            td = self.types[t]
            if fdef.ghosts and td.ghost_id and h % 4 == 0:
                extra.append(td.ghost_id)
            if fdef.null_keys and td.null_key_id and h % 4 == 1:
                extra.append(td.null_key_id)
        if fdef.is_list:
            count = h % 4
            items = [pool[_h(h, i) % len(pool)] for i in range(count)] if pool else []
            items = items + extra
            first = args.get("first")
            if isinstance(first, int):
                items = items[: max(first, 0)]
            return items
        if extra:
            return extra[0]
        if not pool or (nullable and h % 7 == 0):
            return None
        return pool[h % len(pool)]

    def obj(self, _id: str | None, declared: str, sg: SubgraphDef | None) -> dict[str, Any] | None:
        """The object ``_id`` as subgraph ``sg`` returns it (``None``: one schema with all types)."""
        if _id is None:
            return None
        concrete = self.concrete[_id]
        typename = concrete
        st = sg.types.get(concrete) if sg is not None else None
        if sg is not None and (st is None or st.kind != "type"):
            decl = sg.types.get(declared)
            if decl is not None and decl.interface_object:
                typename = declared
        return {"__typename": typename, "_id": _id}


def _nullable(type_text: str) -> bool:
    return not type_text.endswith("!")


def build_subgraphs(graph: Graph, sdls: dict[str, str] | None = None) -> list[Subgraph]:
    """The graph's subgraphs over one universe; ``sdls`` (by subgraph name) instead of
    rendering them, for a frozen graph (``scripts/difftest/frozen.py``)."""
    universe = Universe(graph)
    return [
        _subgraph(universe, graph, sg, sdls[sg.name] if sdls else graph.sdl(sg))
        for sg in graph.subgraphs
    ]


def _subgraph(u: Universe, graph: Graph, sg: SubgraphDef, sdl: str) -> Subgraph:
    resolvers: dict[str, dict[str, Any]] = {}
    for tname, st in sg.types.items():
        td = graph.types[tname]
        table = resolvers.setdefault(tname, {})
        if st.kind == "union":
            continue
        if st.kind == "interface":
            if st.keys:
                table["__resolve_reference"] = _reference(u, sg, tname)
            continue
        if st.keys and any(r for _, r in st.keys):
            table["__resolve_reference"] = _reference(u, sg, tname)
        for fname, sub in st.fields.items():
            table[fname] = _field(u, sg, td, graph.types[tname].fields[fname], sub.type_override)
    return Subgraph(sg.name, sdl, {k: v for k, v in resolvers.items() if v})


def _reference(u: Universe, sg: SubgraphDef, tname: str) -> Callable[..., Any]:
    def resolve(rep: dict[str, Any], _info: Any) -> dict[str, Any] | None:
        _id = u.lookup(tname, rep)
        if _id is None or _id in sg.unknown:
            return None
        concrete = u.concrete[_id]
        st = sg.types.get(tname)
        typename = tname if st is not None and st.interface_object else concrete
        out = {k: v for k, v in rep.items() if k != "__typename"}
        out.update({"__typename": typename, "_id": _id})
        return out

    return resolve


def _field(
    u: Universe, sg: SubgraphDef | None, td: TypeDef, fdef: Field, override: str | None
) -> Callable[..., Any]:
    """Field ``fdef`` of ``td`` as subgraph ``sg`` resolves it; with ``sg=None`` as one schema
    holding every type and field resolves it (``scripts/difftest/monolith.py``)."""
    type_text = override or fdef.type
    nullable = _nullable(type_text)
    key_fields = u.key_fields(td) if td.entity or td.kind == "interface" else set()
    named = fdef.named
    target = u.types.get(named)
    # only where this subgraph declares the @requires (a @provides copy elsewhere just answers)
    sub = sg.types[td.name].fields.get(fdef.name) if sg is not None else None
    checks_requires = fdef.requires is not None and any(
        d.startswith("@requires") for d in (sub.directives if sub else [])
    )

    def resolve(parent: Any, _info: Any, **args: Any) -> Any:
        _id = parent["_id"] if isinstance(parent, dict) and "_id" in parent else "Query"
        if "_key" in (parent or {}) and fdef.name in parent["_key"]:
            return parent["_key"][fdef.name]
        if fdef.name in key_fields or (td.kind == "interface" and fdef.name == "id"):
            entity = u.types[u.concrete[_id]] if _id in u.concrete else td
            value = u.key_field_value(entity, _id, fdef.name)
            if fdef.key_value:
                if value is None:
                    return None
                return {"__typename": named, "_id": f"{_id}/{fdef.name}", "_key": value}
            return value
        if sg is None and fdef.requires is not None:
            req_name, req_args = fdef.requires
            req = td.fields[req_name]
            if not _nullable(req.type):
                try:
                    u.scalar(req, _id, json.loads(req_args), False)
                except GraphQLError:
                    # Federation computes this field from a value that failed and is non-null:
                    # the entity cannot be represented, the field's subgraph never asked. Null;
                    # the error is the required field's, at a path outside the response.
                    return None
        if checks_requires:
            req_name, req_args = fdef.requires
            req = td.fields[req_name]
            try:
                want = u.scalar(req, _id, json.loads(req_args), _nullable(req.type))
            except GraphQLError:
                want = None
            got = parent.get(req_name, "<missing>")
            if got != want:
                return f"{BAD_REQUIRES}: got {got!r}, want {want!r}"
        if named in SCALARS:
            return u.scalar(fdef, _id, args, nullable)
        assert target is not None
        if target.kind == "object" and not target.entity:
            if fdef.errors and _h(_id, fdef.name, "error") % 3 == 0:
                raise GraphQLError(f"{fdef.name} failed for {_id}")
            if nullable and _h(_id, fdef.name, "null") % 6 == 0:
                return None
            canon = json.dumps(args, sort_keys=True)
            return {"__typename": named, "_id": f"{_id}/{fdef.name}/{canon}"}
        if td.name == "Query" and "id" in args:
            wanted = args["id"]
            pool = u.pool(fdef)
            return u.obj(wanted if wanted in pool else None, named, sg)
        if td.name == "Query" and fdef.is_list:
            ids = u.pool(fdef)
            first = args.get("first")
            if isinstance(first, int):
                ids = ids[: max(first, 0)]
            return [u.obj(i, named, sg) for i in ids]
        picked = u.pick(fdef, _id, args)
        if isinstance(picked, list):
            return [u.obj(i, named, sg) for i in picked]
        return u.obj(picked, named, sg)

    return resolve


def _invalid_subgraph_operation(body: dict[str, Any]) -> bool:
    """Did a subgraph refuse the gateway's operation (parse or validation failure)?"""
    text = json.dumps(body.get("errors") or [])
    return any(
        marker in text
        for marker in ("GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED", "Syntax Error")
    )


def _only_outside(body: dict[str, Any], other: dict[str, Any]) -> bool:
    """Are ``body``'s errors beyond ``other``'s all at paths that lead outside its data (a field
    the client never selected, under an object that is there)? Such a path names no response
    field (spec 7.1.2, *Errors*: ``path`` is a response field's)."""
    theirs = {json.dumps(e.get("path")) for e in other.get("errors") or []}
    extra = [e for e in body.get("errors") or [] if json.dumps(e.get("path")) not in theirs]
    return bool(extra) and all(_outside(body.get("data"), e.get("path") or []) for e in extra)


def _at_values(body: dict[str, Any], other: dict[str, Any]) -> bool:
    """Are ``body``'s errors beyond ``other``'s at fields that have a non-null value in its data
    (some) or outside it (the rest), while ``other``'s beyond ``body``'s are all at nulls? A field error nulls its field
    (spec 7.1.2, *Errors*; 6.4.4, *Handling Field Errors*), so such a path names the wrong field:
    an entity call's index taken for the list's, say."""

    def extra(of: dict[str, Any], than: dict[str, Any]) -> list[list[Any]]:
        theirs = {json.dumps(e.get("path")) for e in than.get("errors") or []}
        return [
            e.get("path") or []
            for e in of.get("errors") or []
            if json.dumps(e.get("path")) not in theirs
        ]

    mine, others = extra(body, other), extra(other, body)
    data = body.get("data")
    return (
        bool(mine)
        and all(_outside(data, p) or _value_at(data, p) not in (None, _NOWHERE) for p in mine)
        and any(_value_at(data, p) is not None for p in mine if not _outside(data, p))
        and all(_value_at(other.get("data"), p) is None for p in others)
    )


_NOWHERE = object()


def _value_at(data: Any, path: list[Any]) -> Any:
    node = data
    for step in path:
        if (isinstance(step, int) and isinstance(node, list) and 0 <= step < len(node)) or (
            isinstance(step, str) and isinstance(node, dict) and step in node
        ):
            node = node[step]
        else:
            return _NOWHERE
    return node


def _outside(data: Any, path: list[Any]) -> bool:
    node = data
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, list) or step >= len(node):
                return False
            node = node[step]
        elif isinstance(node, dict):
            if step not in node:
                return True
            node = node[step]
        else:
            return False
    return False


def verdict(record: dict[str, Any], monolith: Monolith | None = None) -> str | None:
    """Who is right, where the answers tell: a ``bad requires`` answer is that side's, and so is
    a subgraph refusing the operation a gateway built (clients' operations are valid); else the
    side whose data differs from what one server holding the whole graph answers (``monolith``)."""
    a = record.get("min_apollo", record["apollo"])
    h = record.get("min_hansa", record["hansa"])
    a_text, h_text = json.dumps(a), json.dumps(h)
    bad_a, bad_h = BAD_REQUIRES in a_text, BAD_REQUIRES in h_text
    if bad_a and not bad_h:
        return "apollo sent a wrong @requires value"
    if bad_h and not bad_a:
        return "hansa sent a wrong @requires value"
    inv_a, inv_h = _invalid_subgraph_operation(a["body"]), _invalid_subgraph_operation(h["body"])
    if inv_a and not inv_h:
        return "apollo sent an invalid subgraph operation"
    if inv_h and not inv_a:
        return "hansa sent an invalid subgraph operation"
    if h["status"] != 200 and a["status"] == 200:
        codes = sorted(
            {str((e.get("extensions") or {}).get("code")) for e in h["body"].get("errors") or []}
        )
        return f"hansa refused the operation ({', '.join(codes)})"
    if a["status"] != 200 and h["status"] == 200:
        return "apollo refused the operation"
    if record.get("kinds") == ["errors"] and _only_outside(a["body"], h["body"]):
        return "apollo reported errors at paths outside the response"
    if record.get("kinds") == ["errors"] and _at_values(a["body"], h["body"]):
        return "apollo reported errors at fields that have a value"
    if record.get("kinds") == ["errors"] and _at_values(h["body"], a["body"]):
        return "hansa reported errors at fields that have a value"
    if record.get("kinds") == ["errors-under-null"]:
        return "same data: the errors differ only below a null both answers share"
    if monolith is not None and "query" in record:
        query = record.get("min_query", record["query"])
        variables = record.get("min_variables", record.get("variables") or {})
        one = monolith.answer(query, variables).get("data")
        a_data, h_data = a["body"].get("data"), h["body"].get("data")
        a_same, h_same = ordered(one) == ordered(a_data), ordered(one) == ordered(h_data)
        if h_same and not a_same:
            return f"apollo answers {_difference(one, a_data)} (the one-server answer differs)"
        if a_same and not h_same:
            return f"hansa answers {_difference(one, h_data)} (the one-server answer differs)"
    return None


def _difference(want: Any, got: Any) -> str:
    """What ``got`` does wrong at the first place it differs from ``want``, in a few words."""
    if isinstance(want, dict) and isinstance(got, dict):
        if got == {} and want:
            return "an empty object where fields were selected"
        if list(want) != list(got):
            return "keys in another order" if set(want) == set(got) else "other response keys"
        for key in want:
            if ordered(want[key]) != ordered(got[key]):
                return _difference(want[key], got[key])
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for w, g in zip(want, got, strict=True):
            if ordered(w) != ordered(g):
                return _difference(w, g)
    if got is None:
        return "null where there is a value"
    if want is None:
        return "a value where there is null"
    return "another value"
