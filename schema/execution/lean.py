"""An executor that completes lists of flat objects a column at a time.

graphql-core completes every field of every object on its own: a resolve-info object, an
awaitable check, a path entry and a leaf coercion for each, about 5 us per field. For the hot
shape of this API, lists of objects whose selected fields are all leaves (MetricRow rows,
entity attributes), LeanExecutor computes each selected field for the whole list in one pass
and zips the columns into the response objects (about 0.3 us per field).

It stays exactly GraphQL because it decides nothing the standard executor could decide
differently: graphql-core itself collects the selection (aliases, fragments, `__typename`,
@skip/@include), coerces the arguments and, through each scalar, the leaf values. Whatever it
does not handle, and any exception on the way (a null in a non-null field, an unknown locale,
a value its scalar refuses), sends that list to the standard completion. Repeating the work
there is safe because plain attributes and column forms (schema.execution.columns) have no side
effects, so errors, their paths and null propagation are the standard executor's own.

Lists that take the standard completion: items that are not objects of one concrete type or
are null, a selected field whose resolver is neither a plain attribute nor a declared column
or batch form, field extensions or resolver middleware, @defer and @stream, async iterables,
and item or value types other than plain Python values.

Lists of objects nest: a field of one object per row read as an attribute (a connection edge's
node) is completed for the whole list by a plan of its own, and so is a list-of-objects field
whose resolver declares a batch form (schema.execution.columns: an entity's `metrics`): one call
loads the rows of every entity of the list, instead of graphql-core resolving the field entity by
entity (about 40 us each: resolve info, arguments, a coroutine, a task). Its read starts when
the list is completed, so the lists of sibling pages share one DataLoader batch. If anything
fails once the reads are in, the list is completed again by the standard executor, whose
resolvers find the same rows in the DataLoaders' caches, or raise the same error at its path.

A plan depends only on the selection's nodes, the schema and the values of the variables the
selection uses, so plans are kept across requests (`SharedPlans`): a hot query builds its plans
once, not once per request."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from inspect import isawaitable
from operator import attrgetter
from types import CoroutineType, GeneratorType
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLBoolean,
    GraphQLField,
    GraphQLID,
    GraphQLLeafType,
    GraphQLList,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLString,
    TypeNameMetaFieldDef,
    VariableNode,
    Visitor,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
    visit,
)
from graphql.execution.collect_fields import FieldDetails, FieldDetailsList
from graphql.execution.values import VariableValues, get_argument_values
from graphql.pyutils import AwaitableOrValue, Path, Undefined
from graphql.pyutils.undefined import UndefinedType
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.arguments import convert_arguments
from strawberry.types.field import StrawberryField

from schema.execution import internals
from schema.execution.acyclic_helpers import acyclic_helpers
from schema.execution.columns import BATCH, COLUMN
from store.column_rows import ColumnRows
from store.running.gc_pause import paused_for

# A list of rows, or rows kept as columns (store/column_rows.py).
Rows = Sequence[Any]
Reader = Callable[[Rows], Sequence[Any]]
# A column gives one value per row: a list, or (for a batch form) an awaitable of one that
# is already under way, so that the reads of sibling lists share their DataLoader batches.
Column = Callable[[Rows, GraphQLResolveInfo[Any]], "list[Any] | Awaitable[list[Any]]"]

# Values whose type alone says they are neither awaitable nor an error; anything else (enums,
# custom objects) takes the standard path, which knows how to complete it.
_PLAIN_VALUE_TYPES = frozenset({str, int, float, bool, type(None), Decimal, dt.date, dt.datetime})
_NULL_TYPES = frozenset({type(None), UndefinedType})


class _NotLean(Exception):
    """The list at hand goes to the standard completion."""


@dataclass(frozen=True, slots=True)
class _ListPlan:
    """How to complete one selection on lists of one object type: a column per response key."""

    names: tuple[str, ...]
    columns: tuple[Column, ...]
    is_type_of: Callable[[Any, GraphQLResolveInfo[Any]], Any] | None
    # Per column: whether it waits for reads (its value is an awaitable already under way).
    column_waits: tuple[bool, ...]

    @property
    def waits(self) -> bool:
        return any(self.column_waits)

    def complete(
        self, items: Rows, info: GraphQLResolveInfo[Any]
    ) -> list[dict[str, Any]] | Awaitable[list[dict[str, Any]]]:
        if type(items) is list:
            if not all(map(_is_plain_row_type, set(map(type, items)))):
                raise _NotLean
        elif not isinstance(items, ColumnRows) or not _is_plain_row_type(items.row_type):
            raise _NotLean  # rows kept as columns are of one type
        is_type_of = self.is_type_of
        if is_type_of is not None and not all(is_type_of(item, info) is True for item in items):
            raise _NotLean
        if not self.columns:  # every field skipped by a directive: empty objects
            return [{} for _ in items]
        # Every column has one value per item (readers check the lengths of column forms).
        build = _object_builder(self.names)
        if not self.waits:
            columns: list[Any] = [column(items, info) for column in self.columns]
            return list(map(build, *columns))
        # Columns that compute come first, so that a failure there starts no read.
        values: list[Any] = [None] * len(self.columns)
        try:
            for waiting in (False, True):
                for position, column in enumerate(self.columns):
                    if self.column_waits[position] is waiting:
                        values[position] = column(items, info)
        except BaseException:
            _abandon(values)
            raise
        return _build_when_settled(build, values)


async def _build_when_settled(
    build: Callable[..., dict[str, Any]], values: list[Any]
) -> list[dict[str, Any]]:
    """The objects once every column is there; the first error in column order otherwise,
    after every column has finished (nothing is left running, as in field_gathering)."""
    settled = await _settled(values)
    return list(map(build, *settled))


async def _completed_lists(
    reading: Awaitable[Sequence[Any]],
    plan: _ListPlan,
    info: GraphQLResolveInfo[Any],
    count: int,
    non_null: bool,
) -> list[Any]:
    """A batch form's lists, each completed by the plan of their objects."""
    lists = await reading
    if len(lists) != count:
        raise _NotLean
    if not plan.waits:
        return _completed_together(lists, plan, info, non_null)
    completed: list[Any] = []
    try:
        for items in lists:
            if items is None:
                if non_null:
                    raise _NotLean
                completed.append(None)
            elif type(items) is not list and not isinstance(items, ColumnRows):
                raise _NotLean
            else:
                completed.append(plan.complete(items, info))
    except BaseException:
        _abandon(completed)
        raise
    if plan.waits:
        return await _settled(completed)
    return completed


# Reads left behind by a list that went to the standard path; kept until they end (the event
# loop holds tasks weakly).
_abandoned: set[asyncio.Future[Any]] = set()


def _abandon(values: list[Any]) -> None:
    """Columns already under way when a later one failed: they run to their end beside the
    standard completion, which then finds their rows in the DataLoaders' caches, and their
    outcome is dropped (as fields beside a failed one run to their end, field_gathering)."""
    pending = [value for value in values if isawaitable(value)]
    if pending:
        drained = asyncio.ensure_future(asyncio.gather(*pending, return_exceptions=True))
        _abandoned.add(drained)
        drained.add_done_callback(_abandoned.discard)


async def _settled(values: list[Any]) -> list[Any]:
    pending = [value for value in values if isawaitable(value)]
    results = iter(await asyncio.gather(*pending, return_exceptions=True))
    settled = [next(results) if isawaitable(value) else value for value in values]
    for value in settled:
        if isinstance(value, BaseException):
            raise value
    return settled


def _completed_together(
    lists: Sequence[Any], plan: _ListPlan, info: GraphQLResolveInfo[Any], non_null: bool
) -> list[Any]:
    """Every entity's rows completed in one pass of the plan, then cut back into one list per
    entity: the same objects as list by list (a column gives each row the value it gives it in
    any list), without a pass of every column per entity (100 accounts: 400 column calls).
    Rows kept as columns (store/column_rows.py) are joined as columns: the plan then takes each
    attribute of all of them as one slice of a column, and no record is built.

    The collector is paused for that pass when it is large (store/running/gc_pause.py): it
    allocates a dict and a few values per row, none of which can be in a cycle, and 12,000 rows
    set off collections that traverse them again and again (a quarter of the pass's time in a
    profile)."""
    rows = _joined(lists, non_null)
    with paused_for(len(rows)):
        objects = plan.complete(rows, info)
    if isawaitable(objects):  # a plan that waits is completed list by list
        raise TypeError("a plan without reads gave an awaitable")
    completed: list[Any] = []
    start = 0
    for items in lists:
        if items is None:
            completed.append(None)
        else:
            end = start + len(items)
            completed.append(objects[start:end])
            start = end
    return completed


def _joined(lists: Sequence[Any], non_null: bool) -> Rows:
    """The rows of every list one after the other (null lists left out), as columns when every
    list keeps its rows as columns of one kind."""
    kinds = set(map(type, lists))
    if len(kinds - _NULL_TYPES) == 1:
        (kind,) = kinds - _NULL_TYPES
        if issubclass(kind, ColumnRows) and not (non_null and type(None) in kinds):
            joined = kind.joined([items for items in lists if items is not None])
            if joined is not None:
                return joined
    rows: list[Any] = []
    for items in lists:
        if items is None:
            if non_null:
                raise _NotLean
        elif type(items) is list or isinstance(items, ColumnRows):
            rows += items
        else:
            raise _NotLean
    return rows


@lru_cache(maxsize=1024)
def _object_builder(names: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    """A function that makes one response object of its field values, in selection order.

    A dict display runs about twice as fast as dict(zip(names, values)), a tenth of a large
    response's time. The response names are bound as the function's globals, never written
    into its source: the source holds only generated identifiers."""
    keys = {f"k{position}": name for position, name in enumerate(names)}
    parameters = ", ".join(f"v{position}" for position in range(len(names)))
    items = ", ".join(f"k{position}: v{position}" for position in range(len(names)))
    builder: Callable[..., dict[str, Any]] = eval(  # generated source, see above
        f"lambda {parameters}: {{{items}}}", {"__builtins__": {}, **keys}
    )
    return builder


@cache
def _is_plain_row_type(kind: type) -> bool:
    """Whether complete_value would treat every item of this type as a plain object: not
    null, not an error, not awaitable (decided by the type, as for records and dataclasses)."""
    return not (
        kind is type(None)
        or issubclass(kind, (BaseException, CoroutineType, GeneratorType))
        or hasattr(kind, "__await__")
        or hasattr(kind, "__getattr__")
    )


_DATE_ONLY = {dt.date}


class _Memo(dict[Any, Any]):
    """A leaf type's outputs by value, for values that repeat across rows (the months of
    metric rows): a dict lookup in C instead of a serialization per row. Bounded, since the
    values come from data; what the leaf type refuses raises as it would unmemoized, and a
    null output is never kept (it sends the list to the standard path)."""

    MAX_SIZE = 4096

    def __init__(self, coerce: Callable[[Any], Any]) -> None:
        super().__init__()
        self._coerce = coerce

    def __missing__(self, value: Any) -> Any:
        coerced = self._coerce(value)
        if coerced is None or coerced is Undefined:  # a null for a value: the standard path
            raise _NotLean
        if len(self) >= self.MAX_SIZE:
            self.clear()
        self[value] = coerced
        return coerced


def _leaf_completer(
    leaf_type: GraphQLLeafType, non_null: bool
) -> Callable[[Sequence[Any]], list[Any]]:
    """complete_value for a column of leaf values, raising _NotLean where it would raise."""
    coerce = leaf_type.coerce_output_value
    # graphql-core's String and ID return a str unchanged, Boolean a bool.
    unchanged: type | None = None
    if leaf_type is GraphQLString or leaf_type is GraphQLID:
        unchanged = str
    elif leaf_type is GraphQLBoolean:
        unchanged = bool

    dates = _Memo(coerce)

    def coerce_present(value: Any) -> Any:
        if value is None:
            return None
        coerced = coerce(value)
        if coerced is None or coerced is Undefined:
            raise _NotLean
        return coerced

    def complete(values: Sequence[Any]) -> list[Any]:
        kinds = set(map(type, values))
        if not kinds <= _PLAIN_VALUE_TYPES:
            raise _NotLean
        if type(None) in kinds:
            if non_null:
                raise _NotLean
            return [coerce_present(value) for value in values]
        if unchanged is not None and kinds <= {unchanged}:
            return list(values)
        if kinds == _DATE_ONLY:  # a handful of months, repeated on every row
            return list(map(dates.__getitem__, values))  # the memo holds no null
        completed = list(map(coerce, values))
        # str (the Decimal scalar's serialization) gives a string for every value.
        if coerce is not str and not _NULL_TYPES.isdisjoint(map(type, completed)):
            raise _NotLean
        return completed

    return complete


def _leaf_of(field_type: GraphQLOutputType) -> tuple[GraphQLLeafType, bool] | None:
    non_null = is_non_null_type(field_type)
    named = field_type.of_type if non_null else field_type  # type: ignore[union-attr]
    return (named, non_null) if is_leaf_type(named) else None


def _unwrapped_field(extensions: dict[str, Any]) -> StrawberryField | None:
    """The Strawberry field behind a GraphQL field, when nothing wraps its resolver (field
    extensions, a get_result of its own): only then may its value be read around it."""
    field = extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(field, StrawberryField) or field.extensions:
        return None
    if type(field).get_result is not StrawberryField.get_result:
        return None
    return field


def _attribute_reader(field: StrawberryField) -> Reader:
    """A plain field: strawberry reads it with its default resolver, getattr unless configured."""
    name = field.python_name
    resolve = field.default_resolver
    if resolve is getattr:
        get = attrgetter(name)

        def read(rows: Rows) -> Sequence[Any]:
            if type(rows) is not list and isinstance(rows, ColumnRows):
                column = rows.column(name)  # rows kept as columns: a slice of one
                if column is not None:
                    return column
            return list(map(get, rows))

        return read
    return lambda rows: [resolve(row, name) for row in rows]


_Nodes = tuple[FieldNode, ...]
_PlanKey = tuple[GraphQLObjectType, tuple[int, ...], tuple[tuple[str, bytes], ...]]


class _VariableCollector(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.variables: set[str] = set()
        self.fragments: set[str] = set()

    def enter_variable(self, node: VariableNode, *_args: Any) -> None:
        self.variables.add(node.name.value)

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: Any) -> None:
        self.fragments.add(node.name.value)


def _variables_used(
    nodes: Iterable[FieldNode], fragments: dict[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """Names of the variables in the nodes (arguments, directives, sub-selections), following
    fragment spreads: the variables a plan for these nodes can depend on."""
    collector = _VariableCollector()
    pending: list[Any] = list(nodes)
    visited: set[str] = set()
    while pending:
        visit(pending.pop(), collector)
        for name in collector.fragments - visited:
            visited.add(name)
            if name in fragments:
                pending.append(fragments[name])
    return tuple(sorted(collector.variables))


class SharedPlans:
    """Plans across requests, keyed by object type, selection nodes and the values of the
    variables those nodes use; least recently used out first.

    Each entry keeps its nodes alive, so that their ids, part of the key, are not reused by
    another document while the entry exists."""

    def __init__(self, maxsize: int = 4096) -> None:
        self._maxsize = maxsize
        self._plans: OrderedDict[_PlanKey, tuple[_Nodes, _ListPlan | None]] = OrderedDict()
        self._variables: OrderedDict[tuple[int, ...], tuple[_Nodes, tuple[str, ...]]]
        self._variables = OrderedDict()

    def __len__(self) -> int:
        return len(self._plans)

    def variables_used(
        self, nodes: _Nodes, fragments: dict[str, FragmentDefinitionNode]
    ) -> tuple[str, ...]:
        ids = tuple(map(id, nodes))
        found = self._variables.get(ids)
        if found is None:
            found = (nodes, _variables_used(nodes, fragments))
            self._keep(self._variables, ids, found)
        return found[1]

    def get(self, key: _PlanKey) -> tuple[_Nodes, _ListPlan | None] | None:
        found = self._plans.get(key)
        if found is not None:
            self._plans.move_to_end(key)
        return found

    def put(self, key: _PlanKey, nodes: _Nodes, plan: _ListPlan | None) -> None:
        self._keep(self._plans, key, (nodes, plan))

    def _keep(self, entries: OrderedDict[Any, Any], key: Any, value: Any) -> None:
        entries[key] = value
        while len(entries) > self._maxsize:
            entries.popitem(last=False)


def _frozen_variables(
    names: tuple[str, ...], variables: VariableValues
) -> tuple[tuple[str, bytes], ...] | None:
    """The variables' values and sources as a key, or None for a value that cannot be one."""
    frozen = []
    for name in names:
        source = variables.sources.get(name)
        try:
            value = orjson.dumps(
                [
                    name in variables.coerced,
                    variables.coerced.get(name),
                    source is None,
                    source is not None and source.value is Undefined,
                ],
                default=repr,
                option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
            )
        except TypeError:
            return None
        frozen.append((name, value))
    return tuple(frozen)


class LeanExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with lists of flat objects completed column by column."""

    # One per process, shared by every request and schema (keys hold the object type).
    shared_plans = SharedPlans()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Without a cycle through the executor: the request's rows are freed with it.
        self.async_helpers = acyclic_helpers(self)
        # Middleware wraps every resolver: then nothing can be read around it.
        middleware = self.middleware_manager
        self._lean = middleware is None or not middleware.middlewares
        # Keyed like graphql-core's own subfield cache: one plan per selection and type,
        # the key's list kept alive so that its id is not reused during execution.
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, _ListPlan | None]]
        self._plans = {}

    def complete_list_value(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[list[Any]]:
        # A position context means deferred delivery is under way: left to graphql-core.
        if self._lean and position_context is None and type(result) is list:
            completed = self._complete_lean(return_type, field_details_list, info, path, result)
            if completed is not None:
                return completed
        return super().complete_list_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _complete_lean(
        self,
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Rows,
    ) -> AwaitableOrValue[list[Any]] | None:
        item_type = return_type.of_type
        if is_non_null_type(item_type):
            item_type = item_type.of_type
        if not is_object_type(item_type):
            return None
        plan = self._plan(item_type, field_details_list, path)
        if plan is None:
            return None
        try:
            completed = plan.complete(items, info)
        except Exception:  # _NotLean, or what a reader raised: the standard path decides
            return None
        if isawaitable(completed):
            return self._lean_or_standard(
                completed, return_type, field_details_list, info, path, items
            )
        return completed

    async def _lean_or_standard(
        self,
        completed: Awaitable[list[Any]],
        return_type: GraphQLList[GraphQLOutputType],
        field_details_list: FieldDetailsList,
        info: GraphQLResolveInfo[Any],
        path: Path,
        items: Rows,
    ) -> list[Any]:
        """The lean answer once its reads are in; if anything failed on the way, the standard
        completion, whose resolvers meet the same reads in the DataLoaders' caches (or the
        same error) and report errors at their own paths."""
        try:
            return await completed
        except Exception:
            standard = super().complete_list_value(
                return_type, field_details_list, info, path, items, None
            )
            return await standard if isawaitable(standard) else standard

    def _plan(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList, path: Path
    ) -> _ListPlan | None:
        key = (object_type, id(field_details_list))
        cached = self._plans.get(key)
        if cached is None:
            cached = (field_details_list, self._shared_plan(object_type, field_details_list, path))
            self._plans[key] = cached
        return cached[1]

    def _shared_plan(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList, path: Path
    ) -> _ListPlan | None:
        # Deferred fields, and fragment arguments (whose values are not in the key), are
        # planned for this request alone.
        if any(
            details.defer_usage is not None or details.fragment_variable_values is not None
            for details in field_details_list
        ):
            return self._build_plan(object_type, field_details_list, path)
        nodes = tuple(details.node for details in field_details_list)
        used = self.shared_plans.variables_used(nodes, self.fragment_definitions)
        variables = _frozen_variables(used, self.variable_values)
        if variables is None:
            return self._build_plan(object_type, field_details_list, path)
        key = (object_type, tuple(map(id, nodes)), variables)
        found = self.shared_plans.get(key)
        if found is None:
            plan = self._build_plan(object_type, field_details_list, path)
            self.shared_plans.put(key, nodes, plan)
            return plan
        return found[1]

    def _build_plan(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList, path: Path
    ) -> _ListPlan | None:
        if any(details.defer_usage is not None for details in field_details_list):
            return None
        try:
            if self.get_stream_usage(field_details_list, path) is not None:
                return None
            grouped, new_defer_usages, _ = self.collect_subfields(object_type, field_details_list)
        except Exception:  # a bad @stream or fragment: the standard path reports it
            return None
        if new_defer_usages:
            return None
        names: list[str] = []
        columns: list[Column] = []
        waits: list[bool] = []
        for response_name, details in grouped.items():
            found = self._column(object_type, details, path)
            if found is None:
                return None
            names.append(response_name)
            columns.append(found[0])
            waits.append(found[1])
        return _ListPlan(tuple(names), tuple(columns), object_type.is_type_of, tuple(waits))

    def _column(
        self, object_type: GraphQLObjectType, details_list: FieldDetailsList, path: Path
    ) -> tuple[Column, bool] | None:
        """The field's column, and whether it waits for reads (then it gives an awaitable)."""
        details = details_list[0]
        field_def = self.schema.get_field(object_type, details.node.name.value)
        if field_def is None:
            return None
        leaf = _leaf_of(field_def.type)
        if leaf is None:
            return self._object_column(field_def, details_list, path)
        complete = _leaf_completer(*leaf)
        read: Reader | None
        if field_def is TypeNameMetaFieldDef:
            type_name = object_type.name
            read = lambda rows: [type_name] * len(rows)  # noqa: E731
        else:
            read = self._reader(field_def.extensions, field_def, details)
        if read is None:
            return None
        reader = read
        return (lambda rows, _info: complete(reader(rows))), False

    def _object_column(
        self, field_def: GraphQLField, details_list: FieldDetailsList, path: Path
    ) -> tuple[Column, bool] | None:
        """A field of objects completed for the whole list by a plan of its own: one object
        per row read as an attribute (a connection edge's node), or a list of objects per
        row from the field's batch form (an entity's metric rows)."""
        field_type = field_def.type
        non_null = is_non_null_type(field_type)
        named = field_type.of_type if non_null else field_type  # type: ignore[union-attr]
        if is_object_type(named):
            read = self._reader(field_def.extensions, field_def, details_list[0])
            plan = self._build_plan(named, details_list, path)
            if read is None or plan is None:
                return None
            reader, object_plan = read, plan

            def objects(rows: Rows, info: GraphQLResolveInfo[Any]) -> Any:
                values = list(reader(rows))
                if any(value is None for value in values):  # nulls: the standard path
                    raise _NotLean
                return object_plan.complete(values, info)

            return objects, plan.waits
        if not isinstance(named, GraphQLList) or not is_non_null_type(named.of_type):
            return None
        item_type = named.of_type.of_type
        if not is_object_type(item_type):
            return None
        batch = self._batch(field_def, details_list[0])
        plan = self._build_plan(item_type, details_list, path)
        if batch is None or plan is None:
            return None
        form, lists_plan = batch, plan

        def lists(rows: Rows, info: GraphQLResolveInfo[Any]) -> Awaitable[list[Any]]:
            # Started now, so that sibling lists' reads join the same DataLoader batch.
            reading = asyncio.ensure_future(form(rows, info.context))
            return _completed_lists(reading, lists_plan, info, len(rows), non_null)

        return lists, True

    def _reader(
        self, extensions: dict[str, Any], field_def: Any, details: FieldDetails
    ) -> Reader | None:
        field = _unwrapped_field(extensions)
        if field is None:
            return None
        if is_default_resolver(field_def.resolve) and not details.node.arguments:
            return _attribute_reader(field)
        form = field.metadata.get(COLUMN) if field.metadata else None
        if form is None:
            return None
        kwargs = self._python_arguments(field, field_def, details)
        if kwargs is None:
            return None

        def read(rows: Rows) -> Sequence[Any]:
            values: Sequence[Any] = form(rows, **kwargs)
            if len(values) != len(rows):
                raise _NotLean
            return values

        return read

    def _batch(
        self, field_def: GraphQLField, details: FieldDetails
    ) -> Callable[[Rows, Any], Awaitable[Sequence[Any]]] | None:
        """The field's batch form with this selection's arguments bound, if it declares one."""
        field = _unwrapped_field(field_def.extensions)
        if field is None:
            return None
        form = field.metadata.get(BATCH) if field.metadata else None
        if form is None:
            return None
        kwargs = self._python_arguments(field, field_def, details)
        if kwargs is None:
            return None
        return lambda rows, context: form(rows, context, **kwargs)

    def _python_arguments(
        self, field: StrawberryField, field_def: GraphQLField, details: FieldDetails
    ) -> dict[str, Any] | None:
        """The field's arguments as its resolver receives them; None for a bad argument."""
        try:
            # The same coercion and conversion as the per-row resolver, done once per list.
            arguments = get_argument_values(
                field_def,
                details.node,
                self.variable_values,
                details.fragment_variable_values,
                self.hide_suggestions,
            )
            strawberry_schema = internals.strawberry_schema(self.schema)
            kwargs = convert_arguments(
                arguments,
                field.arguments,
                scalar_registry=strawberry_schema.schema_converter.scalar_registry,
                config=strawberry_schema.config,
            )
        except Exception:  # a bad argument: the standard path reports it at every row
            return None
        return kwargs


# Shared with the direct path of plain operations (direct.py), which completes leaves and rows
# exactly as these lists are completed.
leaf_column = _leaf_completer
plain_field = _unwrapped_field
object_builder = _object_builder


def is_plain_row_type(kind: type) -> bool:
    return _is_plain_row_type(kind)
