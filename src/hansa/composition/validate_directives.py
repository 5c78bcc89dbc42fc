"""Validations of demand-control, context, auth and entity-interface directives, per subgraph.

Two groups, matching when Apollo runs them:

- :func:`validate_subgraph_rules` looks at one subgraph alone, like Apollo's subgraph validation
  (before merging): ``COST_APPLIED_TO_INTERFACE_FIELD``, ``LIST_SIZE_*``, ``CONTEXT_NAME_INVALID``,
  ``CONTEXT_NOT_SET``, ``NO_CONTEXT_IN_SELECTION``, ``CONTEXT_INVALID_SELECTION``,
  ``CONTEXT_NO_RESOLVABLE_KEY``, ``AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE``,
  ``INTERFACE_KEY_NOT_ON_IMPLEMENTATION`` and ``INTERFACE_OBJECT_USAGE_ERROR`` (an
  ``@interfaceObject`` without ``@key``).
- :func:`validate_merge_rules` needs the other subgraphs, like Apollo's merge:
  ``INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE``, ``INTERFACE_OBJECT_USAGE_ERROR`` (an
  ``@interfaceObject`` subgraph that defines implementations, or a type that is an
  ``@interfaceObject`` everywhere), ``CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS`` and
  ``MISSING_TRANSITIVE_AUTH_REQUIREMENTS``. Each error is reported by exactly one subgraph's call,
  so calling it for every subgraph reports every error once.

:func:`validate_subgraph_directives` runs both. Errors about one subgraph are prefixed
``[subgraph] `` as Apollo does; merge errors that name several subgraphs are not.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from graphql import (
    BooleanValueNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    ListTypeNode,
    ListValueNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    SelectionSetNode,
    StringValueNode,
    TypeNode,
    ValueNode,
    parse,
    print_ast,
)

from hansa.composition.errors import CompositionError, Location
from hansa.composition.subgraph_reader import (
    Applied,
    ArgDef,
    FieldDef,
    SubgraphDef,
    TypeDef,
    named_type,
)

_AUTH = ("authenticated", "requiresScopes", "policy")
_LEAF_KINDS = ("scalar", "enum")
_BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
_FED1_EXPANDED = frozenset(
    {
        "key",
        "requires",
        "provides",
        "external",
        "extends",
        "tag",
        "shareable",
        "inaccessible",
        "override",
        "composeDirective",
        "interfaceObject",
    }
)


def validate_subgraph_directives(
    subgraph: SubgraphDef, all_subgraphs: list[SubgraphDef]
) -> list[CompositionError]:
    """Every rule of this module for ``subgraph``: its own rules, then the cross-subgraph ones."""
    return validate_subgraph_rules(subgraph) + validate_merge_rules(subgraph, all_subgraphs)


def validate_subgraph_rules(subgraph: SubgraphDef) -> list[CompositionError]:
    """Rules Apollo checks on each subgraph on its own (before merging)."""
    check = _Checker(subgraph)
    check.cost()
    check.list_size()
    check.contexts()
    check.auth_on_interfaces()
    check.interface_keys()
    check.interface_objects_are_entities()
    return check.errors


def validate_merge_rules(
    subgraph: SubgraphDef, all_subgraphs: list[SubgraphDef]
) -> list[CompositionError]:
    """Rules Apollo checks while merging, each error reported from ``subgraph``'s point of view."""
    check = _Checker(subgraph, all_subgraphs)
    check.interface_key_implementations()
    check.interface_object_usage()
    check.contextual_arguments()
    check.transitive_auth()
    return check.errors


# -- helpers ------------------------------------------------------------------------------------


def _is_fed_directive(subgraph: SubgraphDef, name: str) -> bool:
    """Whether applications named ``name`` are the federation directive, not a custom directive
    of the same name. Fed 1 subgraphs get the directives Apollo expands them with (up to 2.4)."""
    if name in subgraph.directive_definitions:
        return False
    return subgraph.version == 2 or name in _FED1_EXPANDED


def _local(d: Applied) -> str:
    """The directive's name as the subgraph spells it (``@key`` may be ``@primaryKey``)."""
    return d.node.name.value


def _unwrap_non_null(node: TypeNode) -> TypeNode:
    return node.type if isinstance(node, NonNullTypeNode) else node


def _is_list(node: TypeNode) -> bool:
    return isinstance(_unwrap_non_null(node), ListTypeNode)


def _strings(value: ValueNode | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, ListValueNode):
        return [v.value for v in value.values if isinstance(v, StringValueNode)]
    if isinstance(value, StringValueNode):
        return [value.value]
    return []


def _int(value: ValueNode | None) -> int | None:
    if isinstance(value, IntValueNode):
        try:
            return int(value.value)
        except ValueError:
            return None
    return None


def _resolvable(key: Applied) -> bool:
    value = key.args.get("resolvable")
    return not (isinstance(value, BooleanValueNode) and value.value is False)


def _quoted(names: Iterable[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _human_list(names: list[str], singular: str, plural: str) -> str:
    return f"{singular if len(names) == 1 else plural} {_quoted(names)}"


def _parse_selection(text: str) -> SelectionSetNode | None:
    """A field set / selection (``"id"``, ``"{ a { b } }"``, ``"... on A { x }"``)."""
    source = text.strip()
    if not source.startswith("{"):
        source = "{" + source + "}"
    try:
        document = parse(source, no_location=True)
    except GraphQLError:
        return None
    if len(document.definitions) != 1:
        return None
    operation = document.definitions[0]
    if not isinstance(operation, OperationDefinitionNode):
        return None
    return operation.selection_set


def _selection_key(selection_set: SelectionSetNode | None) -> frozenset[object]:
    """An order-insensitive identity of a selection set (to compare ``@key`` field sets)."""
    if selection_set is None:
        return frozenset()
    items: set[object] = set()
    for s in selection_set.selections:
        if isinstance(s, FieldNode):
            alias = s.alias.value if s.alias else None
            items.add(("field", alias, s.name.value, _selection_key(s.selection_set)))
        elif isinstance(s, InlineFragmentNode):
            condition = s.type_condition.name.value if s.type_condition else None
            items.add(("fragment", condition, _selection_key(s.selection_set)))
        else:
            items.add(("spread", print_ast(s)))
    return frozenset(items)


def _valid_implementation_type(field_type: TypeNode, implemented: TypeNode) -> bool:
    """GraphQL's IsValidImplementationFieldType (covariance) for input-ish leaf types."""
    if isinstance(field_type, NonNullTypeNode):
        return _valid_implementation_type(field_type.type, _unwrap_non_null(implemented))
    if isinstance(implemented, NonNullTypeNode):
        return False
    if isinstance(field_type, ListTypeNode):
        return isinstance(implemented, ListTypeNode) and _valid_implementation_type(
            field_type.type, implemented.type
        )
    if isinstance(implemented, ListTypeNode):
        return False
    assert isinstance(field_type, NamedTypeNode) and isinstance(implemented, NamedTypeNode)
    return field_type.name.value == implemented.name.value


def _rewrap(original: TypeNode, inner: TypeNode) -> TypeNode:
    """``inner`` wrapped in the list and non-null wrappers of ``original``."""
    if isinstance(original, NonNullTypeNode):
        wrapped = _rewrap(original.type, inner)
        if isinstance(wrapped, NonNullTypeNode):
            return wrapped
        assert isinstance(wrapped, NamedTypeNode | ListTypeNode)
        return NonNullTypeNode(type=wrapped)
    if isinstance(original, ListTypeNode):
        return ListTypeNode(type=_rewrap(original.type, inner))
    return inner


def _parse_context(value: str) -> tuple[str | None, str | None]:
    """``"$ctx { a }"`` → ("ctx", "{ a }"); (None, None) when there is no ``$context``."""
    ignored = r"(?:[\n\r\t ,]|#[^\n\r]*)*"
    match = re.match(rf"^{ignored}\$({ignored})([A-Za-z_]\w*)([\s\S]*)$", value)
    if match is None:
        return None, None
    context, rest = match.group(2), match.group(3)
    selection = re.sub(rf"^{ignored}", "", rest)
    return context, (selection if selection.strip() else None)


# -- auth requirements --------------------------------------------------------------------------


@dataclass
class _Auth:
    """Auth requirements of an element (merged across subgraphs)."""

    authenticated: bool = False
    scopes: list[frozenset[str]] | None = None
    policies: list[frozenset[str]] | None = None

    def empty(self) -> bool:
        return not self.authenticated and self.scopes is None and self.policies is None

    def and_(self, other: _Auth) -> _Auth:
        return _Auth(
            self.authenticated or other.authenticated,
            _dnf_and(self.scopes, other.scopes),
            _dnf_and(self.policies, other.policies),
        )

    def satisfies(self, other: _Auth) -> bool:
        """Whether holding these requirements implies holding ``other``."""
        return (
            (self.authenticated or not other.authenticated)
            and _implies(self.scopes, other.scopes)
            and _implies(self.policies, other.policies)
        )


def _dnf_and(
    a: list[frozenset[str]] | None, b: list[frozenset[str]] | None
) -> list[frozenset[str]] | None:
    if a is None:
        return b
    if b is None:
        return a
    result: list[frozenset[str]] = []
    for x in a or [frozenset()]:
        for y in b or [frozenset()]:
            if x | y not in result:
                result.append(x | y)
    return result


def _implies(first: list[frozenset[str]] | None, second: list[frozenset[str]] | None) -> bool:
    first_n = [frozenset()] if first is None else first
    second_n = [frozenset()] if second is None else second
    return all(any(f >= s for s in second_n) for f in first_n)


def _dnf(value: ValueNode | None) -> list[frozenset[str]]:
    if not isinstance(value, ListValueNode):
        return [frozenset()]
    result = []
    for inner in value.values:
        if isinstance(inner, ListValueNode):
            result.append(
                frozenset(v.value for v in inner.values if isinstance(v, StringValueNode))
            )
    return result


def _auth_of(directives: Iterable[Applied]) -> _Auth:
    auth = _Auth()
    for d in directives:
        if d.name == "authenticated":
            auth.authenticated = True
        elif d.name == "requiresScopes":
            auth.scopes = _dnf_and(auth.scopes, _dnf(d.args.get("scopes")))
        elif d.name == "policy":
            auth.policies = _dnf_and(auth.policies, _dnf(d.args.get("policies")))
    return auth


# -- the checks ---------------------------------------------------------------------------------


class _Checker:
    def __init__(
        self, subgraph: SubgraphDef, all_subgraphs: list[SubgraphDef] | None = None
    ) -> None:
        self.sg = subgraph
        self.all = list(all_subgraphs or [subgraph])
        if not any(s is subgraph or s.name == subgraph.name for s in self.all):
            self.all.append(subgraph)
        self.errors: list[CompositionError] = []

    # reporting --------------------------------------------------------------------------------

    def error(self, code: str, message: str, *nodes: object) -> None:
        """An error about this subgraph: ``[name] message``."""
        self.errors.append(
            CompositionError(code, f"[{self.sg.name}] {message}", self._locations(nodes))
        )

    def merge_error(self, code: str, message: str) -> None:
        self.errors.append(CompositionError(code, message))

    def _locations(self, nodes: Iterable[object]) -> tuple[Location, ...]:
        result = []
        for node in nodes:
            line = getattr(node, "line", 0)
            column = getattr(node, "column", 0)
            if not line:
                loc = getattr(getattr(node, "node", node), "loc", None)
                token = getattr(loc, "start_token", None)
                if token is not None:
                    line, column = token.line, token.column
            if line:
                result.append(Location(self.sg.name, line, column))
        return tuple(result)

    def fed(self, name: str) -> bool:
        return _is_fed_directive(self.sg, name)

    # model access -----------------------------------------------------------------------------

    def composites(self) -> Iterator[TypeDef]:
        for t in self.sg.types.values():
            if t.kind in ("object", "interface"):
                yield t

    def implementations(self, interface: str, subgraph: SubgraphDef | None = None) -> list[str]:
        sg = subgraph or self.sg
        return [
            t.name
            for t in sg.types.values()
            if t.kind == "object" and not t.has("interfaceObject") and interface in t.interfaces
        ]

    def is_interface_object(self, t: TypeDef | None) -> bool:
        return t is not None and t.kind == "object" and t.has("interfaceObject")

    # COST_APPLIED_TO_INTERFACE_FIELD -------------------------------------------------------

    def cost(self) -> None:
        if not self.fed("cost"):
            return
        for t in self.composites():
            if t.kind != "interface":
                continue
            for f in t.fields.values():
                for d in f.directives:
                    if d.name == "cost":
                        self.error(
                            "COST_APPLIED_TO_INTERFACE_FIELD",
                            f'@{_local(d)} cannot be applied to interface "{t.name}.{f.name}"',
                            d,
                            f,
                        )

    # LIST_SIZE_* -------------------------------------------------------------------------------

    def list_size(self) -> None:
        if not self.fed("listSize"):
            return
        for t in self.composites():
            for f in t.fields.values():
                for d in f.directives:
                    if d.name == "listSize":
                        self._list_size(t, f, d)

    def _list_size(self, t: TypeDef, f: FieldDef, d: Applied) -> None:
        coordinate = f"{t.name}.{f.name}"
        sized = _strings(d.args.get("sizedFields")) or []
        if not sized and not _is_list(f.type):
            self.error("LIST_SIZE_APPLIED_TO_NON_LIST", f'"{coordinate}" is not a list', d)
        assumed = _int(d.args.get("assumedSize"))
        if assumed is not None and assumed < 0:
            self.error(
                "LIST_SIZE_INVALID_ASSUMED_SIZE",
                f'Assumed size of "{coordinate}" cannot be negative',
                d,
            )
        for name in _strings(d.args.get("slicingArguments")) or []:
            arg = f.args.get(name)
            if arg is None:
                self.error(
                    "LIST_SIZE_INVALID_SLICING_ARGUMENT",
                    f'Slicing argument "{name}" is not an argument of "{coordinate}"',
                    d,
                )
            elif print_ast(arg.type) not in ("Int", "Int!"):
                self.error(
                    "LIST_SIZE_INVALID_SLICING_ARGUMENT",
                    f'Slicing argument "{coordinate}({name}:)" must be Int or Int!',
                    d,
                )
        if not sized:
            return
        target = self.sg.types.get(f.type.name.value) if isinstance(f.type, NamedTypeNode) else None
        if target is None or target.kind not in ("object", "interface", "union"):
            self.error(
                "LIST_SIZE_INVALID_SIZED_FIELD",
                f'Sized fields cannot be used because "{print_ast(f.type)}" is not a composite type',
                d,
            )
            return
        for name in sized:
            sized_field = target.fields.get(name)
            if sized_field is None:
                self.error(
                    "LIST_SIZE_INVALID_SIZED_FIELD",
                    f'Sized field "{name}" is not a field on type "{target.name}"',
                    d,
                )
            elif not _is_list(sized_field.type):
                self.error(
                    "LIST_SIZE_APPLIED_TO_NON_LIST",
                    f'Sized field "{target.name}.{name}" is not a list',
                    d,
                )

    # @context / @fromContext ---------------------------------------------------------------

    def context_owners(self, subgraph: SubgraphDef | None = None) -> dict[str, list[str]]:
        sg = subgraph or self.sg
        owners: dict[str, list[str]] = {}
        if not _is_fed_directive(sg, "context"):
            return owners
        for t in sg.types.values():
            if t.kind not in ("object", "interface", "union"):
                continue
            for d in t.all("context"):
                name = d.string("name")
                if name is not None:
                    owners.setdefault(name, []).append(t.name)
        return owners

    def contexts(self) -> None:
        if self.fed("context"):
            for t in self.sg.types.values():
                if t.kind not in ("object", "interface", "union"):
                    continue
                for d in t.all("context"):
                    name = d.string("name")
                    if name is None:
                        continue
                    if "_" in name:
                        self.error(
                            "CONTEXT_NAME_INVALID",
                            f'Context name "{name}" may not contain an underscore.',
                            d,
                        )
                    elif not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", name):
                        self.error(
                            "CONTEXT_NAME_INVALID",
                            f'Context name "{name}" is invalid. It should have only alphanumeric '
                            "characters.",
                            d,
                        )
        if not self.fed("fromContext"):
            return
        owners = self.context_owners()
        for t in self.composites():
            for f in t.fields.values():
                for arg in f.args.values():
                    for d in arg.directives:
                        if d.name == "fromContext":
                            self._from_context(t, f, arg, d, owners)

    def _from_context(
        self,
        t: TypeDef,
        f: FieldDef,
        arg: ArgDef,
        d: Applied,
        owners: dict[str, list[str]],
    ) -> None:
        coordinate = f"{t.name}.{f.name}({arg.name}:)"
        if t.kind != "object":
            self.error(
                "CONTEXT_NOT_SET",
                "@fromContext argument cannot be used on a field that exists on an abstract "
                f'type "{coordinate}".',
                d,
            )
            return
        for itf_name in t.interfaces:
            itf = self.sg.types.get(itf_name)
            if itf is not None and itf.kind == "interface" and f.name in itf.fields:
                self.error(
                    "CONTEXT_NOT_SET",
                    "@fromContext argument cannot be used on a field implementing an interface "
                    f'field "{itf_name}.{f.name}".',
                    d,
                )
        if arg.default is not None:
            self.error(
                "CONTEXT_NOT_SET",
                f'@fromContext arguments may not have a default value: "{coordinate}".',
                d,
            )
        value = d.string("field")
        if value is None:
            return
        context, selection = _parse_context(value)
        if not context or not selection:
            self.error(
                "NO_CONTEXT_IN_SELECTION",
                f'@fromContext argument does not reference a context "{value}".',
                d,
            )
            return
        locations = owners.get(context)
        if not locations:
            self.error(
                "CONTEXT_NOT_SET",
                f'Context "{context}" is used at location "{coordinate}" but is never set.',
                d,
            )
            return
        _ContextSelection(self, context, coordinate, arg.type, d).validate(selection, locations)
        if not any(_resolvable(k) for k in t.keys):
            self.error(
                "CONTEXT_NO_RESOLVABLE_KEY",
                f'Object "{t.name}" has no resolvable key but has a field with a contextual '
                "argument.",
                t,
            )

    # AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE --------------------------------------------

    def auth_on_interfaces(self) -> None:
        for name in _AUTH:
            if not self.fed(name):
                continue
            for t in self.composites():
                on_interface = t.kind == "interface" or self.is_interface_object(t)
                if not on_interface:
                    continue
                kind = "interface" if t.kind == "interface" else "interface object"
                for d in t.directives:
                    if d.name == name:
                        self._auth_error(d, kind, t.name)
                for f in t.fields.values():
                    for d in f.directives:
                        if d.name == name:
                            self._auth_error(d, "field", f"{t.name}.{f.name}")

    def _auth_error(self, d: Applied, kind: str, coordinate: str) -> None:
        name = _local(d)
        self.error(
            "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
            f'Invalid use of @{name} on {kind} "{coordinate}": @{name} cannot be applied on '
            "interfaces, interface fields and interface objects",
            d,
        )

    # INTERFACE_KEY_NOT_ON_IMPLEMENTATION -----------------------------------------------------

    def interface_keys(self) -> None:
        if self.sg.version != 2:
            return  # Fed 1 ignores @key on interfaces
        for itf in self.sg.types.values():
            if itf.kind != "interface" or not itf.keys:
                continue
            implementations = [self.sg.types[n] for n in self.implementations(itf.name)]
            for key in itf.keys:
                fields = _parse_selection(key.string("fields") or "")
                wanted = _selection_key(fields)
                missing: list[str] = []
                unresolvable: list[str] = []
                for impl in implementations:
                    match = next(
                        (
                            k
                            for k in impl.keys
                            if _selection_key(_parse_selection(k.string("fields") or "")) == wanted
                        ),
                        None,
                    )
                    if match is None:
                        missing.append(impl.name)
                    elif _resolvable(key) and not _resolvable(match):
                        unresolvable.append(impl.name)
                printed = print_ast(key.node)
                if missing:
                    self.error(
                        "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                        f'Key {printed} on interface type "{itf.name}" is missing on '
                        f"implementation {_human_list(missing, 'type', 'types')}.",
                        *(self.sg.types[n] for n in missing),
                    )
                elif unresolvable:
                    self.error(
                        "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                        f'Key {printed} on interface type "{itf.name}" should be resolvable on '
                        "all implementation types, but is declared with argument "
                        '"@key(resolvable:)" set to false in '
                        f"{_human_list(unresolvable, 'type', 'types')}.",
                        *(self.sg.types[n] for n in unresolvable),
                    )

    # INTERFACE_OBJECT_USAGE_ERROR (subgraph) -------------------------------------------------

    def interface_objects_are_entities(self) -> None:
        if not self.fed("interfaceObject"):
            return
        for t in self.sg.types.values():
            if self.is_interface_object(t) and not t.keys:
                self.error(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    "The @interfaceObject directive can only be applied to entity types but type "
                    f'"{t.name}" has no @key in this subgraph.',
                    t,
                )

    # merge rules ------------------------------------------------------------------------------

    def supergraph_implementations(self, interface: str) -> list[str]:
        """Object types implementing ``interface`` in the merged schema, in merge order."""
        result: list[str] = []
        for sg in self.all:
            for name in self.implementations(interface, sg):
                if name not in result:
                    result.append(name)
        return result

    def is_interface_somewhere(self, name: str) -> bool:
        return any(
            (t := sg.types.get(name)) is not None and t.kind == "interface" for sg in self.all
        )

    def interface_key_implementations(self) -> None:
        if self.sg.version != 2:
            return
        for itf in self.sg.types.values():
            if itf.kind != "interface":
                continue
            key = next((k for k in itf.keys if _resolvable(k)), None)
            if key is None:
                continue
            in_subgraph = self.implementations(itf.name)
            everywhere = self.supergraph_implementations(itf.name)
            if len(in_subgraph) >= len(everywhere):
                continue
            missing = [n for n in everywhere if n not in in_subgraph]
            self.error(
                "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
                f'Interface type "{itf.name}" has a resolvable key ({print_ast(key.node)}) in '
                f'subgraph "{self.sg.name}" but that subgraph is missing some of the supergraph '
                f'implementation types of "{itf.name}". Subgraph "{self.sg.name}" should define '
                f"{_human_list(missing, 'type', 'types')} (and have "
                f'{"them" if len(missing) > 1 else "it"} implement "{itf.name}").',
                key,
            )

    def interface_object_usage(self) -> None:
        if not self.fed("interfaceObject"):
            return
        for t in self.sg.types.values():
            if not self.is_interface_object(t):
                continue
            if not self.is_interface_somewhere(t.name):
                defining = [sg.name for sg in self.all if t.name in sg.types]
                if defining and defining[0] == self.sg.name:
                    self.merge_error(
                        "INTERFACE_OBJECT_USAGE_ERROR",
                        f'Type "{t.name}" is declared with @interfaceObject in all the subgraphs '
                        f"in which is is defined (it is defined in "
                        f"{_human_list(defining, 'subgraph', 'subgraphs')} but should be defined "
                        "as an interface in at least one subgraph)",
                    )
                continue
            defined = [n for n in self.supergraph_implementations(t.name) if n in self.sg.types]
            if defined:
                self.error(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'Interface type "{t.name}" is defined as an @interfaceObject in subgraph '
                    f'"{self.sg.name}" so that subgraph should not define any of the '
                    f'implementation types of "{t.name}", but it defines '
                    f"{_human_list(defined, 'type', 'types')}",
                    t,
                )

    def contextual_arguments(self) -> None:
        """An argument contextual in one subgraph must not be required and non-contextual in
        another (reported by the subgraph with the non-contextual argument)."""
        for t in self.composites():
            for f in t.fields.values():
                for arg in f.args.values():
                    if any(d.name == "fromContext" for d in arg.directives):
                        continue
                    if not (isinstance(arg.type, NonNullTypeNode) and arg.default is None):
                        continue
                    if not self._contextual_elsewhere(t.name, f.name, arg.name):
                        continue
                    coordinate = f"{t.name}.{f.name}({arg.name}:)"
                    self.merge_error(
                        "CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS",
                        f'Argument "{coordinate}" is contextual in at least one subgraph but in '
                        f'"{coordinate}" it does not have @fromContext, is not nullable and has '
                        "no default value.",
                    )

    def _contextual_elsewhere(self, type_name: str, field_name: str, arg_name: str) -> bool:
        for sg in self.all:
            if sg.name == self.sg.name or not _is_fed_directive(sg, "fromContext"):
                continue
            t = sg.types.get(type_name)
            f = t.fields.get(field_name) if t else None
            a = f.args.get(arg_name) if f else None
            if a is not None and any(d.name == "fromContext" for d in a.directives):
                return True
        return False

    # MISSING_TRANSITIVE_AUTH_REQUIREMENTS ----------------------------------------------------

    def merged_type_auth(self, name: str) -> _Auth:
        directives: list[Applied] = []
        for sg in self.all:
            t = sg.types.get(name)
            if t is not None:
                directives.extend(d for d in t.directives if d.name in _AUTH)
        return _auth_of(directives)

    def merged_field_auth(self, type_name: str, field_name: str) -> _Auth:
        directives: list[Applied] = []
        for sg in self.all:
            t = sg.types.get(type_name)
            f = t.fields.get(field_name) if t else None
            if f is not None:
                directives.extend(d for d in f.directives if d.name in _AUTH)
        return _auth_of(directives)

    def merged_field(self, type_name: str, field_name: str) -> FieldDef | None:
        own = self.sg.types.get(type_name)
        if own is not None and field_name in own.fields:
            return own.fields[field_name]
        for sg in self.all:
            t = sg.types.get(type_name)
            if t is not None and field_name in t.fields:
                return t.fields[field_name]
        return None

    def transitive_auth(self) -> None:
        if not any(any(_is_fed_directive(sg, a) for a in _AUTH) for sg in self.all):
            return
        if not any(
            d.name in _AUTH
            for sg in self.all
            for t in sg.types.values()
            for d in [*t.directives, *(d for f in t.fields.values() for d in f.directives)]
        ):
            return
        for t in self.composites():
            if t.kind != "object":
                continue
            for f in t.fields.values():
                requires = f.directive("requires") if self.fed("requires") else None
                contextual = [
                    (arg, d)
                    for arg in f.args.values()
                    for d in arg.directives
                    if d.name == "fromContext" and self.fed("fromContext")
                ]
                if requires is None and not contextual:
                    continue
                coordinate = f"{t.name}.{f.name}"
                needed = self.merged_field_auth(t.name, f.name).and_(self.merged_type_auth(t.name))
                if requires is not None:
                    selection = _parse_selection(requires.string("fields") or "")
                    if selection is not None:
                        problem = self._auth_on_selection(t.name, selection, needed)
                        if problem is not None:
                            self.error(
                                "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
                                f'Field "{coordinate}" does not specify necessary @authenticated, '
                                "@requiresScopes and/or @policy auth requirements to access the "
                                f'transitive field "{problem}" data from @requires selection set.',
                                requires,
                            )
                owners = self.context_owners() if contextual else {}
                for _arg, d in contextual:
                    context, selection_text = _parse_context(d.string("field") or "")
                    if not context or not selection_text:
                        continue
                    for owner in owners.get(context, []):
                        supergraph_context = f"{self.sg.name}__{context}"
                        if not needed.satisfies(self.merged_type_auth(owner)):
                            self.error(
                                "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
                                f'Field "{coordinate}" does not specify necessary @authenticated, '
                                "@requiresScopes and/or @policy auth requirements to access the "
                                f"transitive data in context {supergraph_context} from "
                                "@fromContext selection set.",
                                d,
                            )
                            continue
                        selection = _parse_selection(selection_text)
                        if selection is None:
                            continue
                        problem = self._auth_on_selection(owner, selection, needed)
                        if problem is not None:
                            self.error(
                                "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
                                f'Field "{coordinate}" does not specify necessary @authenticated, '
                                "@requiresScopes and/or @policy auth requirements to access the "
                                f'transitive field "{problem}" data from @fromContext selection '
                                "set.",
                                d,
                            )

    def _auth_on_selection(
        self, type_name: str, selection_set: SelectionSetNode, needed: _Auth
    ) -> str | None:
        """The first selected element whose requirements ``needed`` does not cover."""
        for s in selection_set.selections:
            if isinstance(s, FieldNode):
                name = s.name.value
                if name == "__typename":
                    continue
                f = self.merged_field(type_name, name)
                if f is None:
                    continue
                return_type = named_type(f.type)
                if not needed.satisfies(
                    self.merged_field_auth(type_name, name)
                ) or not needed.satisfies(self.merged_type_auth(return_type)):
                    return f"{type_name}.{name}"
                if s.selection_set is not None:
                    problem = self._auth_on_selection(return_type, s.selection_set, needed)
                    if problem is not None:
                        return problem
            elif isinstance(s, InlineFragmentNode):
                condition = s.type_condition.name.value if s.type_condition else type_name
                if s.type_condition is not None and not needed.satisfies(
                    self.merged_type_auth(condition)
                ):
                    return condition
                problem = self._auth_on_selection(condition, s.selection_set, needed)
                if problem is not None:
                    return problem
        return None


# -- @fromContext selections --------------------------------------------------------------------


class _Invalid(Exception):
    """A selection problem already reported."""


class _ContextSelection:
    """Apollo's ``validateFieldValue``: the selection must pick exactly one value, of a type
    that fits the argument, from every type that sets the context."""

    def __init__(
        self, check: _Checker, context: str, coordinate: str, expected: TypeNode, d: Applied
    ) -> None:
        self.check = check
        self.sg = check.sg
        self.context = context
        self.coordinate = coordinate
        self.expected = expected
        self.d = d

    def invalid(self, reason: str) -> _Invalid:
        self.check.error(
            "CONTEXT_INVALID_SELECTION",
            f'Context "{self.context}" is used in "{self.coordinate}" but the selection is '
            f"invalid: {reason}",
            self.d,
        )
        return _Invalid()

    def validate(self, selection: str, locations: list[str]) -> None:
        with contextlib.suppress(_Invalid):
            self._validate(selection, locations)

    def _validate(self, selection: str, locations: list[str]) -> None:
        selection_set = _parse_selection(selection)
        if selection_set is None or not selection_set.selections:
            raise self.invalid("no selection is made")
        self._check_syntax(selection_set)
        first = selection_set.selections[0]
        fragments: dict[str, SelectionSetNode] = {}
        if isinstance(first, FieldNode):
            if len(selection_set.selections) > 1:
                raise self.invalid("multiple selections are made")
        else:
            for s in selection_set.selections:
                if isinstance(s, FieldNode):
                    raise self.invalid("multiple fields could be selected")
                assert isinstance(s, InlineFragmentNode)
                if s.type_condition is None:
                    raise self.invalid("inline fragments must have type conditions")
                fragments[s.type_condition.name.value] = s.selection_set
            if len(fragments) != len(selection_set.selections):
                raise self.invalid("type conditions have same name")
        used: set[str] = set()
        for location in locations:
            owner = self.sg.types.get(location)
            if owner is None:
                continue
            if not fragments:
                resolved = self._resolve(owner, selection_set)
                if resolved is None:
                    raise self.invalid(
                        "the type of the selection does not match the expected type "
                        f'"{print_ast(self.expected)}"'
                    )
                if not _valid_implementation_type(resolved, self.expected):
                    raise self.invalid(
                        f'the type of the selection "{print_ast(resolved)}" does not match the '
                        f'expected type "{print_ast(self.expected)}"'
                    )
                continue
            runtime = self._runtime_types(owner)
            applicable = [c for c in fragments if c in runtime]
            if not applicable:
                raise self.invalid(f'no type condition matches the location "{owner.name}"')
            for condition in applicable:
                used.add(condition)
                condition_type = self.sg.types.get(condition)
                if condition_type is None or condition_type.kind != "object":
                    raise self.invalid("type conditions must be an object type")
                resolved = self._resolve(condition_type, fragments[condition])
                if resolved is None:
                    raise self.invalid(
                        "the type of the selection does not match the expected type "
                        f'"{print_ast(self.expected)}"'
                    )
                resolved = _unwrap_non_null(resolved)
                if not _valid_implementation_type(self.expected, resolved):
                    raise self.invalid(
                        f'the type of the selection "{print_ast(resolved)}" does not match the '
                        f'expected type "{print_ast(self.expected)}"'
                    )
        for condition in fragments:
            if condition not in used:
                raise self.invalid(f'type condition "{condition}" is never used.')

    def _check_syntax(self, selection_set: SelectionSetNode) -> None:
        for s in selection_set.selections:
            if isinstance(s, FragmentSpreadNode):
                raise self.invalid("fragment spread is not allowed")
            if isinstance(s, FieldNode) and s.alias is not None:
                raise self.invalid("aliases are not allowed in the selection")
            if s.directives:
                raise self.invalid("directives are not allowed in the selection")
            nested = getattr(s, "selection_set", None)
            if nested is not None:
                self._check_syntax(nested)

    def _runtime_types(self, owner: TypeDef) -> set[str]:
        if owner.kind == "object":
            return {owner.name}
        if owner.kind == "union":
            return set(owner.members)
        return set(self.check.implementations(owner.name))

    def _field(self, owner: TypeDef, name: str) -> FieldDef | None:
        if name in owner.fields:
            return owner.fields[name]
        for itf_name in owner.interfaces:
            itf = self.sg.types.get(itf_name)
            if itf is not None and name in itf.fields:
                return itf.fields[name]
        return None

    def _resolve(self, owner: TypeDef, selection_set: SelectionSetNode) -> TypeNode | None:
        """The type the selection resolves to from ``owner`` (None if ambiguous)."""
        if self.check.is_interface_object(owner):
            raise self.invalid(
                f'One of the types in the selection is an interfaceObject: "{owner.name}"'
            )
        resolved: TypeNode | None = None
        for s in selection_set.selections:
            if isinstance(s, InlineFragmentNode):
                if s.type_condition is None:
                    return None
                fragment_type = self.sg.types.get(s.type_condition.name.value)
                if fragment_type is None:
                    return None
                current = self._resolve(fragment_type, s.selection_set)
            else:
                assert isinstance(s, FieldNode)
                current = self._resolve_field(owner, s)
            if current is None:
                return None
            if resolved is None:
                resolved = current
            elif print_ast(resolved) != print_ast(current):
                return None
        return resolved

    def _resolve_field(self, owner: TypeDef, s: FieldNode) -> TypeNode | None:
        name = s.name.value
        if name == "__typename":
            return NonNullTypeNode(type=NamedTypeNode(name=NameNode(value="String")))
        f = self._field(owner, name) if owner.kind != "union" else None
        if f is None:
            self.check.error(
                "CONTEXT_INVALID_SELECTION",
                f'Context "{self.context}" is used in "{self.coordinate}" but the selection is '
                f'invalid for type {owner.name}. Error: Cannot query field "{name}" on type '
                f'"{owner.name}".',
                self.d,
            )
            raise _Invalid()
        base = named_type(f.type)
        child = self.sg.types.get(base)
        is_leaf = base in _BUILTIN_SCALARS or (child is not None and child.kind in _LEAF_KINDS)
        if s.selection_set is None:
            if not is_leaf:
                raise self.invalid(
                    f'field "{owner.name}.{name}" of composite type "{base}" needs a selection'
                )
            return f.type
        if is_leaf or child is None:
            raise self.invalid(f'field "{owner.name}.{name}" of leaf type "{base}" has a selection')
        nested = self._resolve(child, s.selection_set)
        return None if nested is None else _rewrap(f.type, nested)


__all__ = [
    "validate_merge_rules",
    "validate_subgraph_directives",
    "validate_subgraph_rules",
]
