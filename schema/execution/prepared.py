"""Queries that proved valid run straight on graphql-core, past Strawberry's per-request pipeline.

For every request Strawberry builds each schema extension anew and runs its operation, parse,
validate and execute hooks. With the parser and validation caches hit, that pipeline was about a
fifth of a small request (docs/performance.md), for verdicts that cannot change: a query text that
parsed and validated once in this schema passes the same token limit and the same rules again.

So the first run of a query text goes through the whole pipeline, and `RememberValidQueries`,
the last extension, keeps its document once it parsed and validated without an error. Later
requests with the same text execute that document directly, with the same executor class,
middleware, root value and context as Strawberry would use, and get the same answer because:
- validation does not depend on variables (schema/limits.py counts variables at their largest);
  graphql-core still coerces each request's variables and picks its operation by name;
- the schema's extensions only parse and validate: none has an execute or resolve hook or adds
  result extensions (`build_schema` checks that the list holds only such extensions);
- anything else (a missing or ambiguous operation, an operation type the request may not run)
  takes the full pipeline, which reports it.

The documents are kept per schema in a bounded LRU, keyed by the query text."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from inspect import isawaitable
from typing import Any

from graphql import DocumentNode, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import OperationType as GraphQLOperationType
from graphql.execution import execute
from graphql.execution.middleware import MiddlewareManager
from graphql.utilities import get_operation_ast
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType


class _Prepared:
    """A document, and for each operation name asked for so far whether it names a query."""

    __slots__ = ("document", "queries")

    def __init__(self, document: DocumentNode) -> None:
        self.document = document
        self.queries: dict[str | None, bool] = {}

    def is_query(self, operation_name: str | None) -> bool:
        found = self.queries.get(operation_name)
        if found is None:
            operation = get_operation_ast(self.document, operation_name)
            if operation is None:  # not kept: a client may send any number of unknown names
                return False
            found = operation.operation is GraphQLOperationType.QUERY
            self.queries[operation_name] = found
        return found


class PreparedQueries:
    """Documents of query texts that parsed and validated, least recently used out first."""

    def __init__(self, *, maxsize: int = 1024) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self._maxsize = maxsize
        self._prepared: OrderedDict[str, _Prepared] = OrderedDict()
        self.hits = 0

    def __len__(self) -> int:
        return len(self._prepared)

    def clear(self) -> None:
        self._prepared.clear()

    def remember(self, query: str, document: DocumentNode) -> None:
        self._prepared[query] = _Prepared(document)
        self._prepared.move_to_end(query)
        while len(self._prepared) > self._maxsize:
            self._prepared.popitem(last=False)

    def document(
        self,
        query: str | None,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType] | None,
    ) -> DocumentNode | None:
        """The document to execute directly, or None when the request takes the pipeline."""
        if query is None:
            return None
        prepared = self._prepared.get(query)
        if prepared is None:
            return None
        if allowed_operation_types is not None and OperationType.QUERY not in set(
            allowed_operation_types
        ):
            return None
        if not prepared.is_query(operation_name):
            return None
        self._prepared.move_to_end(query)
        self.hits += 1
        return prepared.document


class RememberValidQueries(SchemaExtension):
    """Keeps the document of a query text that parsed and passed every validation rule."""

    def __init__(self, prepared: PreparedQueries) -> None:
        self._prepared = prepared

    def on_validate(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if (
            context.query is not None
            and context.graphql_document is not None
            and not context.pre_execution_errors
        ):
            self._prepared.remember(context.query, context.graphql_document)


async def execute_prepared(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    executor_class: type[Any],
    root_value: Any,
    context_value: Any,
    variable_values: dict[str, Any] | None,
    operation_name: str | None,
    operation_extensions: dict[str, Any] | None,
) -> ExecutionResult:
    """What Strawberry's execute does once parsing and validation passed, without the hooks."""
    outcome = execute(
        schema,
        document,
        root_value=root_value,
        context_value=context_value,
        variable_values=variable_values,
        operation_name=operation_name,
        # Strawberry's own middleware manager, with no resolve hook among the extensions.
        middleware=MiddlewareManager(),
        executor_class=executor_class,
        # Strawberry's own check (typed as returning bool, not a TypeGuard).
        is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
        operation_extensions=operation_extensions,
    )
    result = await outcome if isawaitable(outcome) else outcome
    if not isinstance(result, GraphQLExecutionResult):  # incremental delivery is not enabled
        raise TypeError(f"unexpected execution result {type(result).__name__}")
    return ExecutionResult(data=result.data, errors=result.errors, extensions={})
