"""Query limits, checked before execution: depth, aliases, tokens and a static cost.

The cost is an estimate of the rows a query can return: each field multiplies the rows of
everything under it by what one instance of it stands for, which each field declares beside
its definition (`metadata=field_cost(...)`, as Saleor's cost map does): a page size (`first`,
default 50), the number of requested metrics and months, or the size of its list as the store
holds it now (`typical("contracts_per_account", floor=5)`: the largest number of contracts of
any account, never less than 5); a field that declares nothing stands for one row. Values given
as variables count as their largest allowed size, since validation runs (and is cached) before
variables are known.

The sizes of the lists (`ListSizes`) are measured in the database by the server, at startup and
then every minute (server/list_sizes.py); until then, and for a schema no server refreshes, they
are 0 and the declared floors apply. Each schema has one `CurrentSizes` (`current_sizes(schema)`),
which the validation rule and the rate limiter both read.

Each key's queries are estimated with the sizes of the data it may see (`CurrentSizes.for_scope`),
because whether a query is refused, what a rate limit says it costs and when to retry would let
a key binary-search `first:` for any size it is estimated with:
- internal keys: the largest lists of the whole store;
- app keys: the largest lists among their own app's accounts; account keys: their own
  account's lists, not their app's largest, which would tell them other accounts' sizes
  (schema/scoped_sizes.py says which sizes each measures and why);
- public keys: `SHARED_SIZES`, which no data moves (each list at the floor its field declares).
So a huge query over a key's own large data is refused up front (max_cost) instead of running
until the request's time limit; rows beyond an estimate (a list that grew since the last
refresh) are charged to the key once it has them (server/rate_limits.py).

Verdicts are remembered per query text and the sizes it was estimated with, not per key: the
validation cache (one rule class per distinct sizes, `LimitsRules`), the prepared queries and
the rate limiter's costs. Keys whose sizes are equal (every key of a small app or account has
the floors) share them, and a scope whose sizes changed finds none of its old ones, so a
verdict is at most one refresh old; each cache is a bounded LRU, emptied when a refresh finds a
store-wide size changed (`CurrentSizes.version`).

Introspection is counted like any other field: its lists cost the sizes the schema gives them
(`__Schema.types` the number of types, `__Type.fields` the most fields of any type, and so on).
Its depth is not counted (GraphiQL's own introspection query nests `ofType` nine deep): its
cost bounds it, and graphql-core's own rule refuses the lists of `__Type` (`fields`,
`interfaces`, `possibleTypes`, `inputFields`) nested three deep. `__typename` is a leaf, free."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    get_named_type,
    is_abstract_type,
)
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from analytics.name_lists import first_and_more
from resolvers.error_codes import ErrorCode

# The sizes live in their own module (schema/scoped_sizes.py uses them too); named here as ever.
from schema.list_sizes import SHARED_SIZES as SHARED_SIZES
from schema.list_sizes import SIZE_NAMES as SIZE_NAMES
from schema.list_sizes import ListSizes as ListSizes
from schema.list_sizes import SizeName as SizeName
from schema.list_sizes import declare_floor
from schema.list_sizes import size_floors as size_floors
from schema.scoped_sizes import ScopedSizes
from settings import QueryLimits
from store.scope import Role, Scope

COST = "profiling.cost"
# Where a graphql-core schema keeps its current sizes (`GraphQLSchema.extensions`).
SIZES = "profiling.list_sizes"

# How many rows one instance of a field stands for, from its node (arguments as written) and
# the current sizes of the store's lists.
FieldCost = Callable[[FieldNode, ListSizes], int]

# Floors of the metrics of an entity without filters, and the largest page.
_TYPICAL_METRICS = 12
_TYPICAL_MONTHS = 24
_MAX_PAGE = 100
declare_floor("metric_definitions", _TYPICAL_METRICS)
declare_floor("months", _TYPICAL_MONTHS)


def field_cost(cost: FieldCost) -> dict[str, object]:
    """Field metadata that declares what one instance of the field costs."""
    return {COST: cost}


def _argument(node: FieldNode, name: str) -> Any:
    for argument in node.arguments or ():
        if argument.name.value == name:
            return argument.value
    return None


def _list_length(value: Any, default: int) -> int:
    if isinstance(value, ListValueNode):
        return max(len(value.values), 1)
    return default


def typical(size: SizeName, *, floor: int) -> FieldCost:
    """A list without a page argument: as long as the longest such list in the store now
    (`ListSizes.<size>`), and never counted shorter than `floor`."""
    if size not in SIZE_NAMES:
        raise ValueError(f"unknown list size {size!r}: one of {', '.join(SIZE_NAMES)}")
    declare_floor(size, floor)

    def cost(_node: FieldNode, sizes: ListSizes) -> int:
        measured: int = getattr(sizes, size)
        return max(floor, measured)

    return cost


def fixed(rows: int) -> FieldCost:
    """A list whose length the schema fixes (one entry per pair of enum values, say)."""

    def cost(_node: FieldNode, _sizes: ListSizes) -> int:
        return rows

    return cost


def page(*, default: int = 50) -> FieldCost:
    """A page of `first` items (`default` when not given; the largest page for a variable)."""

    def cost(node: FieldNode, _sizes: ListSizes) -> int:
        first = _argument(node, "first")
        if isinstance(first, IntValueNode):
            return max(1, min(int(first.value), _MAX_PAGE))
        return _MAX_PAGE if first is not None else default

    return cost


def metric_rows_cost(node: FieldNode, sizes: ListSizes) -> int:
    """An entity's metric rows: one per requested metric and month (without filters, every
    metric defined and every month with values, at least the typical 12 and 24)."""
    metrics = _list_length(
        _argument(node, "names"), max(_TYPICAL_METRICS, sizes.metric_definitions)
    )
    months = _list_length(_argument(node, "effectiveDates"), max(_TYPICAL_MONTHS, sizes.months))
    last = _argument(node, "lastFullMonth")
    if last is not None and getattr(last, "value", False) is True:
        months = 1
    return metrics * months


# The lists of the introspection types, by (type, field): sized from the schema itself.
IntrospectionSizes = Mapping[tuple[str, str], int]


def _introspection_sizes(schema: GraphQLSchema) -> dict[tuple[str, str], int]:
    types = list(schema.type_map.values())
    with_fields = [t for t in types if isinstance(t, GraphQLObjectType | GraphQLInterfaceType)]
    field_args = [len(f.args) for t in with_fields for f in t.fields.values()]
    sizes = {
        ("__Schema", "types"): len(types),
        ("__Schema", "directives"): len(schema.directives),
        ("__Type", "fields"): max((len(t.fields) for t in with_fields), default=0),
        ("__Type", "interfaces"): max((len(t.interfaces) for t in with_fields), default=0),
        ("__Type", "possibleTypes"): max(
            (len(schema.get_possible_types(t)) for t in types if is_abstract_type(t)),
            default=0,
        ),
        ("__Type", "enumValues"): max(
            (len(t.values) for t in types if isinstance(t, GraphQLEnumType)), default=0
        ),
        ("__Type", "inputFields"): max(
            (len(t.fields) for t in types if isinstance(t, GraphQLInputObjectType)), default=0
        ),
        ("__Field", "args"): max(field_args, default=0),
        ("__Directive", "args"): max((len(d.args) for d in schema.directives), default=0),
    }
    # Nothing is free: even an empty list is asked for.
    return {key: max(1, size) for key, size in sizes.items()}


class CurrentSizes:
    """The sizes a schema's estimates use now; the server replaces them as it measures."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.lists = ListSizes()
        self.scoped = ScopedSizes()
        self.introspection: IntrospectionSizes = _introspection_sizes(schema)
        # Counts the updates that changed a store-wide size, on which the caches of verdicts
        # are emptied (server/list_sizes.py). A change of one app's or account's sizes empties
        # nothing: every cache is keyed by the sizes a query is estimated with, so the scope
        # finds no verdict of its old sizes, and those age out of the bounded caches (an
        # active store changes some account's lists every minute: emptying them all for it
        # would validate every hot query of every key again each minute).
        self.version = 0

    def for_audience(self, *, exact: bool) -> ListSizes:
        """The store-wide sizes (`exact`: internal keys), or `SHARED_SIZES`."""
        return self.lists if exact else SHARED_SIZES

    def for_scope(self, scope: Scope) -> ListSizes:
        """The sizes a key of `scope` is estimated with: the store's for an internal key, its
        own app's or account's for an app or account key (schema/scoped_sizes.py), the floors
        for a public key. A dictionary look-up: it runs for every request."""
        role = scope.role
        if role is Role.INTERNAL:
            return self.lists
        # ScopedSizes.of_app and of_account, inlined: a call less on every request.
        scoped = self.scoped
        if role is Role.APP:
            return scoped.by_app.get(scope.app_id or "", scoped.base)
        if role is Role.ACCOUNT:
            return scoped.by_account.get(scope.account_id or "", scoped.base)
        return SHARED_SIZES

    def update(self, lists: ListSizes, scoped: ScopedSizes | None = None) -> bool:
        """Use `lists` (and the sizes of each scope, `scoped`) from now on; whether the
        store-wide sizes differ from those used so far (equal sizes keep the objects in use)."""
        if scoped is not None and scoped != self.scoped:
            self.scoped = scoped
        if lists == self.lists:
            return False
        self.lists = lists
        self.version += 1
        return True


def current_sizes(schema: GraphQLSchema) -> CurrentSizes:
    """The one `CurrentSizes` of a graphql-core schema (made at first use)."""
    found = schema.extensions.get(SIZES)
    if not isinstance(found, CurrentSizes):
        found = CurrentSizes(schema)
        schema.extensions[SIZES] = found
    return found


class _Measure:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        lists: ListSizes,
        introspection: IntrospectionSizes,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.lists = lists
        self.introspection = introspection
        self.aliases = 0
        self.depth = 0
        self.cost = 0
        # The fields that stand for more than one row each (lists, pages), by their path of
        # response keys: what a refusal tells a key that may not see the sizes behind them.
        self.multiplying: dict[str, None] = {}

    def selection_set(
        self,
        selections: SelectionSetNode,
        parent: GraphQLNamedType | None,
        depth: int,
        rows: int,
        seen: frozenset[str],
        path: str = "",
    ) -> None:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                if selection.alias is not None:
                    self.aliases += 1
                name = selection.name.value
                if name == "__typename":  # a leaf of every type
                    continue
                if not (name.startswith("__") or _is_introspection(parent)):
                    self.depth = max(self.depth, depth)
                multiplier, value_type = self._declared_cost(parent, selection)
                here = rows * multiplier
                key = selection.alias.value if selection.alias is not None else name
                where = f"{path}.{key}" if path else key
                if multiplier > 1 and not _is_introspection(parent):
                    self.multiplying[where] = None
                if selection.selection_set is not None:
                    # Rows are objects and list items; their scalar fields come with them.
                    self.cost += here
                    self.selection_set(
                        selection.selection_set, value_type, depth + 1, here, seen, where
                    )
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                narrowed = self._type(condition.name.value) if condition else parent
                self.selection_set(selection.selection_set, narrowed, depth, rows, seen, path)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                # A fragment cycle is reported by graphql-core's own rules: stop following it.
                if fragment is not None and name not in seen:
                    narrowed = self._type(fragment.type_condition.name.value)
                    self.selection_set(
                        fragment.selection_set, narrowed, depth, rows, seen | {name}, path
                    )

    def _declared_cost(
        self, parent: GraphQLNamedType | None, node: FieldNode
    ) -> tuple[int, GraphQLNamedType | None]:
        """What one instance of the field stands for, and the type of its value (if known)."""
        name = node.name.value
        if name == "__schema":  # the root's meta fields, in no type's fields
            return 1, self._type("__Schema")
        if name == "__type":
            return 1, self._type("__Type")
        if not isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            return 1, None
        field = parent.fields.get(name)
        if field is None:  # an unknown field: validation reports it
            return 1, None
        value_type = get_named_type(field.type)
        if _is_introspection(parent):
            return self.introspection.get((parent.name, name), 1), value_type
        definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
        cost: FieldCost | None = None
        if isinstance(definition, StrawberryField) and definition.metadata:
            cost = definition.metadata.get(COST)
        return (1 if cost is None else cost(node, self.lists)), value_type

    def _type(self, name: str) -> GraphQLNamedType | None:
        return self.schema.get_type(name)


def _is_introspection(parent: GraphQLNamedType | None) -> bool:
    return parent is not None and parent.name.startswith("__")


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def _measured(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    lists: ListSizes,
) -> _Measure:
    measure = _Measure(schema, fragments, lists, current_sizes(schema).introspection)
    root = schema.get_root_type(operation.operation)
    measure.selection_set(operation.selection_set, root, 1, 1, frozenset())
    return measure


def estimated_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    *,
    exact: bool = True,
    sizes: ListSizes | None = None,
) -> int:
    """The estimated rows of the operation a request runs (of the costliest one when the
    name does not pick one out: the executor will refuse the request then anyway), with
    `sizes`, by default the schema's current store-wide sizes (`exact`, for internal keys) or
    `SHARED_SIZES`."""
    lists = current_sizes(schema).for_audience(exact=exact) if sizes is None else sizes
    fragments = _fragments(document)
    operations = [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    chosen = [
        operation
        for operation in operations
        if operation.name is not None and operation.name.value == operation_name
    ]
    return max(
        (_measured(schema, operation, fragments, lists).cost for operation in chosen or operations),
        default=0,
    )


def limit_breaches(
    schema: GraphQLSchema,
    document: DocumentNode,
    limits: QueryLimits,
    *,
    exact: bool = True,
    sizes: ListSizes | None = None,
) -> list[str]:
    """Each operation of the document over a limit of depth, aliases or estimated cost, with
    the sentence that says which and by how much: what the validation rule of the same sizes
    refuses (`sizes`, by default as `estimated_cost`), so that the rate limiter can leave such
    a query uncharged (it never runs)."""
    lists = current_sizes(schema).for_audience(exact=exact) if sizes is None else sizes
    fragments = _fragments(document)
    return [
        breach.exact
        for operation in document.definitions
        if isinstance(operation, OperationDefinitionNode)
        for breach in _breaches(_measured(schema, operation, fragments, lists), limits)
    ]


@dataclass(frozen=True, slots=True)
class Breach:
    """A limit an operation is over, said two ways: `exact` with every figure, for internal
    keys; `shared` without the figures derived from the store's data, for every other key."""

    exact: str
    shared: str


# The list fields a refusal names at most.
_NAMED_LISTS = 8


def _breaches(measure: _Measure, limits: QueryLimits) -> list[Breach]:
    found = []
    if measure.depth > limits.max_depth:
        sentence = f"its depth is {measure.depth:,}, over the limit of {limits.max_depth:,}"
        found.append(Breach(sentence, sentence))
    if measure.aliases > limits.max_aliases:
        sentence = f"it has {measure.aliases:,} aliases, over the limit of {limits.max_aliases:,}"
        found.append(Breach(sentence, sentence))
    if measure.cost > limits.max_cost:
        # An internal key's estimate multiplies list sizes measured across every app (the
        # most companies of any account, say): only internal keys are told the figure. (An
        # app or account key's is of its own data, but the figure says nothing it needs.)
        shared = f"its estimated cost is over the limit of {limits.max_cost:,} rows"
        if measure.multiplying:
            paths = first_and_more(list(measure.multiplying), _NAMED_LISTS)
            shared += (
                f"; its lists multiply the rows: {paths}. Ask for smaller pages (first) or "
                "fewer nested lists at once"
            )
        found.append(
            Breach(
                f"its estimated cost is {measure.cost:,} rows, over the limit of "
                f"{limits.max_cost:,}",
                shared,
            )
        )
    return found


class QueryTooComplex(GraphQLError):
    """A refusal of the limits rule: its message is the shared wording, which any key may be
    told; `exact_message` is the one with every figure (schema/errors.py gives it to internal
    keys). Validation results are cached per query text, whoever asks: the key decides only
    when the response is made."""

    exact_message: str


class LimitsRules:
    """The limits rule of each set of sizes a query is estimated with (`CurrentSizes.for_scope`):
    one class per distinct `ListSizes`, kept while used (least recently used out first). The
    validation cache is keyed by the rule classes, so it keeps the verdicts of one query text
    apart per sizes (a class made per request would miss it every time); scopes with equal
    sizes (every small app at the floors) share their verdicts, and sizes no scope has any more
    are never asked for again and age out."""

    def __init__(self, limits: QueryLimits, *, maxsize: int = 256) -> None:
        self._limits = limits
        self._maxsize = maxsize
        self._rules: OrderedDict[ListSizes, type[ASTValidationRule]] = OrderedDict()

    def of(self, sizes: ListSizes) -> type[ASTValidationRule]:
        rules = self._rules
        rule = rules.get(sizes)
        if rule is None:
            rule = rules[sizes] = limits_rule(self._limits, sizes=sizes)
            if len(rules) > self._maxsize:
                rules.popitem(last=False)
        else:
            rules.move_to_end(sizes)
        return rule


def limits_rules(limits: QueryLimits) -> LimitsRules:
    return LimitsRules(limits)


def rule_sizes(rules: Iterable[type[ASTValidationRule]]) -> ListSizes | None:
    """The sizes the limits rule among `rules` estimates with (None: no rule with fixed sizes):
    what a verdict was reached with, to remember it under."""
    for rule in rules:
        sizes = getattr(rule, "estimated_with", None)
        if isinstance(sizes, ListSizes):
            return sizes
    return None


def limits_rule(
    limits: QueryLimits, *, exact: bool = True, sizes: ListSizes | None = None
) -> type[ASTValidationRule]:
    """The rule that refuses an operation over the limits, estimated with `sizes` (None: the
    schema's current store-wide sizes when `exact`, else `SHARED_SIZES`)."""

    class QueryLimitsRule(ASTValidationRule):
        # What its verdicts are reached with (rule_sizes).
        estimated_with: ClassVar[ListSizes | None] = sizes

        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self._context = context

        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            context = self._context
            lists = (
                current_sizes(context.schema).for_audience(exact=exact) if sizes is None else sizes
            )
            measure = _measured(context.schema, node, _fragments(context.document), lists)
            for breach in _breaches(measure, limits):
                error = QueryTooComplex(
                    f"Query refused: {breach.shared}",
                    node,
                    extensions={"code": ErrorCode.QUERY_TOO_COMPLEX},
                )
                error.exact_message = f"Query refused: {breach.exact}"
                self.report_error(error)

    return QueryLimitsRule
