"""From request text to a prepared, validated operation: parse, validate, pick the operation.

``OperationCache`` keeps the expensive steps (parse + validation) per distinct document text in
a bounded LRU. A ``PreparedOperation`` then normalizes itself lazily once per assignment of the
boolean variables that drive ``@skip``/``@include``, which is the only way variable values
reach planning.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    parse,
    validate,
)
from graphql.type import SchemaMetaFieldDef, TypeMetaFieldDef

from hansa.operation.limits import alias_count, selection_depth
from hansa.operation.normalized import Field, Selection

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
MAX_VARIANTS = 64  # normalizations kept per operation (one per @skip/@include assignment)


class OperationError(Exception):
    """A request that cannot run, with the code clients see (Apollo Router's codes)."""

    def __init__(self, errors: list[dict[str, Any]], status: int = 400) -> None:
        super().__init__(errors[0]["message"] if errors else "operation error")
        self.errors = errors
        self.status = status


def format_error(error: GraphQLError, code: str) -> dict[str, Any]:
    """A graphql-core error as a response error with ``extensions.code``."""
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [
            {"line": loc.line, "column": loc.column} for loc in error.locations
        ]
    formatted["extensions"] = {"code": code}
    return formatted


def coded(message: str, code: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code}}


@dataclass(eq=False)
class PreparedOperation:
    """One operation of a validated document, with per-condition normalizations cached."""

    schema: GraphQLSchema
    document: DocumentNode
    operation: OperationDefinitionNode
    fragments: dict[str, FragmentDefinitionNode]
    kind: str  # "query", "mutation", "subscription"
    root_type: str
    condition_variables: tuple[str, ...]
    key: str  # stable hash of document + operation name, for plan caches
    _normalized: dict[tuple[bool, ...], tuple[Selection, int]] = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        return self.operation.name.value if self.operation.name else None

    @cached_property
    def alias_count(self) -> int:
        """Aliased fields in the operation and its document's fragments (a document-level
        count, as Apollo Router's ``max_aliases`` counts)."""
        return alias_count([self.operation, *self.fragments.values()])

    @cached_property
    def introspection_document(self) -> DocumentNode | None:
        """The operation reduced to its root ``__schema``/``__type`` fields, if it has any."""
        filtered = _root_introspection(self.operation.selection_set, self.fragments)
        if filtered is None:
            return None
        operation = OperationDefinitionNode(
            operation=self.operation.operation,
            name=self.operation.name,
            variable_definitions=self.operation.variable_definitions,
            directives=self.operation.directives,
            selection_set=filtered,
        )
        return DocumentNode(definitions=(operation, *self.fragments.values()))

    def assignment(self, variables: dict[str, Any]) -> tuple[bool, ...]:
        return tuple(bool(variables.get(name)) for name in self.condition_variables)

    def normalized(self, assignment: tuple[bool, ...]) -> Selection:
        return self._variant(assignment)[0]

    def depth(self, assignment: tuple[bool, ...]) -> int:
        return self._variant(assignment)[1]

    def _variant(self, assignment: tuple[bool, ...]) -> tuple[Selection, int]:
        """Normalized selection and its depth for one condition assignment (bounded cache)."""
        cached = self._normalized.get(assignment)
        if cached is None:
            values = dict(zip(self.condition_variables, assignment, strict=True))
            selection = _Normalizer(self.schema, self.fragments, values).selection(
                self.root_type, self.operation.selection_set
            )
            cached = (selection, selection_depth(selection))
            if len(self._normalized) >= MAX_VARIANTS:
                self._normalized.pop(next(iter(self._normalized)))
            self._normalized[assignment] = cached
        return cached


def _root_introspection(
    node: SelectionSetNode, fragments: dict[str, FragmentDefinitionNode]
) -> SelectionSetNode | None:
    kept: list[Any] = []
    for item in node.selections:
        if isinstance(item, FieldNode):
            if item.name.value in INTROSPECTION_FIELDS:
                kept.append(item)
            continue
        if isinstance(item, FragmentSpreadNode):
            fragment = fragments[item.name.value]
            inner = _root_introspection(fragment.selection_set, fragments)
            if inner is not None:
                kept.append(
                    InlineFragmentNode(
                        type_condition=fragment.type_condition,
                        directives=item.directives,
                        selection_set=inner,
                    )
                )
            continue
        assert isinstance(item, InlineFragmentNode)
        inner = _root_introspection(item.selection_set, fragments)
        if inner is not None:
            kept.append(
                InlineFragmentNode(
                    type_condition=item.type_condition,
                    directives=item.directives,
                    selection_set=inner,
                )
            )
    return SelectionSetNode(selections=tuple(kept)) if kept else None


def _condition_variables(document: DocumentNode) -> tuple[str, ...]:
    names: list[str] = []

    def visit(node: Any) -> None:
        if isinstance(node, FieldNode | InlineFragmentNode | FragmentSpreadNode):
            for directive in node.directives or ():
                if directive.name.value in ("skip", "include"):
                    for arg in directive.arguments or ():
                        if (
                            isinstance(arg.value, VariableNode)
                            and arg.value.name.value not in names
                        ):
                            names.append(arg.value.name.value)
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            for child in selection_set.selections:
                visit(child)

    for definition in document.definitions:
        visit(definition)
    return tuple(names)


def _included(directives: Any, values: dict[str, bool]) -> bool:
    for directive in directives or ():
        name = directive.name.value
        if name not in ("skip", "include"):
            continue
        if _directive_value(directive, values) == (name == "skip"):
            return False
    return True


def _directive_value(directive: DirectiveNode, values: dict[str, bool]) -> bool:
    for arg in directive.arguments or ():
        if arg.name.value == "if":
            value = arg.value
            if isinstance(value, VariableNode):
                return values.get(value.name.value, False)
            return bool(getattr(value, "value", False))
    return False


class _Normalizer:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        values: dict[str, bool],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.values = values

    def selection(
        self,
        type_name: str,
        node: SelectionSetNode,
        visited: set[tuple[str, str]] | None = None,
    ) -> Selection:
        result = Selection(type_name)
        self._add(result, type_name, node, set() if visited is None else visited)
        return result

    def _add(
        self,
        target: Selection,
        type_name: str,
        node: SelectionSetNode,
        visited: set[tuple[str, str]],
    ) -> None:
        """``visited``: (fragment, type condition) pairs already spread while collecting this
        selection set, which the spec's CollectFields skips (and which keeps hostile fragment
        fan-out bounded by fragments times types). CollectFields runs per object type, so a spread
        inside ``... on Folder`` is not visited for a sibling ``... on Doc``: the pair carries
        the condition it was spread under."""
        for item in node.selections:
            if not _included(item.directives, self.values):
                continue
            if isinstance(item, FieldNode):
                normalized = self._field(type_name, item)
                if not target.fragments:
                    target.fields.append(normalized)
                elif target.fragments[-1][0] == type_name:
                    target.fragments[-1][1].fields.append(normalized)
                else:
                    # Keep document order: a field after a fragment is collected after it.
                    target.fragments.append((type_name, Selection(type_name, [normalized])))
                continue
            if isinstance(item, InlineFragmentNode):
                condition = item.type_condition.name.value if item.type_condition else type_name
                selection_set = item.selection_set
            else:
                assert isinstance(item, FragmentSpreadNode)
                seen = (item.name.value, type_name)
                if seen in visited:
                    continue
                visited.add(seen)
                fragment = self.fragments[item.name.value]
                condition = fragment.type_condition.name.value
                selection_set = fragment.selection_set
            if condition == type_name:
                self._add(target, type_name, selection_set, visited)
            else:
                target.fragments.append(
                    (condition, self.selection(condition, selection_set, visited))
                )

    def _field(self, parent: str, node: FieldNode) -> Field:
        name = node.name.value
        key = node.alias.value if node.alias else name
        if name == "__typename":
            return Field(key, name, (), parent, "String", None, None)
        parent_type: Any = self.schema.get_type(parent)
        if name == "__type":
            definition: Any = TypeMetaFieldDef
        elif name == "__schema":
            definition = SchemaMetaFieldDef
        else:
            definition = parent_type.fields[name]
        named = get_named_type(definition.type)
        sub = self.selection(named.name, node.selection_set) if node.selection_set else None
        return Field(
            key, name, tuple(node.arguments or ()), parent, named.name, definition.type, sub
        )


class OperationCache:
    """Parse + validate once per document text: an LRU bounded in documents and in the bytes of
    their text (a prepared document takes about twice its text in memory), so a client sending
    large distinct documents cannot grow it without bound. A document larger than the whole
    budget is prepared for its request and not kept."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        max_documents: int = 1000,
        max_tokens: int = 15_000,
        max_bytes: int = 16 * 1024 * 1024,
    ) -> None:
        self.schema = schema
        self.max_documents = max_documents
        self.max_tokens = max_tokens
        self.max_bytes = max_bytes
        # Errors are cached as lists and raised afresh: a cached exception object would keep
        # growing its traceback with every request that re-raises it.
        self._documents: OrderedDict[str, DocumentNode | list[dict[str, Any]]] = OrderedDict()
        self._operations: dict[str, dict[str | None, PreparedOperation]] = {}
        self._bytes = 0
        # Large documents are prepared in a worker thread (``Gateway.execute``): the cache's
        # bookkeeping is shared with the event loop's thread.
        self._lock = threading.Lock()

    @property
    def size_bytes(self) -> int:
        """Bytes of document text kept (for metrics and tests)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._documents)

    def __contains__(self, text: str) -> bool:
        return text in self._documents

    def _document(self, text: str) -> DocumentNode:
        cached = self._documents.get(text)
        if cached is None:
            cached = self._parse_and_validate(text)  # outside the lock: the expensive part
            if len(text) <= self.max_bytes:
                with self._lock:
                    if text not in self._documents:
                        self._documents[text] = cached
                        self._bytes += len(text)
                    while len(self._documents) > self.max_documents or self._bytes > self.max_bytes:
                        evicted, _ = self._documents.popitem(last=False)
                        self._bytes -= len(evicted)
                        self._operations.pop(evicted, None)
        else:
            with self._lock, contextlib.suppress(KeyError):  # evicted meanwhile: fine
                self._documents.move_to_end(text)
        if isinstance(cached, list):
            raise OperationError(cached)
        return cached

    def _parse_and_validate(self, text: str) -> DocumentNode | list[dict[str, Any]]:
        try:
            document = parse(text, max_tokens=self.max_tokens, allow_empty_selection_sets=False)
        except GraphQLError as error:
            # graphql-core's own words for its token limit ("... tokens. Parsing aborted.")
            too_long = "tokens. Parsing aborted" in error.message
            return [format_error(error, "MAX_TOKENS_LIMIT" if too_long else "GRAPHQL_PARSE_FAILED")]
        errors = validate(self.schema, document)
        if errors:
            return [format_error(e, "GRAPHQL_VALIDATION_FAILED") for e in errors]
        return document

    def get(self, text: str, operation_name: str | None) -> PreparedOperation:
        """The prepared operation, or ``OperationError`` with the client-facing errors."""
        document = self._document(text)
        by_name = self._operations.get(text)
        prepared = by_name.get(operation_name) if by_name is not None else None
        if prepared is None:
            prepared = self._prepare(text, document, operation_name)
            with self._lock:
                if text in self._documents:  # only what the document cache keeps
                    self._operations.setdefault(text, {})[operation_name] = prepared
        return prepared

    def _prepare(
        self, text: str, document: DocumentNode, operation_name: str | None
    ) -> PreparedOperation:
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if operation_name is None:
            if len(operations) != 1:
                raise OperationError(
                    [
                        coded(
                            "Must provide operation name if query contains multiple operations.",
                            "GRAPHQL_VALIDATION_FAILED",
                        )
                    ]
                )
            operation = operations[0]
        else:
            found = [o for o in operations if o.name and o.name.value == operation_name]
            if not found:
                raise OperationError(
                    [coded(f'Unknown operation named "{operation_name}".', "OPERATION_NOT_FOUND")]
                )
            operation = found[0]
        kind = operation.operation.value
        root = self.schema.get_root_type(OperationType(kind))
        if root is None:
            raise OperationError(
                [
                    coded(
                        f"The schema does not support {kind} operations.",
                        "GRAPHQL_VALIDATION_FAILED",
                    )
                ]
            )
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        digest = hashlib.sha256(f"{operation_name}\0{text}".encode()).hexdigest()
        return PreparedOperation(
            schema=self.schema,
            document=document,
            operation=operation,
            fragments=fragments,
            kind=kind,
            root_type=root.name,
            condition_variables=_condition_variables(document),
            key=digest,
        )
