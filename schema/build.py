"""The executable schema and its SDL."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from time import monotonic
from typing import Any

import strawberry
from graphql import DocumentNode, GraphQLError
from strawberry.extensions import (
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from resolvers.context import RequestContext
from resolvers.error_codes import ErrorCode
from schema.audience import sizes_told
from schema.audience_limits import QueryLimitsOfAudience
from schema.errors import finish_errors
from schema.execution import field_gathering, internals
from schema.execution.argument_names import ArgumentNamesOnce
from schema.execution.compiled import CompiledLeanExecutor, CompiledStandardExecutor
from schema.execution.lean import LeanExecutor
from schema.execution.operation_plan import OperationPlan
from schema.execution.prepared import (
    TRIED,
    PreparedOperation,
    PreparedQueries,
    RememberValidQueries,
    Tried,
    execute_prepared,
)
from schema.limits import limits_rules
from schema.operation_choice import REQUESTED_OPERATION, ChooseOperation
from schema.query import Query
from schema.request_deadline import RequestDeadline
from schema.scalars import SCALAR_OVERRIDES
from schema.types import Account, Company, Contract, Industry
from settings import QueryLimits
from store.running.shielded import RequestReads


class ProfilingSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # schema.errors logs unexpected errors with their request id; expected ones
        # (bad input, not found, cohort refusals) are answers, not incidents.
        return

    request_timeout: float | None = None
    # Set by build_schema when every extension only parses and validates.
    prepared: PreparedQueries | None = None

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        # Errors are finished here rather than in an extension's on_operation: some paths
        # (a syntax error raised inside ParserCache's on_parse) leave that hook early.
        prepared = self._prepared_operation(
            query, operation_name, allowed_operation_types, context_value
        )
        if prepared is not None:  # parsed and validated before: no operation to choose again
            return await self._execute_request(
                prepared,
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        return await self._execute_unprepared(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed_operation_types,
            operation_extensions,
        )

    def _prepared_operation(
        self,
        query: str | None,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType] | None,
        context_value: Any,
    ) -> PreparedOperation | None:
        """The prepared operation of a query text that parsed and validated before, or None."""
        prepared = self.prepared
        if prepared is None:
            return None
        return prepared.operation(
            query,
            operation_name,
            allowed_operation_types,
            sizes=sizes_told(self._schema, context_value),
        )

    async def _execute_unprepared(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None,
        context_value: Any,
        root_value: Any,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType] | None,
        operation_extensions: dict[str, Any] | None,
    ) -> ExecutionResult:
        """A query through Strawberry's pipeline (parsed, validated, its operation chosen)."""
        # Read by ChooseOperation once the query is parsed: Strawberry would run the first
        # of several operations when no name is given.
        requested = REQUESTED_OPERATION.set((operation_name,))
        try:
            return await self._execute_request(
                None,
                query,
                variable_values,
                context_value,
                root_value,
                operation_name,
                allowed_operation_types,
                operation_extensions,
            )
        finally:
            REQUESTED_OPERATION.reset(requested)

    async def execute_post(
        self,
        query: str,
        variable_values: dict[str, Any] | None,
        context_value: Any,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType],
    ) -> ExecutionResult:
        """`execute` of a plain JSON POST's query (server/graphql_posts.py): the same answer,
        and for the most common request, a prepared account-and-rows operation whose read runs
        inline (SQLite's small read), without the request's coroutines and objects that only
        an await needs (account_rows.py `answer_now`): nothing awaits, so no read of the request
        can be left running and its deadline is the time it took, checked once it is read."""
        prepared = self.prepared
        found = (
            None
            if prepared is None
            else prepared.operation(
                query,
                operation_name,
                allowed_operation_types,
                sizes_told(self._schema, context_value),
            )
        )
        if found is None:  # the pipeline, without looking the text up a second time
            return await self._execute_unprepared(
                query,
                variable_values,
                context_value,
                None,
                operation_name,
                allowed_operation_types,
                None,
            )
        # The time spent, on the process's monotonic clock: the loop's own clock needs
        # `asyncio.get_running_loop()`, which on Python 3.11 asks the kernel for the process id
        # (a system call a request).
        started = monotonic()
        # An account-and-rows operation (account_rows.py) whose read runs inline (SQLite's
        # small read) is answered now: what `execute_prepared` would answer, without a
        # coroutine, nothing awaited (written out here: a frame fewer a request).
        account_rows = found.account_rows
        data: dict[str, Any] | Tried | None = None
        if (
            account_rows is not None
            and isinstance(context_value, RequestContext)
            and issubclass(self.execution_context_class, CompiledLeanExecutor)
        ):
            try:
                data = account_rows.answer_now(context_value, variable_values)
            except Exception:  # as `_execute_directly`: no side error, the read's outcome
                data = TRIED  # handed to the request's loaders
        if data is None:  # not this kind of request: as `execute` runs it
            return await self._execute_request(
                found, query, variable_values, context_value, None, operation_name, None, None
            )
        timeout = self.request_timeout
        # Past its limit: stopped as the deadline stops a request after an inline read.
        if timeout is not None and monotonic() - started >= timeout:
            return self._timed_out(context_value)
        # The other paths answer, within the limit from its start (the deadline's loop clock is
        # this monotonic clock: asyncio's `loop.time()` is `time.monotonic()`, uvloop's the same
        # CLOCK_MONOTONIC in milliseconds), reading nothing again.
        if isinstance(data, Tried):
            return await self._execute_request(
                found,
                query,
                variable_values,
                context_value,
                None,
                operation_name,
                None,
                None,
                account_rows_tried=True,
                started=started,
            )
        # Answered now, so the context is a RequestContext (checked above): without side
        # errors, finish_errors would answer None.
        errors = finish_errors(None, context_value) if context_value.side_errors else None
        # By position (data, errors, extensions): a dataclass's keywords cost a match each.
        return ExecutionResult(data, errors, {})

    async def _execute_request(
        self,
        prepared: PreparedOperation | None,
        query: str | None,
        variable_values: dict[str, Any] | None,
        context_value: Any | None,
        root_value: Any | None,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType] | None,
        operation_extensions: dict[str, Any] | None,
        *,
        account_rows_tried: bool = False,
        started: float | None = None,
    ) -> ExecutionResult:
        reads = RequestReads()
        try:
            # The deadline runs the request in this task (wait_for would start another).
            with reads.tracking(), _deadline(self.request_timeout, started):
                if prepared is not None:  # parsed and validated before: straight to execution
                    result = await execute_prepared(
                        self._schema,
                        prepared,
                        executor_class=self.execution_context_class,
                        root_value=root_value,
                        context_value=context_value,
                        variable_values=variable_values,
                        operation_name=operation_name,
                        operation_extensions=operation_extensions,
                        account_rows_tried=account_rows_tried,
                    )
                else:
                    result = await super().execute(
                        query,
                        variable_values=variable_values,
                        context_value=context_value,
                        root_value=root_value,
                        operation_name=operation_name,
                        allowed_operation_types=allowed_operation_types,
                        operation_extensions=operation_extensions,
                    )
            # A read nobody waits for any more (a look-ahead for an entity that does not
            # exist) may still run: the request owns it until it has given its connection back.
            if reads.pending():
                await reads.settle()
        except TimeoutError:
            return self._timed_out(context_value)
        result.errors = finish_errors(result.errors, context_value)
        return result

    def _timed_out(self, context_value: Any) -> ExecutionResult:
        """The answer of a request stopped by its deadline."""
        error = GraphQLError(
            f"Query stopped: it ran longer than the limit of {self.request_timeout:g} s",
            extensions={"code": ErrorCode.TIMED_OUT},
        )
        return ExecutionResult(data=None, errors=finish_errors([error], context_value))


def _deadline(seconds: float | None, started: float | None) -> AbstractContextManager[None]:
    if seconds is None:
        return nullcontext()
    # Positional: a keyword argument makes the call of every request a slower one.
    return RequestDeadline(seconds) if started is None else RequestDeadline(seconds, started)


def build_schema(
    *,
    limits: QueryLimits | None = None,
    introspection: bool = True,
    request_timeout: float | None = None,
    lean_execution: bool = True,
    prepared_queries: bool = True,
    compiled_execution: bool = True,
) -> ProfilingSchema:
    """The schema, with the fast paths on unless switched off (settings: an upgrade of
    Strawberry or graphql-core can be tried without them; answers are the same)."""
    limits = limits or QueryLimits()
    # Every sibling field runs to its end and reports its own error (execution/field_gathering.py).
    internals.install(field_gathering.gather_all, field_gathering.FieldErrors)
    # One rule class per audience for the schema's whole life: the validation cache is keyed
    # by the rule classes, so a class made per request would miss it every time.
    limits_check = limits_rules(limits)
    extensions: list[Any] = [
        lambda: MaxTokensLimiter(max_token_count=limits.max_tokens),
        # Parsing and validating a small query costs more than running it. The limits rule
        # comes first so that the validation cache keeps its verdict too.
        lambda: QueryLimitsOfAudience(limits_check),
        lambda: ParserCache(maxsize=1024),
        # A document of several operations needs a name that picks one (the spec's GetOperation).
        ChooseOperation,
        lambda: ValidationCache(maxsize=1024),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    prepared = PreparedQueries(maxsize=1024)
    # Last, so that it sees the verdicts of every parse and validation hook before it.
    extensions.append(lambda: RememberValidQueries(prepared))
    schema = ProfilingSchema(
        query=Query,
        types=[Account, Company, Contract, Industry],
        scalar_overrides=SCALAR_OVERRIDES,
        extensions=extensions,
        # Resolvers' arguments are converted on every call: their GraphQL names, once.
        config=StrawberryConfig(name_converter=ArgumentNamesOnce()),
        # Lists of flat objects (metric rows) are completed a column at a time; a prepared
        # operation runs by its compiled plan (execution/operation_plan.py).
        execution_context_class=_executor_class(
            lean=lean_execution, compiled=compiled_execution and prepared_queries
        ),
    )
    if compiled_execution:
        built = schema

        def plan(document: DocumentNode, operation_name: str | None) -> OperationPlan | None:
            return OperationPlan.build(
                internals.graphql_schema(built), built, document, operation_name
            )

        prepared.planner = plan
    schema.request_timeout = request_timeout
    if prepared_queries and all(
        _parses_and_validates_only(type(factory())) for factory in extensions
    ):
        schema.prepared = prepared
    return schema


def _executor_class(*, lean: bool, compiled: bool) -> type[Any]:
    if compiled:
        return CompiledLeanExecutor if lean else CompiledStandardExecutor
    return LeanExecutor if lean else StrawberryGraphQLCoreExecutionContext


def _parses_and_validates_only(extension: type[SchemaExtension]) -> bool:
    """Whether skipping the extension's hooks for a query it already passed changes nothing."""
    return (
        extension.on_execute is SchemaExtension.on_execute
        and extension.get_results is SchemaExtension.get_results
        and not internals.wraps_resolvers(extension)
    )


def export_sdl() -> str:
    return build_schema().as_str() + "\n"
