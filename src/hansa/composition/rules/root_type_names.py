"""``ROOT_QUERY_USED``, ``ROOT_MUTATION_USED``, ``ROOT_SUBSCRIPTION_USED``: federation renames
root types to their default names, so a root with another name cannot coexist with a type that
has the default name."""

from __future__ import annotations

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    OperationType,
    SchemaDefinitionNode,
    parse,
)

from hansa.composition.rules.context import SubgraphContext


def root_type_names(context: SubgraphContext) -> None:
    document = parse(context.subgraph.sdl)
    declared: dict[str, str] = {}
    for definition in document.definitions:
        if isinstance(definition, SchemaDefinitionNode) or definition.kind == "schema_extension":
            for op in getattr(definition, "operation_types", None) or ():
                declared[op.operation.value] = op.type.name.value
    for op, default in (
        (OperationType.QUERY.value, "Query"),
        (OperationType.MUTATION.value, "Mutation"),
        (OperationType.SUBSCRIPTION.value, "Subscription"),
    ):
        root = declared.get(op)
        if root is not None and root != default and _defines(document, default):
            context.report(
                f"ROOT_{op.upper()}_USED",
                f'The schema has a type named "{default}" but it is not set as the {op} root type ("{root}" is instead): this is not supported by federation. If a root type does not use its default name, there should be no other type with that default name.',
            )


def _defines(document: DocumentNode, name: str) -> bool:
    return any(
        getattr(getattr(d, "name", None), "value", None) == name
        and not isinstance(d, DirectiveDefinitionNode)
        for d in document.definitions
    )
