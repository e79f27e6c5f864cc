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

The documents are kept per schema in a bounded LRU of query texts, each text's documents by
the list sizes the limits rule estimated it with (schema/audience.py: an internal key's are
measured in the whole store, an app or account key's within its own data, a public key's are
the floors), so one text may pass for one key and be refused for another; keys whose sizes are
equal share the document, and sizes that changed are never asked for again (their documents
age out). A request finds its text with one hash of the text, and the sizes it asks with are
most often the very object the text was last found with (every request of an internal or public
key gets the same one): compared by identity, not hashed (a `ListSizes` hash is a Python call)
and no (sizes, text) tuple made. With a
planner (the
schema's default), each operation of a document also gets its compiled plan on its first
prepared run (operation_plan.py), kept with the document: later requests build no executor
from the document, coerce plain variables with the plan's coercer, and read arguments and call
resolvers by it (compiled.py)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from inspect import isawaitable
from typing import TYPE_CHECKING, Any, NamedTuple

from graphql import DocumentNode, GraphQLResolveInfoHelpers, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import OperationType as GraphQLOperationType
from graphql.execution import default_field_resolver, default_type_resolver, execute
from graphql.execution.middleware import MiddlewareManager
from graphql.pyutils import AwaitableOrValue
from graphql.utilities import get_operation_ast
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from schema.audience import sizes_told
from schema.execution import internals
from schema.execution.compiled import CompiledFields, CompiledLeanExecutor
from schema.execution.operation_plan import OperationPlan
from schema.limits import ListSizes, rule_sizes

if TYPE_CHECKING:
    from schema.execution.account_rows import AccountRowsPlan

Planner = Callable[[DocumentNode, "str | None"], "OperationPlan | None"]


class PreparedOperation(NamedTuple):
    """A prepared document, the compiled plan of the operation asked for (if any), and that
    plan's account-and-rows form when it has a direct plan (what `answer_now` tries: found
    once here, not through two method calls a request)."""

    document: DocumentNode
    plan: OperationPlan | None
    account_rows: AccountRowsPlan | None = None


def _prepared_operation(document: DocumentNode, plan: OperationPlan | None) -> PreparedOperation:
    """The operation with its plan's account-and-rows form, in the order `_execute_directly`
    asks for them (the direct plan first: none, no account-and-rows form tried)."""
    if plan is None or plan.direct() is None:
        return PreparedOperation(document, plan)
    return PreparedOperation(document, plan, plan.account_rows())


class _Prepared:
    """A document, and for each operation name asked for so far whether it names a query (and
    its prepared operation, with its compiled plan when the schema compiles them)."""

    __slots__ = ("document", "operations", "queries")

    def __init__(self, document: DocumentNode) -> None:
        self.document = document
        self.queries: dict[str | None, bool] = {}
        # Made once per name: the same object for every request that asks for it.
        self.operations: dict[str | None, PreparedOperation] = {}

    def operation(self, operation_name: str | None, planner: Planner | None) -> PreparedOperation:
        if planner is None:  # plans switched off (for now): kept for nothing
            return PreparedOperation(self.document, None)
        # Only names already known to name a query get here: the dict stays bounded.
        found = self.operations.get(operation_name)
        if found is None:
            plan = planner(self.document, operation_name)
            found = self.operations[operation_name] = _prepared_operation(self.document, plan)
        return found

    def is_query(self, operation_name: str | None) -> bool:
        found = self.queries.get(operation_name)
        if found is None:
            operation = get_operation_ast(self.document, operation_name)
            if operation is None:  # not kept: a client may send any number of unknown names
                return False
            found = operation.operation is GraphQLOperationType.QUERY
            self.queries[operation_name] = found
        return found


# `_Text.last_sizes` before any document is kept (None is a sizes key: no limits rule).
_NO_SIZES = object()


class _Text:
    """The documents kept of one query text, by the list sizes each passed validation with; the
    sizes it was last found with, compared by identity first."""

    __slots__ = ("by_sizes", "last", "last_sizes")

    def __init__(self) -> None:
        self.by_sizes: dict[ListSizes | None, _Prepared] = {}
        self.last_sizes: object = _NO_SIZES
        self.last: _Prepared | None = None

    def find(self, sizes: ListSizes | None) -> _Prepared | None:
        """The document kept under sizes equal to `sizes` (they differ from the last ones)."""
        found = self.by_sizes.get(sizes)
        if found is not None:
            self.last_sizes, self.last = sizes, found
        return found

    def keep(self, sizes: ListSizes | None, prepared: _Prepared) -> None:
        self.by_sizes.pop(sizes, None)  # the newest last: dropped last (`drop_oldest`)
        self.by_sizes[sizes] = prepared
        self.last_sizes, self.last = sizes, prepared

    def drop_oldest(self) -> None:
        del self.by_sizes[next(iter(self.by_sizes))]
        self.last_sizes, self.last = _NO_SIZES, None


class PreparedQueries:
    """Documents of query texts that parsed and validated, least recently used text out first
    (at most `maxsize` documents: texts under each set of sizes)."""

    def __init__(self, *, maxsize: int = 1024, planner: Planner | None = None) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, got {maxsize}")
        self._maxsize = maxsize
        # Builds an operation's compiled plan (operation_plan.py); None: no plans.
        self.planner = planner
        self._texts: OrderedDict[str, _Text] = OrderedDict()
        # Documents kept, over all texts and sizes.
        self._kept = 0
        self.hits = 0
        # The last frozenset of allowed operation types found to allow queries.
        self._allowed: frozenset[OperationType] | None = None

    def __len__(self) -> int:
        return self._kept

    def clear(self) -> None:
        self._texts.clear()
        self._kept = 0

    def _allows_query(self, allowed: Iterable[OperationType]) -> bool:
        # The server passes the same frozenset every request: its verdict kept by identity
        # (an enum's hash is a Python call), any other collection looked up as given.
        if allowed is self._allowed:
            return True
        if type(allowed) is not frozenset:
            return OperationType.QUERY in set(allowed)
        if OperationType.QUERY not in allowed:
            return False
        self._allowed = allowed
        return True

    def remember(
        self, query: str, document: DocumentNode, *, sizes: ListSizes | None = None
    ) -> None:
        """Keep the document of a query text that passed validation with the list sizes
        `sizes` (None: a schema without the limits rule)."""
        texts = self._texts
        text = texts.get(query)
        if text is None:
            text = texts[query] = _Text()
        else:
            texts.move_to_end(query)
        if sizes not in text.by_sizes:
            self._kept += 1
        text.keep(sizes, _Prepared(document))
        while self._kept > self._maxsize:
            oldest = next(iter(texts))
            if oldest is query or len(texts) == 1:  # this text's oldest sizes, then
                text.drop_oldest()
                self._kept -= 1
            else:
                self._kept -= len(texts.pop(oldest).by_sizes)

    def document(
        self,
        query: str | None,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType] | None,
        *,
        sizes: ListSizes | None = None,
    ) -> DocumentNode | None:
        """The document to execute directly, or None when the request takes the pipeline."""
        found = self.operation(query, operation_name, allowed_operation_types, sizes=sizes)
        return None if found is None else found.document

    def operation(
        self,
        query: str | None,
        operation_name: str | None,
        allowed_operation_types: Iterable[OperationType] | None,
        sizes: ListSizes | None = None,
    ) -> PreparedOperation | None:
        """The document to execute directly with its operation's plan, or None when the
        request takes the pipeline (`sizes`: those its key's query is estimated with)."""
        if query is None:
            return None
        text = self._texts.get(query)
        if text is None:
            return None
        prepared = text.last if text.last_sizes is sizes else text.find(sizes)
        if prepared is None:
            return None
        if (
            allowed_operation_types is not None
            and allowed_operation_types is not self._allowed
            and not self._allows_query(allowed_operation_types)
        ):
            return None
        # A name kept with its plan named a query already: one look-up for the common request.
        found = prepared.operations.get(operation_name) if self.planner is not None else None
        if found is None:
            if not prepared.is_query(operation_name):
                return None
            found = prepared.operation(operation_name, self.planner)
        self._texts.move_to_end(query)
        self.hits += 1
        return found


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
            # Under the sizes the limits rule judged it with (those of the key's scope when
            # the request began: a refresh since must not file it under the new ones).
            sizes = rule_sizes(context.validation_rules)
            if sizes is None:
                sizes = sizes_told(internals.graphql_schema(context.schema), context.context)
            self._prepared.remember(context.query, context.graphql_document, sizes=sizes)


class Tried:
    """What `ProfilingSchema.execute_post` (schema/build.py) knows when the account-and-rows
    plan's `answer_now` was tried and left the request to the other paths (its read's outcome,
    if any, handed to the request's loaders)."""


TRIED = Tried()


async def execute_prepared(
    schema: GraphQLSchema,
    prepared: PreparedOperation,
    *,
    executor_class: type[Any],
    root_value: Any,
    context_value: Any,
    variable_values: dict[str, Any] | None,
    operation_name: str | None,
    operation_extensions: dict[str, Any] | None,
    account_rows_tried: bool = False,
) -> ExecutionResult:
    """What Strawberry's execute does once parsing and validation passed, without the hooks;
    by the operation's compiled plan when it has one and the executor follows plans
    (`account_rows_tried`: `answer_now` tried the account-and-rows plan already)."""
    plan = prepared.plan
    if plan is not None and issubclass(executor_class, CompiledLeanExecutor):
        answered = await _execute_directly(
            plan,
            root_value=root_value,
            context_value=context_value,
            variable_values=variable_values,
            operation_extensions=operation_extensions,
            account_rows_tried=account_rows_tried,
        )
        if answered is not None:
            return answered
    outcome: AwaitableOrValue[Any]
    executor: CompiledFields | None = None
    if plan is not None and issubclass(executor_class, CompiledFields):
        executor, outcome = _execute_planned(
            plan,
            executor_class,
            root_value=root_value,
            context_value=context_value,
            variable_values=variable_values,
            operation_name=operation_name,
            operation_extensions=operation_extensions,
        )
    else:
        outcome = execute(
            schema,
            prepared.document,
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
    try:
        result = await outcome if isawaitable(outcome) else outcome
    finally:
        if executor is not None:
            _release(executor)
    if not isinstance(result, GraphQLExecutionResult):  # incremental delivery is not enabled
        raise TypeError(f"unexpected execution result {type(result).__name__}")
    return ExecutionResult(data=result.data, errors=result.errors, extensions={})


async def _execute_directly(
    plan: OperationPlan,
    *,
    root_value: Any,
    context_value: Any,
    variable_values: dict[str, Any] | None,
    operation_extensions: dict[str, Any] | None,
    account_rows_tried: bool = False,
) -> ExecutionResult | None:
    """The answer of the operation's direct plan (direct.py), or None: then graphql-core
    executes it (no direct plan, variables graphql-core must coerce, or anything unusual on
    the way, whose side errors are dropped)."""
    direct = plan.direct()
    if direct is None:
        return None
    account_rows = None if account_rows_tried else plan.account_rows()
    if account_rows is not None:
        # It adds no side error and loads nothing but the read the other paths load first:
        # what it leaves unanswered (Unusual, or the read's own error, which the standard
        # path then finds in the DataLoader and reports) goes on as if it had not been tried.
        try:
            data = await account_rows.execute(context_value, variable_values, plan.variables)
        except Exception:
            pass
        else:
            return ExecutionResult(data=data, errors=None, extensions={})
    variables = plan.variables.coerce(variable_values)
    if variables is None:
        return None
    side_errors = getattr(context_value, "side_errors", None)
    kept = len(side_errors) if isinstance(side_errors, list) else None
    try:
        data = await direct.execute(
            plan,
            root_value=root_value,
            context_value=context_value,
            variable_values=variables,
            operation_extensions=operation_extensions,
        )
    except Exception:
        if isinstance(side_errors, list) and kept is not None:
            del side_errors[kept:]
        return None
    return ExecutionResult(data=data, errors=None, extensions={})


def _execute_planned(
    plan: OperationPlan,
    executor_class: type[CompiledFields],
    *,
    root_value: Any,
    context_value: Any,
    variable_values: dict[str, Any] | None,
    operation_name: str | None,
    operation_extensions: dict[str, Any] | None,
) -> tuple[CompiledFields | None, AwaitableOrValue[Any]]:
    """graphql-core's execute with the executor made from the plan: what Executor.build finds
    in the document is the plan's, and the variables come from its coercer when they are plain
    (graphql-core's build coerces them, and reports errors, otherwise)."""
    middleware = MiddlewareManager()
    variables = plan.variables.coerce(variable_values)
    executor: Any
    if variables is None:
        executor = executor_class.build(
            plan.schema,
            plan.document,
            root_value,
            context_value,
            variable_values,
            operation_name,
            middleware=middleware,
            is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
            operation_extensions=operation_extensions,
        )
        if isinstance(executor, list):  # variables refused: errors only
            return None, GraphQLExecutionResult(None, errors=executor)
    else:
        executor = executor_class(
            plan.schema,
            plan.fragment_definitions,
            plan.fragments,
            root_value,
            context_value,
            plan.operation,
            variables,
            default_field_resolver,
            default_type_resolver,
            default_field_resolver,
            False,
            middleware,
            optimized_is_awaitable,
            operation_extensions=operation_extensions,
        )
    executor.operation_plan = plan
    return executor, executor.execute_operation()


def _release(executor: CompiledFields) -> None:
    """Break the executor's reference cycle once its operation has finished.

    graphql-core's executor keeps its own bound methods (`async_helpers`, for resolve infos):
    a cycle through which the executor, the request's context, its DataLoaders and every value
    they cached could only be freed by the cyclic collector, a collection of young objects
    every few small requests (docs/performance.md). Without it they go as soon as the answer
    is built."""
    executor.async_helpers = _RELEASED


def _gone(*_args: Any) -> Any:
    raise RuntimeError("the operation has finished executing")


_RELEASED = GraphQLResolveInfoHelpers(gather=_gone, track=_gone)
