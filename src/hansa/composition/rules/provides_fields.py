"""``PROVIDES_ON_NON_OBJECT_FIELD``, ``PROVIDES_INVALID_FIELDS_TYPE``,
``PROVIDES_INVALID_FIELDS``, ``PROVIDES_DIRECTIVE_IN_FIELDS_ARG``, ``PROVIDES_FIELDS_HAS_ARGS``,
``PROVIDES_FIELDS_MISSING_EXTERNAL``: a ``@provides`` is read on the field's composite type and
names fields this subgraph can return on that path although another subgraph owns them."""

from __future__ import annotations

from graphql import print_ast

from hansa.composition.rules._field_sets import check_field_set
from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, TypeDef, named_type


def provides_fields(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    provides = f.directive("provides")
    if type_def.kind == "interface" or provides is None:  # interfaces: field_set_on_interface
        return
    sg = context.subgraph
    target = named_type(f.type)
    target_def = sg.types.get(target)
    if target_def is None or target_def.kind not in ("object", "interface", "union"):
        if sg.version == 1:
            return  # Fed 1 ignored such @provides
        context.report(
            "PROVIDES_ON_NON_OBJECT_FIELD",
            f'Invalid @provides directive on field "{type_def.name}.{f.name}": field has type "{print_ast(f.type)}" which is not a Composite Type',
            f,
        )
        return
    check_field_set(context, "PROVIDES", provides, target, f)
