"""``EXTERNAL_UNUSED``: a Federation 2 ``@external`` field that no ``@key``, ``@requires`` or
``@provides`` names, nor an interface needs, declares nothing. Federation 1 allowed it, so there
Apollo's schema upgrade drops such fields instead (:func:`drop_unused_fed1_externals`)."""

from __future__ import annotations

from hansa.composition.rules._field_sets import satisfies_interface, used_externals
from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, SubgraphDef, TypeDef


def external_unused(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    sg = context.subgraph
    if (
        f.has("external")
        and sg.version == 2
        and type_def.kind == "object"
        and (type_def.name, f.name) not in context.used_externals
        and not f.has("provides")
        and not satisfies_interface(sg, type_def, f.name)
    ):
        context.report(
            "EXTERNAL_UNUSED",
            f'Field "{type_def.name}.{f.name}" is marked @external but is not used in any federation directive (@key, @provides, @requires) or to satisfy an interface; the field declaration has no use and should be removed (or the field should not be @external).',
            f,
        )


def drop_unused_fed1_externals(sg: SubgraphDef) -> None:
    """A Federation 1 subgraph's ``@external`` fields that no ``@key``, ``@requires`` or
    ``@provides`` uses (nor an interface needs) are left out, as Apollo's Fed 1 schema upgrade
    does; in Federation 2 they are ``EXTERNAL_UNUSED``."""
    if sg.version != 1:
        return
    used = used_externals(sg)
    for type_def in sg.types.values():
        if type_def.kind != "object":
            continue
        unused = [
            name
            for name, f in type_def.fields.items()
            if (f.has("external") or type_def.has("external"))
            and (type_def.name, name) not in used
            and not f.has("provides")
            and not satisfies_interface(sg, type_def, name)
        ]
        if len(unused) < len(type_def.fields):
            for name in unused:
                del type_def.fields[name]
