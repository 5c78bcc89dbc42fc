"""``KEY_INVALID_FIELDS_TYPE``, ``KEY_INVALID_FIELDS``, ``KEY_DIRECTIVE_IN_FIELDS_ARG``,
``KEY_FIELDS_HAS_ARGS``, ``KEY_FIELDS_SELECT_INVALID_TYPE``: every ``@key`` names fields of its
type that a gateway can send back in a representation (no arguments, no abstract types)."""

from __future__ import annotations

from hansa.composition.rules._field_sets import check_field_set
from hansa.composition.rules.context import SubgraphContext
from hansa.composition.subgraph_reader import TypeDef


def key_fields(context: SubgraphContext, type_def: TypeDef) -> None:
    for key in type_def.keys:
        check_field_set(context, "KEY", key, type_def.name, None)
