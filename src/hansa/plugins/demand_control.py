"""Demand control: a static cost for each operation from the IBM cost directives that Apollo
uses (``@cost(weight:)`` and ``@listSize(assumedSize:, slicingArguments:, sizedFields:,
requireOneSlicingArgument:)``), measured or enforced before anything is fetched.

The cost, as Apollo Router's static estimate computes it:

- an operation's base cost: 10 for a mutation, 0 for a query or subscription;
- a field: its own weight (``@cost`` on the field, else on its type, else 1 for an object,
  interface or union and 0 for a scalar or enum) plus the cost of its selection, times the
  field's list size when it returns a list, plus the weights of the arguments it is given
  (``@cost`` on an argument or on the input fields of the value passed);
- a list's size: the largest slicing argument given (a literal or a variable), else
  ``assumedSize``, else the configured ``list_size``; with ``sizedFields`` the size applies to
  those fields of the selection instead of the field itself (the connection pattern);
- a selection on an abstract type costs what its most expensive possible type costs.

``requireOneSlicingArgument`` is read but not enforced as a request error: with several slicing
arguments the largest counts, with none ``assumedSize`` (or ``list_size``), which never
underestimates.

``mode = "measure"`` adds ``extensions.cost = {estimated, max}`` to every response; ``enforce``
also refuses an operation over ``max_cost`` with ``COST_ESTIMATED_TOO_EXPENSIVE`` (Apollo's
code), before any fetch. A cost that does not depend on variables is computed once per
operation and condition assignment.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Literal

from graphql import (
    ArgumentNode,
    DirectiveNode,
    GraphQLInputObjectType,
    GraphQLSchema,
    IntValueNode,
    ListValueNode,
    ObjectValueNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_composite_type,
    value_from_ast_untyped,
)

from hansa.operation.normalized import Field, Selection
from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin
from hansa.planner.builder import list_depth
from hansa.supergraph import Supergraph
from hansa.supergraph.api_schema import object_types
from hansa.supergraph.links import directive_names

COST_SPEC = "https://specs.apollo.dev/cost/"
MUTATION_BASE_COST = 10.0
MAX_CACHED_COSTS = 1000


@dataclass(frozen=True)
class DemandControlPolicy:
    mode: Literal["measure", "enforce"] = "measure"
    max_cost: float = 1000.0
    list_size: int = 10  # for lists without @listSize


@dataclass(frozen=True)
class ListSize:
    assumed: int | None
    slicing: tuple[str, ...]
    sized_fields: tuple[str, ...]


class CostModel:
    """The cost directives of one supergraph, read once."""

    def __init__(self, supergraph: Supergraph, default_list_size: int) -> None:
        self.api = supergraph.api_schema
        self.applies = supergraph.implements
        self.default_list_size = default_list_size
        cost_name, list_size_name = _directive_names(supergraph.schema)
        self.type_weights: dict[str, float] = {}
        self.field_weights: dict[tuple[str, str], float] = {}
        self.argument_weights: dict[tuple[str, str, str], float] = {}
        self.input_weights: dict[tuple[str, str], float] = {}
        self.list_sizes: dict[tuple[str, str], ListSize] = {}
        for name, graphql_type in supergraph.schema.type_map.items():
            nodes = [graphql_type.ast_node, *(graphql_type.extension_ast_nodes or ())]
            for node in nodes:
                weight = _weight(node, cost_name)
                if weight is not None:
                    self.type_weights[name] = weight
            for field_name, definition in getattr(graphql_type, "fields", {}).items():
                node = definition.ast_node
                weight = _weight(node, cost_name)
                if weight is None:
                    pass
                elif isinstance(graphql_type, GraphQLInputObjectType):
                    self.input_weights[(name, field_name)] = weight
                else:
                    self.field_weights[(name, field_name)] = weight
                size = _list_size(node, list_size_name)
                if size is not None:
                    self.list_sizes[(name, field_name)] = size
                for argument_name, argument in getattr(definition, "args", {}).items():
                    weight = _weight(argument.ast_node, cost_name)
                    if weight is not None:
                        self.argument_weights[(name, field_name, argument_name)] = weight

    def operation_cost(
        self, kind: str, root_type: str, selection: Selection, variables: dict[str, Any]
    ) -> tuple[float, bool]:
        """The estimate, and whether it read any variable (then it is not cached)."""
        walk = _Walk(self, variables)
        base = MUTATION_BASE_COST if kind == "mutation" else 0.0
        return base + walk.selection(selection, root_type, {}), walk.used_variables


class _Walk:
    def __init__(self, model: CostModel, variables: dict[str, Any]) -> None:
        self.model = model
        self.variables = variables
        self.used_variables = False

    def selection(self, selection: Selection, type_name: str, sized: dict[str, float]) -> float:
        concrete = object_types(self.model.api, type_name)
        return max((self.fields(selection, t, sized) for t in concrete), default=0.0)

    def fields(self, selection: Selection, type_name: str, sized: dict[str, float]) -> float:
        total = 0.0
        for f in selection.fields_for(type_name, self.model.applies):
            if f.name.startswith("__"):
                continue
            total += self.field(f, type_name, sized.get(f.name))
        return total

    def field(self, f: Field, parent: str, size: float | None) -> float:
        model = self.model
        if f.type_ref is None:
            return 0.0
        named = get_named_type(f.type_ref)
        weight = model.field_weights.get((parent, f.name))
        if weight is None:
            default = 1.0 if is_composite_type(named) else 0.0
            weight = model.type_weights.get(named.name, default)
        arguments = self.arguments(f, parent)
        list_size = model.list_sizes.get((parent, f.name))
        sized: dict[str, float] = {}
        multiplier = 1.0
        if list_depth(f.type_ref) or (list_size is not None and list_size.sized_fields):
            count = self.list_count(f, list_size)
            if list_size is not None and list_size.sized_fields:
                sized = dict.fromkeys(list_size.sized_fields, count)
            else:
                multiplier = count
        if size is not None:  # a sized field of the parent's @listSize
            multiplier = size
        children = (
            self.selection(f.selection, named.name, sized) if f.selection is not None else 0.0
        )
        return arguments + multiplier * (weight + children)

    def list_count(self, f: Field, list_size: ListSize | None) -> float:
        if list_size is not None:
            given = [
                value
                for argument in f.arguments
                if argument.name.value in list_size.slicing
                and isinstance(value := self.value(argument.value), int | float)
            ]
            if given:
                return float(max(given))
            if list_size.assumed is not None:
                return float(list_size.assumed)
        return float(self.model.default_list_size)

    def arguments(self, f: Field, parent: str) -> float:
        model = self.model
        if not f.arguments or not (model.argument_weights or model.input_weights):
            return 0.0
        definition = _field_definition(model.api, parent, f.name)
        total = 0.0
        for argument in f.arguments:
            name = argument.name.value
            total += model.argument_weights.get((parent, f.name, name), 0.0)
            if model.input_weights and definition is not None and name in definition.args:
                arg_type = get_named_type(definition.args[name].type)
                total += self.input_cost(arg_type, self.value(argument.value))
        return total

    def input_cost(self, input_type: Any, value: Any) -> float:
        if not isinstance(input_type, GraphQLInputObjectType):
            return 0.0
        if isinstance(value, list):
            return sum(self.input_cost(input_type, item) for item in value)
        if not isinstance(value, dict):
            return 0.0
        total = 0.0
        for name, inner in value.items():
            total += self.model.input_weights.get((input_type.name, name), 0.0)
            field = input_type.fields.get(name)
            if field is not None:
                total += self.input_cost(get_named_type(field.type), inner)
        return total

    def value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            self.used_variables = True
            return self.variables.get(node.name.value)
        if isinstance(node, ListValueNode | ObjectValueNode) and _has_variable(node):
            self.used_variables = True
        return value_from_ast_untyped(node, self.variables)


def _has_variable(node: ValueNode) -> bool:
    if isinstance(node, VariableNode):
        return True
    if isinstance(node, ListValueNode):
        return any(_has_variable(v) for v in node.values)
    if isinstance(node, ObjectValueNode):
        return any(_has_variable(f.value) for f in node.fields)
    return False


def _field_definition(api: GraphQLSchema, parent: str, name: str) -> Any:
    parent_type = api.get_type(parent)
    fields = getattr(parent_type, "fields", None)
    return fields.get(name) if fields else None


def _directive_names(schema: GraphQLSchema) -> tuple[str, str]:
    """The names the supergraph gives ``@cost`` and ``@listSize``."""
    names = directive_names(schema, COST_SPEC, ("cost", "listSize"))
    return names["cost"], names["listSize"]


def _directive(node: Any, name: str) -> DirectiveNode | None:
    for directive in getattr(node, "directives", None) or ():
        if directive.name.value == name:
            return directive  # type: ignore[no-any-return]
    return None


def _weight(node: Any, name: str) -> float | None:
    directive = _directive(node, name)
    if directive is None:
        return None
    for argument in directive.arguments or ():
        if argument.name.value == "weight":
            value = value_from_ast_untyped(argument.value)
            if isinstance(value, int | float | str):
                try:
                    return float(value)
                except ValueError:
                    return None
    return None


def _list_size(node: Any, name: str) -> ListSize | None:
    directive = _directive(node, name)
    if directive is None:
        return None
    arguments: dict[str, ArgumentNode] = {a.name.value: a for a in directive.arguments or ()}

    def strings(key: str) -> tuple[str, ...]:
        argument = arguments.get(key)
        value = value_from_ast_untyped(argument.value) if argument else None
        return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

    assumed = arguments.get("assumedSize")
    return ListSize(
        int(assumed.value.value)
        if assumed is not None and isinstance(assumed.value, IntValueNode)
        else None,
        strings("slicingArguments"),
        strings("sizedFields"),
    )


class DemandControl(Plugin):
    name = "demand_control"

    def __init__(self, policy: DemandControlPolicy) -> None:
        self.policy = policy
        self.model: CostModel | None = None
        self._costs: OrderedDict[tuple[str, tuple[bool, ...]], float] = OrderedDict()

    def on_supergraph(self, supergraph: Supergraph) -> None:
        self.model = CostModel(supergraph, self.policy.list_size)
        self._costs.clear()

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        operation = context.operation
        assert operation is not None and self.model is not None
        prepared = operation.prepared
        key = (prepared.key, operation.assignment)
        cost = self._costs.get(key)
        if cost is None:
            cost, used_variables = self.model.operation_cost(
                prepared.kind, prepared.root_type, operation.selection, operation.variables
            )
            if not used_variables:
                self._costs[key] = cost
                if len(self._costs) > MAX_CACHED_COSTS:
                    self._costs.popitem(last=False)
        context.state["cost.estimated"] = cost
        maximum = self.policy.max_cost
        if self.policy.mode == "enforce" and cost > maximum:
            return GatewayResponse.refusal(
                400,
                "COST_ESTIMATED_TOO_EXPENSIVE",
                f"query estimated cost {cost:g} exceeded configured maximum {maximum:g}",
                {"cost.estimated": cost, "cost.max": maximum},
            )
        return None

    async def on_response(self, context: RequestContext, response: GatewayResponse) -> None:
        cost = context.state.get("cost.estimated")
        if cost is not None and response.status == 200:  # a refusal says it in its error
            extensions = response.body.setdefault("extensions", {})
            extensions["cost"] = {"estimated": cost, "max": self.policy.max_cost}
