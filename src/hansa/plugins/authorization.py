"""Authorization from the supergraph: ``@authenticated``, ``@requiresScopes(scopes: [[...]])``
and ``@policy(policies: [[...]])`` on fields, objects, interfaces, scalars and enums, with Apollo
Router's semantics.

A field is guarded by its own directives, those of its return type, those of the same field on
the interfaces its parent implements, and, when its parent object is reached through an
interface or union, that object's (Router removes ``... on Memo`` for a guarded ``Memo``). ``scopes``/``policies`` are an OR of ANDs: one inner
list must be wholly satisfied. Scopes are the verified token's (``context.state["scopes"]``);
a policy is a Python callable registered by name, called with the claims and the request
context (sync or async), once per request; a policy nobody registered denies.

Before anything is planned, the unauthorized fields are removed from the operation: the
gateway plans and fetches the rest (so a subgraph never receives a request for a field the
client may not see, nor for what only that field needed), answers the removed fields ``null``
and adds an error ``UNAUTHORIZED_FIELD_OR_TYPE`` at each one's path (list positions as ``@``,
as the positions are not known before execution). With ``reject_unauthorized`` the whole
request is refused instead (403). Which fields an operation touches that carry requirements is
worked out once per operation; the rewritten document is cached per set of removed fields, so
plans are cached per authorization outcome, never per user.
"""

from __future__ import annotations

import inspect
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableNode,
    Visitor,
    get_named_type,
    print_ast,
    value_from_ast_untyped,
    visit,
)
from graphql.language.visitor import REMOVE

from hansa.operation.normalized import Selection
from hansa.pipeline.context import GatewayResponse, RequestContext
from hansa.pipeline.plugin import Plugin
from hansa.planner.builder import list_depth
from hansa.supergraph import Supergraph
from hansa.supergraph.api_schema import object_types
from hansa.supergraph.links import directive_names

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"
MAX_CACHED = 1000

Policy = Callable[[Mapping[str, Any] | None, RequestContext], bool | Awaitable[bool]]


@dataclass(frozen=True)
class Requirement:
    """What a field needs: a token, and every one of ``scopes``/``policies`` (each an OR of
    ANDs)."""

    authenticated: bool = False
    scopes: tuple[tuple[frozenset[str], ...], ...] = ()
    policies: tuple[tuple[frozenset[str], ...], ...] = ()

    def __bool__(self) -> bool:
        return self.authenticated or bool(self.scopes) or bool(self.policies)

    def __add__(self, other: Requirement) -> Requirement:
        return Requirement(
            self.authenticated or other.authenticated,
            self.scopes + other.scopes,
            self.policies + other.policies,
        )

    def policy_names(self) -> set[str]:
        return {name for alternatives in self.policies for group in alternatives for name in group}


def _requirement(node: Any, names: dict[str, str]) -> Requirement:
    authenticated = False
    scopes: list[tuple[frozenset[str], ...]] = []
    policies: list[tuple[frozenset[str], ...]] = []
    for directive in getattr(node, "directives", None) or ():
        name = directive.name.value
        if name == names["authenticated"]:
            authenticated = True
        elif name in (names["requiresScopes"], names["policy"]):
            argument = "scopes" if name == names["requiresScopes"] else "policies"
            for a in directive.arguments or ():
                if a.name.value == argument:
                    value = value_from_ast_untyped(a.value)
                    groups = tuple(
                        frozenset(str(v) for v in group)
                        for group in (value or [])
                        if isinstance(group, list)
                    )
                    (scopes if argument == "scopes" else policies).append(groups)
    return Requirement(authenticated, tuple(scopes), tuple(policies))


class Requirements:
    """The supergraph's authorization directives, by type and by field."""

    def __init__(self, supergraph: Supergraph) -> None:
        schema = supergraph.schema
        names: dict[str, str] = {}
        for spec, name in (
            ("https://specs.apollo.dev/authenticated/", "authenticated"),
            ("https://specs.apollo.dev/requiresScopes/", "requiresScopes"),
            ("https://specs.apollo.dev/policy/", "policy"),
        ):
            names.update(directive_names(schema, spec, (name,)))
        self.api = supergraph.api_schema
        self.applies = supergraph.implements
        self.types: dict[str, Requirement] = {}
        self.fields: dict[tuple[str, str], Requirement] = {}
        for type_name, graphql_type in schema.type_map.items():
            if type_name.startswith("__"):
                continue
            combined = Requirement()
            for node in [graphql_type.ast_node, *(graphql_type.extension_ast_nodes or ())]:
                combined = combined + _requirement(node, names)
            if combined:
                self.types[type_name] = combined
            for field_name, definition in getattr(graphql_type, "fields", {}).items():
                own = _requirement(definition.ast_node, names)
                if own:
                    self.fields[(type_name, field_name)] = own
        self.any = bool(self.types or self.fields)

    def of(self, parent: str, field: str, return_type: str) -> Requirement:
        """Everything selecting ``parent.field`` requires."""
        found = self.fields.get((parent, field), Requirement())
        found = found + self.types.get(return_type, Requirement())
        graphql_type = self.api.get_type(parent)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for interface in graphql_type.interfaces:
                found = found + self.fields.get((interface.name, field), Requirement())
        return found


@dataclass(frozen=True)
class Guarded:
    """A field of an operation that carries requirements: where, what, and what it needs."""

    path: tuple[str, ...]  # response keys, "@" for list positions
    parent: str
    field: str
    requirement: Requirement


def guarded_fields(
    requirements: Requirements, selection: Selection, root_type: str
) -> list[Guarded]:
    """Every field of the operation that carries requirements (not below one that does)."""
    found: list[Guarded] = []
    api = requirements.api

    def walk(selection: Selection, type_name: str, path: tuple[str, ...]) -> None:
        for concrete_type in object_types(api, type_name):
            # An object reached through an interface or union brings its own requirement to
            # what is selected on it (``... on Memo { note }``), as Router removes such a
            # fragment; ``__typename`` stays free.
            reached = requirements.types.get(concrete_type) if concrete_type != type_name else None
            for f in selection.fields_for(concrete_type, requirements.applies):
                if f.name.startswith("__") or f.type_ref is None:
                    continue
                named = get_named_type(f.type_ref).name
                requirement = requirements.of(concrete_type, f.name, named)
                if reached:
                    requirement = requirement + reached
                below = (*path, f.response_key, *(["@"] * list_depth(f.type_ref)))
                if requirement:
                    found.append(
                        Guarded((*path, f.response_key), concrete_type, f.name, requirement)
                    )
                elif f.selection is not None:
                    walk(f.selection, named, below)

    walk(selection, root_type, ())
    return found


def without_fields(
    schema: GraphQLSchema, document: DocumentNode, denied: frozenset[tuple[str, str]]
) -> DocumentNode | None:
    """``document`` with every field whose (parent type, name) is in ``denied`` removed (a field
    on an interface, when it is denied on any of its implementations), selections left empty
    removed with their field, and fragments nobody spreads any more dropped. None when no
    root field is left."""
    type_info = TypeInfo(schema)
    denied_names = {name for _, name in denied}

    def denied_here(parent: Any, name: str) -> bool:
        if name not in denied_names or parent is None:
            return False
        if (parent.name, name) in denied:
            return True
        if isinstance(parent, GraphQLInterfaceType):
            return any((t.name, name) in denied for t in schema.get_possible_types(parent))
        return False

    class Remove(Visitor):
        def enter_field(self, node: FieldNode, *_: Any) -> Any:
            if denied_here(type_info.get_parent_type(), node.name.value):
                return REMOVE
            return None

    pruned = visit(document, TypeInfoVisitor(type_info, Remove()))
    return _drop_empty(pruned)


class _DropEmpty(Visitor):
    """Removes fields and inline fragments whose selection became empty, and spreads of
    fragments that did."""

    def __init__(self, empty_fragments: set[str]) -> None:
        super().__init__()
        self.empty_fragments = empty_fragments
        self.changed = False

    def leave_field(self, node: FieldNode, *_: Any) -> Any:
        if node.selection_set is not None and not node.selection_set.selections:
            self.changed = True
            return REMOVE
        return None

    def leave_inline_fragment(self, node: InlineFragmentNode, *_: Any) -> Any:
        if not node.selection_set.selections:
            self.changed = True
            return REMOVE
        return None

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> Any:
        if node.name.value in self.empty_fragments:
            self.changed = True
            return REMOVE
        return None


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_: Any) -> None:
        self.names.add(node.name.value)


def _drop_empty(document: DocumentNode) -> DocumentNode | None:
    """Remove what removing fields left empty, and fragments nobody spreads any more, until
    nothing changes; None when an operation has no root field left."""
    while True:
        empty = {
            d.name.value
            for d in document.definitions
            if isinstance(d, FragmentDefinitionNode) and not d.selection_set.selections
        }
        dropper = _DropEmpty(empty)
        document = visit(document, dropper)
        spreads = _Spreads()
        visit(document, spreads)
        kept = tuple(
            d
            for d in document.definitions
            if not isinstance(d, FragmentDefinitionNode)
            or (d.name.value in spreads.names and d.name.value not in empty)
        )
        changed = dropper.changed or len(kept) != len(document.definitions)
        document = DocumentNode(definitions=kept)
        if not changed:
            break
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            selections: SelectionSetNode = definition.selection_set
            if not selections.selections:
                return None
            used = _Variables()
            visit(document, used)
            definition = OperationDefinitionNode(
                operation=definition.operation,
                name=definition.name,
                directives=definition.directives,
                selection_set=definition.selection_set,
                variable_definitions=tuple(
                    v
                    for v in definition.variable_definitions or ()
                    if v.variable.name.value in used.names
                ),
            )
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions))


class _Variables(Visitor):
    """The variables a document uses (outside variable definitions)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable_definition(self, *_: Any) -> Any:
        return False  # a definition's own variable is not a use

    def enter_variable(self, node: VariableNode, *_: Any) -> None:
        self.names.add(node.name.value)


class Authorization(Plugin):
    name = "authorization"

    def __init__(self, reject_unauthorized: bool = False) -> None:
        self.reject_unauthorized = reject_unauthorized
        self.policies: dict[str, Policy] = {}
        self.requirements: Requirements | None = None
        self._guarded: OrderedDict[tuple[str, tuple[bool, ...]], list[Guarded]] = OrderedDict()
        self._rewritten: OrderedDict[tuple[str, frozenset[tuple[str, str]]], str | None] = (
            OrderedDict()
        )

    def policy(self, name: str) -> Callable[[Policy], Policy]:
        """``@authorization.policy("read_own_orders")``: register a policy callable."""

        def register(function: Policy) -> Policy:
            self.policies[name] = function
            return function

        return register

    def on_supergraph(self, supergraph: Supergraph) -> None:
        self.requirements = Requirements(supergraph)
        self._guarded.clear()
        self._rewritten.clear()

    async def on_operation(self, context: RequestContext) -> GatewayResponse | None:
        requirements, operation = self.requirements, context.operation
        assert operation is not None
        if requirements is None or not requirements.any:
            return None
        prepared = operation.prepared
        key = (prepared.key, operation.assignment)
        guarded = self._guarded.get(key)
        if guarded is None:
            guarded = guarded_fields(requirements, operation.selection, prepared.root_type)
            _remember(self._guarded, key, guarded)
        if not guarded:
            return None
        granted = await self._granted_policies(guarded, context)
        denied = [g for g in guarded if not self._satisfied(g.requirement, context, granted)]
        if not denied:
            return None
        paths = list(dict.fromkeys(g.path for g in denied))  # implementations share paths
        errors = [
            {
                "message": "Unauthorized field or type",
                "path": list(path),
                "extensions": {"code": UNAUTHORIZED},
            }
            for path in paths
        ]
        if self.reject_unauthorized:
            return GatewayResponse(403, {"errors": errors})
        removed = frozenset((g.parent, g.field) for g in denied)
        text_key = (prepared.key, removed)
        if text_key in self._rewritten:
            text = self._rewritten[text_key]
        else:
            document = without_fields(requirements.api, prepared.document, removed)
            text = print_ast(document) if document is not None else None
            _remember(self._rewritten, text_key, text)
        context.rewritten_query = text
        context.denied_paths = paths
        context.extra_errors.extend(errors)
        return None

    async def _granted_policies(
        self, guarded: list[Guarded], context: RequestContext
    ) -> frozenset[str]:
        wanted = set().union(*(g.requirement.policy_names() for g in guarded))
        if not wanted:
            return frozenset()
        claims = context.state.get("claims")
        granted = set()
        for name in wanted:
            policy = self.policies.get(name)
            if policy is None:
                continue  # secure by default: nobody decides, so it denies
            outcome = policy(claims, context)
            if inspect.isawaitable(outcome):
                outcome = await outcome
            if outcome is True:
                granted.add(name)
        return frozenset(granted)

    @staticmethod
    def _satisfied(
        requirement: Requirement, context: RequestContext, granted: frozenset[str]
    ) -> bool:
        if requirement.authenticated and "claims" not in context.state:
            return False
        scopes = context.state.get("scopes") or frozenset()
        for alternatives in requirement.scopes:
            if not any(group <= scopes for group in alternatives):
                return False
        for alternatives in requirement.policies:
            if not any(group <= granted for group in alternatives):
                return False
        return True


def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    cache[key] = value
    if len(cache) > MAX_CACHED:
        cache.popitem(last=False)
