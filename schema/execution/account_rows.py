"""The most common operation compiled whole: an account looked up by id, and its metric rows.

`account(accountId: $id) { metrics(effectiveDates: [$month]) { metricName value unit
effectiveDate } }` is most of the API's traffic. The direct path (direct.py) answers it without
graphql-core's executor, but still as a walk of fields: a resolve info and a Strawberry Info
for each resolver, the look-ahead that finds the `metrics` selection again and starts its read
(prefetch.py), the account's object, two loaders answered from one read, the rows' field
resolved and completed. For this one shape everything but the read and the completion of the
rows is known when the operation is planned, so `AccountRowsPlan` is built once per operation
plan and does per request only:

- the `accountId` and `metrics` arguments read from the coerced variables by the readers the
  plan built for those nodes (argument_values.py);
- the rows' filter built as the resolvers build it (`checked_metric_filter`, which is
  `resolvers.metrics.combined_filter` of what the look-ahead's `metric_arguments` makes);
- one load of the request's `account_with_metrics_by_key` DataLoader: the same loader, key and
  statement (the account joined to its rows under the scope's condition) as the look-ahead of
  the standard path, so statements, connections, statement sharing and the privacy scope are
  those of every other path;
- the account's leaves and its rows completed by the direct path's own completers (the scalars'
  serializers, a column at a time).

It applies only to an operation whose one root field is the `account` lookup registered by
`account_lookup` and whose selection on the account is the `metrics` field of the account level
(registered by schema/metrics_field.py) and leaves read as attributes, each of the plain shape
the direct path takes. Anything else in the request raises `Unusual`, and the operation is
answered by the direct path and then graphql-core, exactly as without this plan: an account
the key does not see or that does not exist (NOT_FOUND), a metric name this server does not
know (BAD_INPUT), a filter that matches nothing, a value a completer refuses. Those paths find
the account's read in the same DataLoader, so it is not read twice. The differential tests
compare its answers with the pipeline's (tests/schema/execution/differential/)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import orjson
from graphql import (
    FieldNode,
    GraphQLObjectType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues
from graphql.pyutils import Path

from resolvers.context import RequestContext
from resolvers.loaders import (
    AccountMetricsKey,
    Loaders,
    account_rows_bound,
    rows_json_query_now,
)
from schema.execution.account_rows_json import (
    ObjectWithTextRows,
    account_with_rows_json,
    row_fields,
)
from schema.execution.account_rows_keys import KnownKeys
from schema.execution.direct import PlannedField, Unusual, plain_query_root, planned_selection
from schema.execution.lean import plain_field
from schema.execution.variable_coercion import VariableCoercer
from schema.metrics_field import checked_metric_filter, metrics_level
from schema.request_deadline import fire_due
from store.reads.account_metrics import AccountWithMetrics
from store.reads.account_metrics_json import AccountWithRowsJson, RowField
from store.reads.entities import MetricFilter
from store.records import AccountRecord
from store.running.reader import KeysQueryNow
from store.scope import Scope
from store.tables import Level

if TYPE_CHECKING:
    from schema.execution.operation_plan import FieldPlan, OperationPlan

F = TypeVar("F", bound=Callable[..., Any])

# The root resolvers that answer `account(accountId:)` as the plan does (the look-ahead of the
# account's rows, then the account's object from its record), with that object's constructor.
_ACCOUNT_LOOKUPS: dict[Callable[..., Any], Callable[[AccountRecord], Any]] = {}


def account_lookup(to_object: Callable[[AccountRecord], Any]) -> Callable[[F], F]:
    """Declare a root resolver an account lookup whose answer is `to_object(record)` of the
    account the request's scope sees under its `accountId`, its rows read ahead."""

    def register(resolver: F) -> F:
        _ACCOUNT_LOOKUPS[resolver] = to_object
        return resolver

    return register


class AccountRowsPlan:
    """How to answer one planned operation of the account-and-rows shape."""

    __slots__ = (
        "_account",
        "_account_name",
        "_coercer",
        "_fields",
        "_known",
        "_last_query",
        "_metrics",
        "_path",
        "_row_fields",
        "_rows",
        "_rows_name",
        "_rows_only",
        "_to_object",
    )

    def __init__(
        self,
        account: FieldPlan,
        account_name: str,
        to_object: Callable[[AccountRecord], Any],
        fields: tuple[PlannedField, ...],
        rows: PlannedField,
        row_fields: tuple[RowField, ...] | None = None,
        known: KnownKeys | None = None,
        coercer: VariableCoercer | None = None,
    ) -> None:
        assert rows.resolver is not None
        # The coercer of the operation's variables (its plan's), for `answer_now`.
        self._coercer = coercer
        # The plain-call read `answer_now` last ran, with the filter and scope it reads under:
        # the next request of the same ones (the common case: only the account changes) runs
        # it again rather than making it anew.
        self._last_query: tuple[MetricFilter, Scope, KeysQueryNow[str, AccountWithRowsJson]] | None
        self._last_query = None
        # The reads of requests whose filter's values were seen before (answer_now's).
        self._known = known
        self._account = account
        self._account_name = account_name
        self._to_object = to_object
        self._fields = fields
        self._rows = rows
        self._rows_name = rows.name
        # The account's one field is its rows (the common operation): no entity to make.
        self._rows_only = fields == (rows,)
        self._metrics = rows.resolver
        # The rows as JSON text from the database, when it can write them (account_rows_json.py).
        self._row_fields = row_fields
        # The completers of a list of rows and of leaves use no path: one for every request.
        self._path = Path(None, account_name, "Query")

    @classmethod
    def build(cls, plan: OperationPlan) -> AccountRowsPlan | None:
        """The operation's plan of this shape, or None."""
        root_type = plain_query_root(plan)
        if root_type is None:
            return None
        selections = plan.operation.selection_set.selections
        if len(selections) != 1:
            return None
        (node,) = selections
        if not isinstance(node, FieldNode) or node.directives or node.name.value != "account":
            return None
        definition = root_type.fields.get("account")
        if definition is None:
            return None
        to_object = _lookup_of(definition.extensions)
        account = plan.field(root_type, node)
        account_type = get_nullable_type(definition.type)
        if to_object is None or account is None or not isinstance(account_type, GraphQLObjectType):
            return None
        try:
            fields = planned_selection(plan, account_type, node.selection_set, under_list=False)
        except Unusual:
            return None
        resolved = [field for field in fields if field.resolver is not None]
        if len(resolved) != 1 or not all(
            is_leaf_type(get_named_type(field.definition.type))
            for field in fields
            if field.resolver is None
        ):
            return None
        (rows,) = resolved
        rows_definition = plain_field(rows.definition.extensions)
        if (
            rows.nodes[0].name.value != "metrics"
            or rows_definition is None
            or rows_definition.base_resolver is None
            or metrics_level(rows_definition.base_resolver.wrapped_func) is not Level.ACCOUNT  # type: ignore[arg-type]
        ):
            return None
        name = node.alias.value if node.alias else node.name.value
        known = (
            KnownKeys.build(plan.schema, plan.operation, node, rows.nodes[0])
            if len(rows.nodes) == 1
            else None
        )
        return cls(
            account,
            name,
            to_object,
            fields,
            rows,
            row_fields(plan, fields, rows),
            known,
            plan.variables,
        )

    def answer_now(
        self, context: RequestContext, raw_variables: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """The operation's data when its read runs inline (SQLite's small read, with the rows
        as JSON text), read now without awaiting anything: what `execute` answers then, without
        its coroutines. None when it would not run so (nothing read: `execute` answers).
        Raises Unusual, or the read's error, once the read's outcome is handed to the
        request's loaders, as `execute` does. Its variables are coerced by the plan's coercer,
        unless their filter's values were seen before (account_rows_keys.py); None when they
        must be coerced by graphql-core.

        The most common request of the API: written out in one frame (the inline read's
        conditions, the read itself and the answer's object), as each call a request costs
        more than the work it frames."""
        row_fields = self._row_fields
        reader = context.reader
        if (
            row_fields is None
            or not context.rows_as_json
            # Only a reader that bounds its reads' rows runs them inline; one that shares
            # statements between requests never does (store/running/reader.py).
            or not reader.bounds_rows
            or reader.shares is not None
        ):
            return None
        known = self._known
        read = None if known is None else known.find(context, raw_variables)
        if read is None:
            coercer = self._coercer
            key = None if coercer is None else self._coerced_key(context, raw_variables, coercer)
            if key is None:
                return None
            account_id, metric_filter = key
            rows_at_most = account_rows_bound(metric_filter)
        else:
            account_id, metric_filter, rows_at_most = read
        scope = context.scope
        last = self._last_query
        if last is not None and last[0] is metric_filter and last[1] is scope:
            query = last[2]
        else:
            query = rows_json_query_now(metric_filter, scope, row_fields)
            self._last_query = (metric_filter, scope, query)
        try:
            # `account_rows_json_now` (resolvers/loaders.py), its read kept from the last request.
            accounts = reader.read_keys_now((account_id,), query, rows_at_most=rows_at_most)
        except Exception as error:
            # The path that takes over reports it.
            context.loaders.fail(AccountMetricsKey(account_id, metric_filter), error)
            raise
        if accounts is None:  # not run inline: nothing read
            return None
        found = accounts.get(account_id)
        if found is None:
            # The same account, scope and condition: the standard read would find nothing.
            context.loaders.keep(AccountMetricsKey(account_id, metric_filter), None)
            raise Unusual("no account of that id that the key sees")
        record, text = found
        if not self._rows_only:
            return self._data_of_text(account_id, record, text, row_fields)
        # `_data_of_text` of an account whose one field is its rows.
        if record.account_id != account_id:
            raise Unusual("an account found under another id")
        name = self._rows_name
        account = ObjectWithTextRows()
        account.rows_text = (name, text, row_fields)
        account[name] = orjson.Fragment(text)
        return {self._account_name: account}

    def _read_key(
        self,
        context: RequestContext,
        raw_variables: dict[str, Any] | None,
        coercer: VariableCoercer,
    ) -> AccountMetricsKey | None:
        """The account and filter the request reads, from the known keys when their values were
        seen before, else from the variables as `coercer` coerces them (None: graphql-core
        must); raises Unusual for another path."""
        known = self._known
        read = None if known is None else known.find(context, raw_variables)
        if read is not None:
            return AccountMetricsKey(read[0], read[1])
        return self._coerced_key(context, raw_variables, coercer)

    def _coerced_key(
        self,
        context: RequestContext,
        raw_variables: dict[str, Any] | None,
        coercer: VariableCoercer,
    ) -> AccountMetricsKey | None:
        """The account and filter the request reads, from its variables as `coercer` coerces
        them (None: graphql-core must), kept by the known keys; raises Unusual for another
        path."""
        variables = coercer.coerce(raw_variables)
        if variables is None:
            return None
        key = self._key(context, variables)
        known = self._known
        if known is not None:
            known.remember(raw_variables, key.metric_filter)
        return key

    def _key(self, context: RequestContext, variable_values: VariableValues) -> AccountMetricsKey:
        """The account and filter the request reads; raises Unusual for another path."""
        account_id = self._account.arguments.read(variable_values).get("accountId")
        if type(account_id) is not str:
            raise Unusual("an account id the resolver would convert")
        arguments = self._metrics.arguments.read(variable_values)
        names = arguments.get("names")
        if names is not None and context.known_names.unknown(names):
            raise Unusual("a metric name to check against the database")
        metric_filter = checked_metric_filter(arguments, context)
        if metric_filter.names == () or metric_filter.months == ():
            raise Unusual("a filter that matches nothing")
        return AccountMetricsKey(account_id, metric_filter)

    async def execute(
        self, context_value: Any, raw_variables: dict[str, Any] | None, coercer: VariableCoercer
    ) -> dict[str, Any]:
        """The operation's data (its variables as `answer_now` reads them); raises Unusual
        when another path must answer."""
        if not isinstance(context_value, RequestContext):
            raise Unusual("another kind of context")
        key = self._read_key(context_value, raw_variables, coercer)
        if key is None:
            raise Unusual("variables graphql-core must coerce")
        account_id = key.account_id
        loaders = context_value.loaders
        if self._row_fields is not None and context_value.rows_as_json:
            data, inline = await self._with_rows_json(account_id, key, loaders, self._row_fields)
            if inline and fire_due(asyncio.get_running_loop()):  # as below
                await asyncio.sleep(0)
            return data
        found, inline = await loaders.account_with_metrics_at_once(key)
        try:
            if found is None:
                raise Unusual("no account of that id that the key sees")
            data = {self._account_name: self._completed(account_id, found)}
        except BaseException:
            loaders.keep(key, found)  # the path that takes over reads nothing again
            raise
        # A read run inline awaits nothing, so the request's deadline could not stop it: past
        # it, the request is stopped here as the other paths' first await would stop it. A read
        # that awaited gave the deadline its chance, as the other paths' reads do.
        if inline and fire_due(asyncio.get_running_loop()):
            await asyncio.sleep(0)
        return data

    async def _with_rows_json(
        self,
        account_id: str,
        key: AccountMetricsKey,
        loaders: Loaders,
        row_fields: tuple[RowField, ...],
    ) -> tuple[dict[str, Any], bool]:
        """The answer's data with the rows as JSON text, and whether they were read inline."""
        record, text, inline = await account_with_rows_json(loaders, key, row_fields)
        return self._data_of_text(account_id, record, text, row_fields), inline

    def _data_of_text(
        self, account_id: str, record: AccountRecord, text: str, row_fields: tuple[RowField, ...]
    ) -> dict[str, Any]:
        """The answer's data of the account's record and its rows' JSON text."""
        if record.account_id != account_id:
            raise Unusual("an account found under another id")
        rows = self._rows
        account = ObjectWithTextRows()
        account.rows_text = (rows.name, text, row_fields)
        if self._rows_only:
            account[rows.name] = orjson.Fragment(text)
            return {self._account_name: account}
        path = self._path
        entity: Any = None
        for field in self._fields:
            if field is rows:
                account[field.name] = orjson.Fragment(text)
                continue
            if entity is None:
                entity = self._to_object(record)
            value = field.read(entity)  # type: ignore[misc]
            account[field.name] = field.complete(None, field, value, path, None)  # type: ignore[arg-type]
        return {self._account_name: account}

    def _completed(self, account_id: str, found: AccountWithMetrics) -> dict[str, Any]:
        record, rows = found
        if record.account_id != account_id:
            raise Unusual("an account found under another id")
        path = self._path
        account: dict[str, Any] = {}
        entity: Any = None
        for field in self._fields:
            if field is self._rows:
                value: Any = rows
            else:
                if entity is None:
                    entity = self._to_object(record)
                value = field.read(entity)  # type: ignore[misc]
            account[field.name] = field.complete(None, field, value, path, None)  # type: ignore[arg-type]
        return account


def _lookup_of(extensions: dict[str, Any]) -> Callable[[AccountRecord], Any] | None:
    field = plain_field(extensions)
    if field is None or field.base_resolver is None:
        return None
    resolver: Any = field.base_resolver.wrapped_func  # a plain function, or never registered
    return _ACCOUNT_LOOKUPS.get(resolver)
