"""``MISSING_TRANSITIVE_AUTH_REQUIREMENTS``: a field that reads other data through ``@requires``
or ``@fromContext`` would hand that data to callers who may not see it, so its own auth
requirements (merged across subgraphs, with its type's) must imply those of everything the
selection reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from graphql import (
    FieldNode,
    InlineFragmentNode,
    ListValueNode,
    SelectionSetNode,
    StringValueNode,
    ValueNode,
)

from hansa.composition.rules._common import (
    AUTH_DIRECTIVES,
    composites,
    context_owners,
    is_fed_directive,
    parse_selection,
)
from hansa.composition.rules.context import SubgraphContext
from hansa.composition.rules.from_context_usage import parse_context
from hansa.composition.subgraph_reader import Applied, FieldDef, named_type


def transitive_auth(context: SubgraphContext) -> None:
    sg = context.subgraph
    everyone = context.subgraphs
    if not any(any(is_fed_directive(s, a) for a in AUTH_DIRECTIVES) for s in everyone):
        return
    if not any(
        d.name in AUTH_DIRECTIVES
        for s in everyone
        for t in s.types.values()
        for d in [*t.directives, *(d for f in t.fields.values() for d in f.directives)]
    ):
        return
    for t in composites(sg):
        if t.kind != "object":
            continue
        for f in t.fields.values():
            requires = f.directive("requires") if is_fed_directive(sg, "requires") else None
            contextual = [
                (arg, d)
                for arg in f.args.values()
                for d in arg.directives
                if d.name == "fromContext" and is_fed_directive(sg, "fromContext")
            ]
            if requires is None and not contextual:
                continue
            coordinate = f"{t.name}.{f.name}"
            needed = _field_auth(context, t.name, f.name).and_(_type_auth(context, t.name))
            if requires is not None:
                selection = parse_selection(requires.string("fields") or "")
                if selection is not None:
                    problem = _auth_on_selection(context, t.name, selection, needed)
                    if problem is not None:
                        context.report(
                            "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
                            f'Field "{coordinate}" does not specify necessary @authenticated, '
                            "@requiresScopes and/or @policy auth requirements to access the "
                            f'transitive field "{problem}" data from @requires selection set.',
                            requires,
                        )
            owners = context_owners(sg) if contextual else {}
            for _arg, d in contextual:
                name, selection_text = parse_context(d.string("field") or "")
                if not name or not selection_text:
                    continue
                for owner in owners.get(name, []):
                    supergraph_context = f"{sg.name}__{name}"
                    if not needed.satisfies(_type_auth(context, owner)):
                        context.report(
                            "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
                            f'Field "{coordinate}" does not specify necessary @authenticated, '
                            "@requiresScopes and/or @policy auth requirements to access the "
                            f"transitive data in context {supergraph_context} from "
                            "@fromContext selection set.",
                            d,
                        )
                        continue
                    selection = parse_selection(selection_text)
                    if selection is None:
                        continue
                    problem = _auth_on_selection(context, owner, selection, needed)
                    if problem is not None:
                        context.report(
                            "MISSING_TRANSITIVE_AUTH_REQUIREMENTS",
                            f'Field "{coordinate}" does not specify necessary @authenticated, '
                            "@requiresScopes and/or @policy auth requirements to access the "
                            f'transitive field "{problem}" data from @fromContext selection '
                            "set.",
                            d,
                        )


def _auth_on_selection(
    context: SubgraphContext, type_name: str, selection_set: SelectionSetNode, needed: _Auth
) -> str | None:
    """The first selected element whose requirements ``needed`` does not cover."""
    for s in selection_set.selections:
        if isinstance(s, FieldNode):
            name = s.name.value
            if name == "__typename":
                continue
            f = _merged_field(context, type_name, name)
            if f is None:
                continue
            return_type = named_type(f.type)
            if not needed.satisfies(_field_auth(context, type_name, name)) or not needed.satisfies(
                _type_auth(context, return_type)
            ):
                return f"{type_name}.{name}"
            if s.selection_set is not None:
                problem = _auth_on_selection(context, return_type, s.selection_set, needed)
                if problem is not None:
                    return problem
        elif isinstance(s, InlineFragmentNode):
            condition = s.type_condition.name.value if s.type_condition else type_name
            if s.type_condition is not None and not needed.satisfies(
                _type_auth(context, condition)
            ):
                return condition
            problem = _auth_on_selection(context, condition, s.selection_set, needed)
            if problem is not None:
                return problem
    return None


def _merged_field(context: SubgraphContext, type_name: str, field_name: str) -> FieldDef | None:
    own = context.subgraph.types.get(type_name)
    if own is not None and field_name in own.fields:
        return own.fields[field_name]
    for sg in context.subgraphs:
        t = sg.types.get(type_name)
        if t is not None and field_name in t.fields:
            return t.fields[field_name]
    return None


def _type_auth(context: SubgraphContext, name: str) -> _Auth:
    directives: list[Applied] = []
    for sg in context.subgraphs:
        t = sg.types.get(name)
        if t is not None:
            directives.extend(d for d in t.directives if d.name in AUTH_DIRECTIVES)
    return _auth_of(directives)


def _field_auth(context: SubgraphContext, type_name: str, field_name: str) -> _Auth:
    directives: list[Applied] = []
    for sg in context.subgraphs:
        t = sg.types.get(type_name)
        f = t.fields.get(field_name) if t else None
        if f is not None:
            directives.extend(d for d in f.directives if d.name in AUTH_DIRECTIVES)
    return _auth_of(directives)


# -- the auth requirement algebra ---------------------------------------------------------------


@dataclass
class _Auth:
    """Auth requirements of an element (merged across subgraphs); scopes and policies in
    disjunctive normal form (any one set, all of its members)."""

    authenticated: bool = False
    scopes: list[frozenset[str]] | None = None
    policies: list[frozenset[str]] | None = None

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
