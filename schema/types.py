"""The GraphQL object types of the contract.

Row fields are plain attributes read straight off the store's records (graphql-core charges
about 5 us per resolved field, so nothing per row is computed in a resolver that need not be)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError

from resolvers import benchmarks
from resolvers import metrics as metric_resolvers
from resolvers.context import RequestContext
from resolvers.errors import cohort_too_small
from resolvers.formatting import formatted_value, formatted_values
from resolvers.global_ids import encode_global_id
from resolvers.loaders import PageKey
from resolvers.pagination import check_first, decode_cursor, encode_cursor
from schema.benchmark_types import CustomerComparison, SectorBenchmark
from schema.columns import batch_form, column_form
from schema.sales_types import CreditRisk, SalesProfile
from store.records import (
    AccountPage,
    AccountRecord,
    CompanyRecord,
    ContractRecord,
    DefinitionRecord,
    IndustryRecord,
    MetricRecord,
)

Info = strawberry.Info[RequestContext, None]

METRICS_DESCRIPTION = """All `metrics` fields take the same filters and combine them with AND:
- names: only these metrics (all when omitted); an unknown name is an error.
- effectiveDates: only these months (any day of the month is accepted and means that month).
- lastFullMonth: only the last complete calendar month before today
  (on 2023-05-01 and on 2023-05-31 that is 2023-04-01).
Rows are ordered by metricName, then effectiveDate."""

Names = Annotated[
    list[str] | None,
    strawberry.argument(description="Only these metrics (all when omitted)."),
]
EffectiveDates = Annotated[
    list[dt.date] | None,
    strawberry.argument(description="Only these months; any day of a month means that month."),
]
# Nullable with a default, as the contract declares it; null means the default.
EffectiveDate = Annotated[
    dt.date | None,
    strawberry.argument(
        description="A published month (any day of it); the latest published month by default."
    ),
]
COMPARISON_FIELD_DOC = (
    "Where this account ranks in its industry for one metric and month. Null when it has no value."
)
LastFullMonth = Annotated[
    bool | None,
    strawberry.argument(description="Only the last complete calendar month before today."),
]


@strawberry.interface(description="Anything addressable by a global ID.")
class Node:
    id: strawberry.ID


def _formatted_values(rows: Sequence[MetricRow], locale: str | None = "en") -> list[str]:
    # MetricRow.formatted_value for a whole list at once (see schema.columns).
    return formatted_values(
        [row.value for row in rows], [row.unit for row in rows], locale=locale or "en"
    )


@strawberry.type(description="One value of one metric for one entity and one month.")
class MetricRow:
    # Resolved straight from store.records.MetricRecord, whose attributes have these names.
    metric_name: str
    value: Decimal
    unit: str
    effective_date: dt.date = strawberry.field(
        description=(
            "First day of the month the value describes: metrics for April carry 2023-04-01."
        )
    )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Human-readable, unit-aware: 5 minutes -> '5min', 15000 euros -> '€15,000' in 'en'."
        ),
        metadata=column_form(_formatted_values),
    )
    def formatted_value(
        self,
        locale: Annotated[
            str | None,
            strawberry.argument(description="A locale such as en, fr, de_CH or pt-BR."),
        ] = "en",
    ) -> str:
        return formatted_value(self.value, unit=self.unit, locale=locale or "en")


def _batch_metrics(level: str, entity_id: Callable[[Any], str]) -> dict[str, object]:
    """Metadata declaring the batch form of an entity type's `metrics` field: the rows of a
    whole list of entities in one call (schema.columns, schema.lean_execution)."""

    async def metrics_of(
        rows: Sequence[Any],
        context: RequestContext,
        names: list[str] | None = None,
        effective_dates: list[dt.date] | None = None,
        last_full_month: bool | None = False,
    ) -> list[list[MetricRecord]]:
        return await metric_resolvers.entities_metrics(
            context,
            level=level,
            entity_ids=[entity_id(row) for row in rows],
            names=names,
            effective_dates=effective_dates,
            last_full=bool(last_full_month),
        )

    return batch_form(metrics_of)


async def _metrics(
    info: Info,
    *,
    level: str,
    entity_id: str,
    names: list[str] | None,
    effective_dates: list[dt.date] | None,
    last_full_month: bool | None,
) -> list[MetricRow]:
    # MetricRecord has MetricRow's attributes: rows go out without a copy.
    return await metric_resolvers.entity_metrics(  # type: ignore[return-value]
        info.context,
        level=level,
        entity_id=entity_id,
        names=names,
        effective_dates=effective_dates,
        last_full=bool(last_full_month),
    )


@strawberry.type(description=METRICS_DESCRIPTION)
class Account(Node):
    id: strawberry.ID
    account_id: str
    name: str
    app: str
    is_key_account: bool
    n_employees: int | None
    industry_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: AccountRecord) -> Account:
        return cls(
            id=strawberry.ID(encode_global_id("Account", record.account_id)),
            account_id=record.account_id,
            name=record.name,
            app=record.app,
            is_key_account=record.is_key_account,
            n_employees=record.n_employees,
            industry_id=record.industry_id,
        )

    @strawberry.field
    async def industry(self, info: Info) -> Industry | None:
        return await _industry(info, self.industry_id)

    @strawberry.field
    async def companies(self, info: Info) -> list[Company]:
        records = await info.context.loaders.companies_by_account.load(self.account_id)
        return [Company.from_record(record) for record in records]

    @strawberry.field
    async def contracts(self, info: Info) -> list[Contract]:
        records = await info.context.loaders.contracts_by_account.load(self.account_id)
        return [Contract.from_record(record) for record in records]

    @strawberry.field(metadata=_batch_metrics("account", attrgetter("account_id")))  # type: ignore[untyped-decorator]
    async def metrics(
        self,
        info: Info,
        names: Names = None,
        effective_dates: EffectiveDates = None,
        last_full_month: LastFullMonth = False,
    ) -> list[MetricRow]:
        return await _metrics(
            info,
            level="account",
            entity_id=self.account_id,
            names=names,
            effective_dates=effective_dates,
            last_full_month=last_full_month,
        )

    @strawberry.field(description=COMPARISON_FIELD_DOC)  # type: ignore[untyped-decorator]
    async def comparison(
        self,
        info: Info,
        metric: str,
        effective_date: EffectiveDate = None,
        last_full_month: LastFullMonth = False,
    ) -> CustomerComparison | None:
        record = await info.context.loaders.account_by_id.load(self.account_id)
        if record is None:
            return None
        view = await benchmarks.account_comparison(
            info.context,
            account=record,
            metric=metric,
            effective_date=effective_date,
            last_full=bool(last_full_month),
        )
        return None if view is None else CustomerComparison(view=view)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Purchase history and quarterly RFM segments; null when no sales were ingested for it."
        )
    )
    async def sales_profile(self, info: Info) -> SalesProfile | None:
        # SalesProfileRecord has SalesProfile's attributes: it goes out without a copy.
        return await info.context.loaders.sales_profile_by_account.load(self.account_id)  # type: ignore[return-value]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Credit risk from ledger data; null when no ledger entries were ingested for it."
        )
    )
    async def credit_risk(self, info: Info) -> CreditRisk | None:
        # CreditRiskRecord has CreditRisk's attributes: it goes out without a copy.
        return await info.context.loaders.credit_risk_by_account.load(self.account_id)  # type: ignore[return-value]


@strawberry.type
class Company(Node):
    id: strawberry.ID
    company_id: str
    name: str
    n_employees: int | None
    account_id: strawberry.Private[str]
    industry_id: strawberry.Private[str | None]

    @classmethod
    def from_record(cls, record: CompanyRecord) -> Company:
        return cls(
            id=strawberry.ID(encode_global_id("Company", record.company_id)),
            company_id=record.company_id,
            name=record.name,
            n_employees=record.n_employees,
            account_id=record.account_id,
            industry_id=record.industry_id,
        )

    @strawberry.field
    async def account(self, info: Info) -> Account:
        return await _parent_account(info, self.account_id)

    @strawberry.field
    async def industry(self, info: Info) -> Industry | None:
        return await _industry(info, self.industry_id)

    @strawberry.field
    async def contracts(self, info: Info) -> list[Contract]:
        records = await info.context.loaders.contracts_by_company.load(self.company_id)
        return [Contract.from_record(record) for record in records]

    @strawberry.field(metadata=_batch_metrics("company", attrgetter("company_id")))  # type: ignore[untyped-decorator]
    async def metrics(
        self,
        info: Info,
        names: Names = None,
        effective_dates: EffectiveDates = None,
        last_full_month: LastFullMonth = False,
    ) -> list[MetricRow]:
        return await _metrics(
            info,
            level="company",
            entity_id=self.company_id,
            names=names,
            effective_dates=effective_dates,
            last_full_month=last_full_month,
        )


@strawberry.type
class Contract(Node):
    id: strawberry.ID
    contract_id: str
    name: str
    start_date: dt.date | None
    end_date: dt.date | None
    company_id: strawberry.Private[str]
    account_id: strawberry.Private[str]

    @classmethod
    def from_record(cls, record: ContractRecord) -> Contract:
        return cls(
            id=strawberry.ID(encode_global_id("Contract", record.contract_id)),
            contract_id=record.contract_id,
            name=record.name,
            start_date=record.start_date,
            end_date=record.end_date,
            company_id=record.company_id,
            account_id=record.account_id,
        )

    @strawberry.field
    async def company(self, info: Info) -> Company:
        record = await info.context.loaders.company_by_id.load(self.company_id)
        if record is None:  # the foreign key makes this unreachable
            raise GraphQLError(f"Contract {self.contract_id!r} has no company")
        return Company.from_record(record)

    @strawberry.field
    async def account(self, info: Info) -> Account:
        return await _parent_account(info, self.account_id)

    @strawberry.field(metadata=_batch_metrics("contract", attrgetter("contract_id")))  # type: ignore[untyped-decorator]
    async def metrics(
        self,
        info: Info,
        names: Names = None,
        effective_dates: EffectiveDates = None,
        last_full_month: LastFullMonth = False,
    ) -> list[MetricRow]:
        return await _metrics(
            info,
            level="contract",
            entity_id=self.contract_id,
            names=names,
            effective_dates=effective_dates,
            last_full_month=last_full_month,
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class AccountEdge:
    cursor: str
    node: Account


@strawberry.type
class AccountConnection:
    edges: list[AccountEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def from_page(cls, page: AccountPage) -> AccountConnection:
        edges = [
            AccountEdge(cursor=encode_cursor(record.account_id), node=Account.from_record(record))
            for record in page.accounts
        ]
        return cls(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=page.total_count,
        )


@strawberry.type(
    description=(
        "An industry (sector). Its metrics and benchmarks are derived from other customers' data,\n"
        "so they follow the cohort rule: any value derived from fewer than 5 distinct accounts "
        "is refused."
    )
)
class Industry(Node):
    id: strawberry.ID
    industry_id: str
    name: str

    @classmethod
    def from_record(cls, record: IndustryRecord) -> Industry:
        return cls(
            id=strawberry.ID(encode_global_id("Industry", record.industry_id)),
            industry_id=record.industry_id,
            name=record.name,
        )

    @strawberry.field
    async def accounts(
        self, info: Info, first: int | None = 50, after: str | None = None
    ) -> AccountConnection:
        key = PageKey(self.industry_id, check_first(first), decode_cursor(after))
        page = await info.context.loaders.account_page_by_industry.load(key)
        return AccountConnection.from_page(page)

    @strawberry.field
    async def benchmark(
        self,
        info: Info,
        metric: str,
        effective_date: EffectiveDate = None,
        last_full_month: LastFullMonth = False,
    ) -> SectorBenchmark | None:
        record = IndustryRecord(self.industry_id, self.name)
        view = await benchmarks.industry_benchmark(
            info.context,
            industry=record,
            metric=metric,
            effective_date=effective_date,
            last_full=bool(last_full_month),
        )
        return SectorBenchmark(view=view)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Industry-level values. Below the cohort minimum the list is empty and the "
            "response carries a COHORT_TOO_SMALL error at this field's path, so the other "
            "industries of the same query still answer."
        )
    )
    async def metrics(
        self,
        info: Info,
        names: Names = None,
        effective_dates: EffectiveDates = None,
        last_full_month: LastFullMonth = False,
    ) -> list[MetricRow]:
        context = info.context
        records = await metric_resolvers.industry_metrics(
            context,
            industry_id=self.industry_id,
            names=names,
            effective_dates=effective_dates,
            last_full=bool(last_full_month),
        )
        if records is not None:
            return records  # type: ignore[return-value]  # MetricRecord has MetricRow's attributes
        # A raised error would null this non-null list and, through `industries: [Industry!]!`,
        # the whole answer; so the refusal travels beside the data instead.
        refusal = cohort_too_small()
        context.side_errors.append(
            GraphQLError(
                refusal.message,
                nodes=info._raw_info.field_nodes,
                path=info.path.as_list(),
                extensions=refusal.extensions,
            )
        )
        return []


@strawberry.type
class MetricDefinition:
    name: str
    unit: str
    description: str
    higher_is_better: bool

    @classmethod
    def from_record(cls, record: DefinitionRecord) -> MetricDefinition:
        return cls(
            name=record.name,
            unit=record.unit,
            description=record.description,
            higher_is_better=record.higher_is_better,
        )


async def _industry(info: Info, industry_id: str | None) -> Industry | None:
    if industry_id is None:
        return None
    record = await info.context.loaders.industry_by_id.load(industry_id)
    return None if record is None else Industry.from_record(record)


async def _parent_account(info: Info, account_id: str) -> Account:
    record = await info.context.loaders.account_by_id.load(account_id)
    if record is None:  # the foreign key makes this unreachable
        raise GraphQLError(f"Account {account_id!r} does not exist")
    return Account.from_record(record)
