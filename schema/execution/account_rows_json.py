"""An account's rows in a compiled plan's answer as JSON text the database writes.

The approach PostGraphile takes: for the compiled account-and-rows plan (account_rows.py),
the rows' list is read as the text of the answer's JSON array (store/reads/account_metrics_json.py,
one statement, the same join under the scope's condition as the standard read) and put in the
answer as an `orjson.Fragment`, which orjson writes as it is: no row is converted, completed or
serialized in Python. It applies when

- the rows' selection is fields the database can write exactly as the standard path writes
  them (`row_fields`): `metricName`, `value`, `unit`, `effectiveDate` (read as attributes, with
  the String, Decimal and Date scalars) and `__typename`, under any aliases, each at most once;
- the request's context says its answer is written by orjson (`RequestContext.rows_as_json`:
  the server's requests; an in-process caller of the schema gets Python values).

The account's own leaves are completed from its record as before. What is unusual is left to
the other paths as before, and they find the read's outcome in the request's DataLoader: an
account the key does not see is handed over as not found, the read's error as its error (so
neither reads again). The answer's object holding the text says how many rows it holds
(`ObjectWithTextRows`), for what counts an answer's rows (server/answer_rows.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import GraphQLObjectType, get_named_type

from resolvers.loaders import AccountMetricsKey, AccountRowsJsonKey, Loaders
from schema.execution.direct import PlannedField, Unusual, planned_selection
from schema.execution.lean import plain_field
from store.reads.account_metrics_json import RowColumn, RowField
from store.records import AccountRecord

if TYPE_CHECKING:
    from schema.execution.operation_plan import OperationPlan

# The row attributes the database writes, with the scalar each must be shown as.
_COLUMNS: dict[str, tuple[RowColumn, str]] = {
    "metric_name": (RowColumn.METRIC_NAME, "String"),
    "value": (RowColumn.VALUE, "Decimal"),
    "unit": (RowColumn.UNIT, "String"),
    "effective_date": (RowColumn.EFFECTIVE_DATE, "Date"),
}


class ObjectWithTextRows(dict[str, Any]):
    """An answer's object one of whose lists is JSON text: `text_rows` says how many objects
    it holds (by response name). orjson writes it as the dict it is."""

    __slots__ = ("rows_text",)

    # The list's response name, its text and its rows' fields, set by the maker (no Python
    # `__init__`: one an answer); counted when asked for, which only a rate-limited key's
    # charge does (server/answer_rows.py).
    rows_text: tuple[str, str, tuple[RowField, ...]]

    @property
    def text_rows(self) -> dict[str, int]:
        name, text, fields = self.rows_text
        return {name: rows_in(text, fields)}


# The account's leaves whose completers refuse no value the store holds. An Int (nEmployees)
# may be refused (SQLite keeps integers beyond 32 bits): the request then goes to the other
# paths, which need the rows as records, and the JSON text cannot be handed to them, so such
# an operation keeps the records' read (nothing is ever read twice).
_NEVER_REFUSED = frozenset({"String", "ID", "Boolean"})


def row_fields(
    plan: OperationPlan, account_fields: tuple[PlannedField, ...], rows: PlannedField
) -> tuple[RowField, ...] | None:
    """The rows' selection as fields the database writes, or None if any is another (or an
    account's leaf beside them could be refused)."""
    for field in account_fields:
        if (
            field is not rows
            and field.nodes[0].name.value != "__typename"
            and get_named_type(field.definition.type).name not in _NEVER_REFUSED
        ):
            return None
    row_type = get_named_type(rows.definition.type)
    if not isinstance(row_type, GraphQLObjectType):
        return None
    try:
        fields = planned_selection(plan, row_type, rows.nodes[0].selection_set, under_list=True)
    except Unusual:
        return None
    found: list[RowField] = []
    for field in fields:
        if field.nodes[0].name.value == "__typename":
            found.append(RowField(field.name, RowColumn.TYPE_NAME, row_type.name))
            continue
        if field.resolver is not None:
            return None
        strawberry_field = plain_field(field.definition.extensions)
        if strawberry_field is None or strawberry_field.default_resolver is not getattr:
            return None
        column = _COLUMNS.get(strawberry_field.python_name)
        if column is None or get_named_type(field.definition.type).name != column[1]:
            return None
        found.append(RowField(field.name, column[0]))
    # Each column at most once (under any alias): the statements are one per sequence of
    # columns (store/reads/account_metrics_json.py), a few hundred at most, where repeats
    # under aliases (`a: value b: value ...`) would make them as many as a client likes.
    if len({field.column for field in found}) < len(found):
        return None
    return tuple(found) if found else None


async def account_with_rows_json(
    loaders: Loaders, key: AccountMetricsKey, fields: tuple[RowField, ...]
) -> tuple[AccountRecord, str, bool]:
    """The account's record, its rows as JSON text, and whether they were read
    inline (`Loaders.account_rows_json_at_once`); raises Unusual (after handing the outcome to
    the standard read's loader) when no account of that id is seen."""
    try:
        found, inline = await loaders.account_rows_json_at_once(
            AccountRowsJsonKey(key.account_id, key.metric_filter, fields)
        )
    except Exception as error:
        loaders.fail(key, error)  # the path that takes over reports it
        raise
    if found is None:
        # The same account, scope and condition: the standard read would find nothing either.
        loaders.keep(key, None)
        raise Unusual("no account of that id that the key sees")
    record, text = found
    return record, text, inline


def rows_in(text: str, fields: tuple[RowField, ...]) -> int:
    """How many rows the JSON text of rows of `fields` holds."""
    # Each row's object starts with its first field's name; inside a JSON string a quote is
    # always escaped, so the pattern is found once per row and nowhere else.
    return text.count('{"' + fields[0].name + '":')
