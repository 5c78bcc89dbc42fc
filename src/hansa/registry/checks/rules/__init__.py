"""The breaking-change rules, one per module, listed once.

Each rule is ``rule(context: ChangeContext) -> None`` and reports through
``context.report(code, severity, coordinate, message)``. ``schema_changes`` runs them in this
order (the order does not show: changes are sorted) and the tests drive each of them.
"""

from __future__ import annotations

from collections.abc import Callable

from hansa.registry.checks.changes import ChangeContext
from hansa.registry.checks.rules.argument_added import argument_added
from hansa.registry.checks.rules.argument_default_changed import argument_default_changed
from hansa.registry.checks.rules.argument_removed import argument_removed
from hansa.registry.checks.rules.argument_type_changed import argument_type_changed
from hansa.registry.checks.rules.directive_added import directive_added
from hansa.registry.checks.rules.directive_locations_changed import directive_locations_changed
from hansa.registry.checks.rules.directive_removed import directive_removed
from hansa.registry.checks.rules.enum_value_added import enum_value_added
from hansa.registry.checks.rules.enum_value_deprecation import enum_value_deprecation
from hansa.registry.checks.rules.enum_value_removed import enum_value_removed
from hansa.registry.checks.rules.field_added import field_added
from hansa.registry.checks.rules.field_deprecation import field_deprecation
from hansa.registry.checks.rules.field_removed import field_removed
from hansa.registry.checks.rules.field_type_changed import field_type_changed
from hansa.registry.checks.rules.input_field_added import input_field_added
from hansa.registry.checks.rules.input_field_default_changed import input_field_default_changed
from hansa.registry.checks.rules.input_field_removed import input_field_removed
from hansa.registry.checks.rules.input_field_type_changed import input_field_type_changed
from hansa.registry.checks.rules.input_value_deprecation import input_value_deprecation
from hansa.registry.checks.rules.interface_added_to_object import interface_added_to_object
from hansa.registry.checks.rules.interface_removed_from_object import (
    interface_removed_from_object,
)
from hansa.registry.checks.rules.type_added import type_added
from hansa.registry.checks.rules.type_kind_changed import type_kind_changed
from hansa.registry.checks.rules.type_removed import type_removed
from hansa.registry.checks.rules.union_member_added import union_member_added
from hansa.registry.checks.rules.union_member_removed import union_member_removed

ChangeRule = Callable[[ChangeContext], None]

CHANGE_RULES: tuple[ChangeRule, ...] = (
    # types
    type_removed,
    type_added,
    type_kind_changed,
    # output fields
    field_removed,
    field_added,
    field_type_changed,
    field_deprecation,
    # arguments (of fields and directives)
    argument_removed,
    argument_added,
    argument_type_changed,
    argument_default_changed,
    input_value_deprecation,
    # input objects
    input_field_removed,
    input_field_added,
    input_field_type_changed,
    input_field_default_changed,
    # enums
    enum_value_removed,
    enum_value_added,
    enum_value_deprecation,
    # unions and interfaces
    union_member_removed,
    union_member_added,
    interface_removed_from_object,
    interface_added_to_object,
    # directives
    directive_removed,
    directive_added,
    directive_locations_changed,
)

__all__ = ["CHANGE_RULES", "ChangeRule"]
