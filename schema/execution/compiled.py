"""Executors that follow an operation's compiled plan (operation_plan.py) when they have one.

`execute_field` is graphql-core's own, step for step, except for two lines: the arguments come
from the plan's reader for that node instead of get_argument_values, and the resolver is called
directly (resolver_calls.py) instead of through Strawberry's wrapper. The info, the completion,
the awaiting and the error handling (paths, located errors, null propagation) are graphql-core's
methods. `collect_subfields` returns the subfields collected for the same nodes and type by an
earlier request when their selections hold no directive. Without a plan (the first request of
a text, a request whose variables graphql-core must coerce), or for a field the plan does not
cover, both are graphql-core's own."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from graphql import GraphQLObjectType, GraphQLOutputType
from graphql.execution.collect_fields import CollectedFields, FieldDetailsList
from graphql.execution.executor import to_nodes
from graphql.pyutils import AwaitableOrValue, Path
from graphql.pyutils.undefined import UndefinedType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from schema.execution.lean import LeanExecutor
from schema.execution.operation_plan import OperationPlan


class CompiledFields(StrawberryGraphQLCoreExecutionContext):
    """Reads arguments and calls resolvers by the operation's plan, when it has one."""

    # Set by execute_planned (prepared.py) on an executor it builds for a planned operation.
    operation_plan: OperationPlan | None = None

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> AwaitableOrValue[Any] | UndefinedType:
        plan = self.operation_plan
        details = field_details_list[0]
        field = (
            plan.field(parent_type, details.node)
            if plan is not None and details.fragment_variable_values is None
            else None
        )
        if field is None:
            return super().execute_field(
                parent_type, source, field_details_list, path, position_context
            )
        return_type = field.return_type
        info = self.build_resolve_info(
            field.definition, to_nodes(field_details_list), parent_type, path
        )
        try:
            arguments = field.arguments.read(self.variable_values, self.hide_suggestions)
            result = field.call(source, info, arguments)
            if self.is_awaitable(result):
                return self.complete_awaitable_value(
                    return_type, field_details_list, info, path, result, position_context
                )
            completed = self.complete_value(
                return_type, field_details_list, info, path, result, position_context
            )
            if self.is_awaitable(completed):
                return self._await_completed(completed, return_type, field_details_list, path)
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None
        return completed

    async def _await_completed(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        field_details_list: FieldDetailsList,
        path: Path,
    ) -> Any:
        try:
            return await completed
        except Exception as raw_error:
            self.handle_field_error(raw_error, return_type, field_details_list, path)
            return None

    def collect_subfields(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> CollectedFields:
        plan = self.operation_plan
        if plan is None or any(
            details.defer_usage is not None or details.fragment_variable_values is not None
            for details in field_details_list
        ):
            return super().collect_subfields(return_type, field_details_list)
        ids = plan.static(details.node for details in field_details_list)
        if ids is None:
            return super().collect_subfields(return_type, field_details_list)
        key = (return_type, ids)
        collected = plan.subfields(key)
        if collected is None:
            collected = super().collect_subfields(return_type, field_details_list)
            if not collected.new_defer_usages and not collected.forbidden_directive_instances:
                plan.keep_subfields(key, collected)
        return collected


class CompiledLeanExecutor(CompiledFields, LeanExecutor):
    """The lean executor (lists of flat objects a column at a time), following plans."""


class CompiledStandardExecutor(CompiledFields):
    """graphql-core's completion as Strawberry runs it, following plans."""
