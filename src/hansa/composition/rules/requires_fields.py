"""``REQUIRES_INVALID_FIELDS_TYPE``, ``REQUIRES_INVALID_FIELDS``,
``REQUIRES_DIRECTIVE_IN_FIELDS_ARG``, ``REQUIRES_FIELDS_MISSING_EXTERNAL``: a ``@requires``
names fields of its own type that another subgraph resolves (``@external`` here)."""

from __future__ import annotations

from hansa.composition.rules._field_sets import check_field_set
from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import FieldDef, TypeDef


def requires_fields(context: SubgraphContext, type_def: TypeDef, f: FieldDef) -> None:
    requires = f.directive("requires")
    if type_def.kind != "interface" and requires is not None:  # interfaces: field_set_on_interface
        check_field_set(context, "REQUIRES", requires, type_def.name, f)
