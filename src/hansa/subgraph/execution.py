"""One subgraph request: parse and validate (cached per query text), resolve the operation,
coerce variables, execute, optionally recording a federated trace.

Failures before execution are *request errors*, answered with HTTP 400 and no ``data``, coded
as Apollo Server codes them: ``GRAPHQL_PARSE_FAILED``, ``GRAPHQL_VALIDATION_FAILED``,
``OPERATION_RESOLUTION_FAILURE`` (unknown ``operationName``, or several operations and none
named) and ``BAD_USER_INPUT`` (variable values that do not coerce). Everything after that is
execution: field errors, even one that nulls the whole ``data``, are a 200 answer.

Cost: parsing and validation run once per distinct query text (bounded LRU); per request only
operation lookup, variable coercion and execution run. Tracing costs nothing unless asked for:
the timing middleware is only installed on requests that carry the ftv1 header.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    Executor,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)
from graphql.pyutils import is_awaitable

from hansa.subgraph.tracing import TraceRecorder

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE"
BAD_USER_INPUT = "BAD_USER_INPUT"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"

_DOCUMENT_CACHE_SIZE = 512


@dataclass(frozen=True, slots=True)
class SubgraphResult:
    """An execution result, whether it failed before execution, and the trace if requested."""

    result: ExecutionResult
    status: int = 200  # 400 (or 405: a mutation over GET) when it failed before execution
    trace: str | None = None  # base64 of a protobuf ``Trace`` (``extensions.ftv1``)


def _coded(error: GraphQLError, code: str) -> GraphQLError:
    return GraphQLError(
        error.message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code},
    )


def _operation(
    document: DocumentNode, operation_name: str | None
) -> OperationDefinitionNode | GraphQLError:
    """The spec's GetOperation, with Apollo Server's messages."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name is None:
        if len(operations) == 1:
            return operations[0]
        message = (
            "Must provide operation name if query contains multiple operations."
            if operations
            else "Must provide an operation."
        )
    else:
        for operation in operations:
            if operation.name is not None and operation.name.value == operation_name:
                return operation
        message = f'Unknown operation named "{operation_name}".'
    return GraphQLError(message, extensions={"code": OPERATION_RESOLUTION_FAILURE})


class RequestRunner:
    """Runs requests against one executable schema; holds the per-query-text document cache."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self._documents: OrderedDict[str, DocumentNode | list[GraphQLError]] = OrderedDict()

    def document(self, query: str) -> DocumentNode | list[GraphQLError]:
        """Parse and validate once per distinct query text; errors come back coded."""
        cached = self._documents.get(query)
        if cached is not None:
            self._documents.move_to_end(query)
            return cached
        try:
            document = parse(query, allow_empty_selection_sets=False)  # as graphql-js
        except GraphQLError as error:
            result: DocumentNode | list[GraphQLError] = [_coded(error, PARSE_FAILED)]
        else:
            errors = validate(self.schema, document)
            result = [_coded(e, VALIDATION_FAILED) for e in errors] if errors else document
        self._documents[query] = result
        if len(self._documents) > _DOCUMENT_CACHE_SIZE:
            self._documents.popitem(last=False)
        return result

    async def run(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        *,
        trace: bool = False,
        queries_only: bool = False,
    ) -> SubgraphResult:
        """``queries_only`` refuses mutations with 405 (``GET`` requests must be safe)."""
        recorder = TraceRecorder() if trace else None
        result, status = await self._run(
            query, variables, operation_name, context, recorder, queries_only
        )
        if recorder is None:
            return SubgraphResult(result, status)
        return SubgraphResult(result, status, recorder.finish(result.errors or ()))

    async def _run(
        self,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        recorder: TraceRecorder | None,
        queries_only: bool,
    ) -> tuple[ExecutionResult, int]:
        document = self.document(query)
        if isinstance(document, list):
            return ExecutionResult(data=None, errors=document), 400
        operation = _operation(document, operation_name)
        if isinstance(operation, GraphQLError):
            return ExecutionResult(data=None, errors=[operation]), 400
        if queries_only and operation.operation != OperationType.QUERY:
            error = GraphQLError(
                f"GET requests only support query operations, not {operation.operation.value}"
                " operations",
                extensions={"code": METHOD_NOT_ALLOWED},
            )
            return ExecutionResult(data=None, errors=[error]), 405
        executor = Executor.build(
            self.schema,
            document,
            context_value=context,
            raw_variable_values=variables,
            operation_name=operation.name.value if operation.name else None,
            middleware=[recorder] if recorder is not None else None,
        )
        if isinstance(executor, list):
            errors = [_coded(e, BAD_USER_INPUT) for e in executor]
            return ExecutionResult(data=None, errors=errors), 400
        outcome = executor.execute_operation()
        if is_awaitable(outcome):
            outcome = await outcome
        assert isinstance(outcome, ExecutionResult)
        return outcome, 200
