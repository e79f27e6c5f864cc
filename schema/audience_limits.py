"""The schema extension that checks a request's query against the limits rule of the sizes its
key's scope is estimated with (schema/limits.py): internal keys' queries by the sizes measured
in the whole store, app and account keys' by those measured within their own data, public
keys' by sizes that no data moves."""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from schema.audience import sizes_told
from schema.execution import internals
from schema.limits import LimitsRules


class QueryLimitsOfAudience(SchemaExtension):
    def __init__(self, rules: LimitsRules) -> None:
        self._rules = rules

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        sizes = sizes_told(internals.graphql_schema(context.schema), context.context)
        context.validation_rules = (*context.validation_rules, self._rules.of(sizes))
        yield
