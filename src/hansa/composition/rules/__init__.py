"""Composition validation: one rule per module, each listed once below, in the order errors are
reported: Apollo's phases, and within a phase the order ``compose()`` has always had (a
:class:`Walk` interleaves its rules' errors by type, where Apollo's validation goes directive by
directive; changing that would change outputs, so it is kept).

Three lists, by what a rule sees, run by the three entry points :func:`compose` calls:

- :data:`SUBGRAPH_RULES`, by :func:`validate_subgraph`: one subgraph alone, before merging.
  Stages, as Apollo's phases: a stage runs only when the stages before it found nothing (an
  invalid ``@link`` makes every name meaningless, an invalid schema every field set).
- :data:`MERGE_RULES`, by :func:`validate_merged`: one subgraph among all those composed, once the
  merge succeeded; each error is reported from exactly one subgraph's point of view.
- :data:`SUPERGRAPH_RULES`, by :func:`validate_supergraph`: the merged schema, before printing.
  Staged too: the ``@inaccessible`` rules see the API schema, which Apollo only computes once the
  merge (interface fields included) found nothing.

A :class:`Walk` runs rules in parallel over one pass of a subgraph's types and fields, so their
errors interleave by element, as graphql-core's rules do over one visit.

Merge checks that decide what the merge does (kinds, field sharing, types, arguments, enums,
inputs, ``@override``, externals, runtime types) are reported by ``merge.py`` itself; the
satisfiability check (``satisfiability.py``) plans queries over the printed supergraph.
"""

from __future__ import annotations

from collections.abc import Sequence

from hansa.composition.errors import CompositionError
from hansa.composition.output import OutSchema
from hansa.composition.rules.auth_on_interface import auth_on_interface
from hansa.composition.rules.context import (
    FieldRule,
    SubgraphContext,
    SubgraphRule,
    SupergraphContext,
    SupergraphRule,
    TypeRule,
    Walk,
)
from hansa.composition.rules.context_name_invalid import context_name_invalid
from hansa.composition.rules.contextual_argument_in_all_subgraphs import (
    contextual_argument_in_all_subgraphs,
)
from hansa.composition.rules.cost_on_interface import cost_on_interface
from hansa.composition.rules.directive_definition_invalid import directive_definition_invalid
from hansa.composition.rules.external_collision import external_collision
from hansa.composition.rules.external_on_interface import external_on_interface
from hansa.composition.rules.external_unused import drop_unused_fed1_externals, external_unused
from hansa.composition.rules.field_set_on_interface import field_set_on_interface
from hansa.composition.rules.from_context_usage import from_context_usage
from hansa.composition.rules.inaccessible_elements import inaccessible_elements
from hansa.composition.rules.interface_field_no_implem import interface_field_no_implem
from hansa.composition.rules.interface_key_missing_implementation_type import (
    interface_key_missing_implementation_type,
)
from hansa.composition.rules.interface_key_on_implementations import (
    interface_key_on_implementations,
)
from hansa.composition.rules.interface_object_is_entity import interface_object_is_entity
from hansa.composition.rules.interface_object_usage import interface_object_usage
from hansa.composition.rules.key_fields import key_fields
from hansa.composition.rules.key_on_interface import key_on_interface
from hansa.composition.rules.link_usage import link_usage
from hansa.composition.rules.list_size import list_size
from hansa.composition.rules.merged_directive_on_external import merged_directive_on_external
from hansa.composition.rules.override_label_invalid import override_label_invalid
from hansa.composition.rules.override_on_interface import override_on_interface
from hansa.composition.rules.provides_fields import provides_fields
from hansa.composition.rules.requires_fields import requires_fields
from hansa.composition.rules.root_type_names import root_type_names
from hansa.composition.rules.shareable_on_interface import shareable_on_interface
from hansa.composition.rules.subgraph_name import subgraph_name
from hansa.composition.rules.transitive_auth import transitive_auth
from hansa.composition.rules.type_definition_invalid import type_definition_invalid
from hansa.composition.rules.valid_graphql import valid_graphql
from hansa.composition.subgraph_reader import SubgraphDef

SUBGRAPH_RULES: tuple[tuple[SubgraphRule, ...], ...] = (
    (subgraph_name,),
    (link_usage,),
    (directive_definition_invalid, type_definition_invalid),
    (valid_graphql,),
    (
        root_type_names,
        Walk(
            types=(key_fields, key_on_interface),
            fields=(field_set_on_interface, requires_fields, provides_fields),
        ),
        Walk(
            fields=(
                external_on_interface,
                shareable_on_interface,
                override_on_interface,
                external_collision,
                merged_directive_on_external,
                override_label_invalid,
                external_unused,
            )
        ),
    ),
    (
        cost_on_interface,
        list_size,
        context_name_invalid,
        from_context_usage,
        auth_on_interface,
        interface_key_on_implementations,
        interface_object_is_entity,
    ),
)

MERGE_RULES: tuple[SubgraphRule, ...] = (
    interface_key_missing_implementation_type,
    interface_object_usage,
    contextual_argument_in_all_subgraphs,
    transitive_auth,
)

SUPERGRAPH_RULES: tuple[tuple[SupergraphRule, ...], ...] = (
    (interface_field_no_implem,),
    (inaccessible_elements,),
)


def validate_subgraph(subgraph: SubgraphDef) -> list[CompositionError]:
    """:data:`SUBGRAPH_RULES` on one subgraph, stage by stage until one reports an error."""
    context = SubgraphContext(subgraph, (subgraph,))
    for stage in SUBGRAPH_RULES:
        for rule in stage:
            rule(context)
        if context.errors:
            break
    return context.errors


def validate_merged(subgraphs: Sequence[SubgraphDef]) -> list[CompositionError]:
    """:data:`MERGE_RULES` for each subgraph in turn, seeing all of ``subgraphs``."""
    everyone = tuple(subgraphs)
    errors: list[CompositionError] = []
    for subgraph in everyone:
        context = SubgraphContext(subgraph, everyone)
        for rule in MERGE_RULES:
            rule(context)
        errors.extend(context.errors)
    return errors


def validate_supergraph(
    schema: OutSchema, merge_errors: Sequence[CompositionError] = ()
) -> list[CompositionError]:
    """``merge_errors`` followed by :data:`SUPERGRAPH_RULES`' errors on the merged schema: the
    first stage is part of Apollo's merge and always runs, each later one only while nothing
    (the merge's errors included) has been found."""
    context = SupergraphContext(schema, list(merge_errors))
    for stage in SUPERGRAPH_RULES:
        for rule in stage:
            rule(context)
        if context.errors:
            break
    return context.errors


__all__ = [
    "MERGE_RULES",
    "SUBGRAPH_RULES",
    "SUPERGRAPH_RULES",
    "FieldRule",
    "SubgraphContext",
    "SubgraphRule",
    "SupergraphContext",
    "SupergraphRule",
    "TypeRule",
    "Walk",
    "drop_unused_fed1_externals",
    "validate_merged",
    "validate_subgraph",
    "validate_supergraph",
]
