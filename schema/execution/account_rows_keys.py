"""The account-and-rows plan's read found from a request's raw variables, for values seen before.

For every request the compiled account-and-rows plan (account_rows.py) coerced the variables
(variable_coercion.py), read the `accountId` and `metrics` arguments from them (argument_values.py)
and made the rows' filter (`checked_metric_filter`): about a tenth of SQLite's small request in
instructions (docs/performance.md). Yet from one request to the next only the account changes;
the filter comes from the same few values (`$month`), and coercing them again gives the same
filter every time: leaf scalars coerce a value the same way whenever they see it, and the
filter is a function of the arguments alone (`resolvers.metrics._filter_of`).

`KnownKeys`, built once per plan, keeps the filter each set of raw values of the `metrics`
field's variables gave (`remember`, after the whole coercion and the filter succeeded), and for a
later request with the same raw values (`find`) gives the same read: its account id, which must
be a string given for a `String!`/`ID!` variable (graphql-core's coercion of a string for those
types is the string) or a string literal, and that filter. The metric names of a filter are
checked against the request's known names again (another app's context may know fewer).

It applies only where that holds exactly: the account's only argument is `accountId`; the
`metrics` field has no `lastFullMonth` argument (its filter would depend on the request's today);
every variable of the operation is the account's or one of the field's, none both; the
values are strings, booleans, nulls, or lists of strings (each compared with its type, so that
`true` never stands for `1`). A value left out, or of any other kind, takes the full coercion,
which reports what is wrong."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    GraphQLID,
    GraphQLSchema,
    GraphQLString,
    NamedTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    StringValueNode,
    VariableNode,
    Visitor,
    visit,
)

from resolvers.context import RequestContext
from resolvers.loaders import account_rows_bound
from store.reads.entities import MetricFilter

# Kept filters per plan, at most (the distinct months and names a client asks for).
MAX_KEPT = 256

_MISSING = object()
# `_key`'s answer for values that take the full coercion (None is the key of a null).
_UNKEYED = object()
_PLAIN = frozenset({str, bool, type(None)})

# A known read: the account id, the filter, and the most rows its read returns (the bound that
# decides whether the reader runs it inline, found once with the filter).
KnownRead = tuple[str, MetricFilter, "int | None"]


class _Variables(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_variable(self, node: VariableNode, *_args: Any) -> None:
        self.names.add(node.name.value)


class KnownKeys:
    """The reads of one account-and-rows plan found from raw variables seen before."""

    __slots__ = ("_account_id", "_account_variable", "_found", "_one", "_variables")

    def __init__(
        self, account_variable: str | None, account_id: str | None, variables: tuple[str, ...]
    ) -> None:
        self._account_variable = account_variable
        self._account_id = account_id
        self._variables = variables
        # The filter's one variable (`$month`, the common operation): its value is the key.
        self._one = variables[0] if len(variables) == 1 else None
        self._found: dict[Any, tuple[MetricFilter, int | None]] = {}

    @classmethod
    def build(
        cls,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        account: FieldNode,
        metrics: FieldNode,
    ) -> KnownKeys | None:
        """The operation's known keys, or None where they would not give exactly its reads."""
        definitions = {
            definition.variable.name.value: definition
            for definition in operation.variable_definitions or ()
        }
        arguments = account.arguments or ()
        if len(arguments) != 1 or arguments[0].name.value != "accountId":
            return None
        value = arguments[0].value
        account_variable: str | None = None
        account_id: str | None = None
        if isinstance(value, VariableNode):
            account_variable = value.name.value
            definition = definitions.get(account_variable)
            type_ = None if definition is None else definition.type
            if (
                definition is None
                or definition.default_value is not None
                or definition.directives
                or not isinstance(type_, NonNullTypeNode)
                or not isinstance(type_.type, NamedTypeNode)
                # graphql-core's own String and ID: a string given is the value coerced.
                or schema.get_type(type_.type.name.value) not in (GraphQLString, GraphQLID)
            ):
                return None
        elif isinstance(value, StringValueNode):
            account_id = value.value
        else:
            return None
        finder = _Variables()
        for argument in metrics.arguments or ():
            if argument.name.value == "lastFullMonth":
                return None  # a filter of the request's today
            visit(argument.value, finder)
        variables = finder.names
        if account_variable in variables:
            return None
        used = variables | ({account_variable} if account_variable is not None else set())
        if set(definitions) != used:
            return None
        return cls(account_variable, account_id, tuple(sorted(variables)))

    def find(self, context: RequestContext, raw: dict[str, Any] | None) -> KnownRead | None:
        """The read of a request whose raw variables are `raw`, when its filter's values were
        seen before (None: the full coercion decides)."""
        given = raw or {}
        name = self._account_variable
        account_id = self._account_id if name is None else given.get(name)
        if type(account_id) is not str:
            return None
        one = self._one
        if one is None:
            key = self._key(given)
        else:
            key = given.get(one, _MISSING)
            if type(key) is not str:  # a month's text, the common value, is its own key
                key = _key_of_one(key)
        found = self._found.get(key) if key is not _UNKEYED else None
        if found is None:
            return None
        metric_filter, rows_at_most = found
        names = metric_filter.names
        if names and context.known_names.unknown(names):
            return None
        return account_id, metric_filter, rows_at_most

    def remember(self, raw: dict[str, Any] | None, metric_filter: MetricFilter) -> None:
        """Keep the filter that the full coercion of `raw` and the arguments gave."""
        given = raw or {}
        one = self._one
        key = self._key(given) if one is None else _key_of_one(given.get(one, _MISSING))
        if key is _UNKEYED:
            return
        found = self._found
        if len(found) >= MAX_KEPT:
            found.clear()
        found[key] = (metric_filter, account_rows_bound(metric_filter))

    def _key(self, given: dict[str, Any]) -> Any:
        parts: list[Any] = []
        for name in self._variables:
            value = given.get(name, _MISSING)
            kind = type(value)
            if kind is list:
                if not all(type(item) is str for item in value):
                    return _UNKEYED
                value = tuple(value)
            elif kind not in _PLAIN:
                return _UNKEYED  # left out (a default may apply), or another kind of value
            parts.append(kind)
            parts.append(value)
        return tuple(parts)


def _key_of_one(value: Any) -> Any:
    """The key of the one variable's value: the value itself, a list as a tuple. No two of the
    kinds taken compare equal (a string, a boolean, None, a tuple of strings), so the value
    needs no type beside it, as several variables' values do in `KnownKeys._key`."""
    kind = type(value)
    if kind is list:
        if not all(type(item) is str for item in value):
            return _UNKEYED
        return tuple(value)
    if kind not in _PLAIN:
        return _UNKEYED  # left out (a default may apply), or another kind of value
    return value
