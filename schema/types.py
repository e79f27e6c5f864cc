"""The GraphQL object types of the contract.

Row fields are plain attributes read straight off the store's records (graphql-core charges
about 5 us per resolved field, so nothing per row is computed in a resolver that need not be)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from operator import attrgetter
from typing import Annotated

import strawberry
from graphql import GraphQLError

from resolvers import account_view, benchmarks
from resolvers.context import RequestContext
from resolvers.global_ids import encode_global_id
from resolvers.loaders import PageKey
from resolvers.pagination import check_first, decode_cursor, encode_cursor
from schema.benchmark_types import CustomerComparison, SectorBenchmark
from schema.limits import field_cost, page, typical
from schema.metrics_field import LastFullMonth, metrics_field
from schema.sales_types import CreditRisk, SalesProfile
from store.records import (
    AccountPage,
    AccountRecord,
    CompanyRecord,
    ContractRecord,
    DefinitionRecord,
    IndustryRecord,
)
from store.tables import Level

Info = strawberry.Info[RequestContext, None]

METRICS_DESCRIPTION = """All `metrics` fields take the same filters and combine them with AND:
- names: only these metrics (all when omitted); an unknown name is an error.
- effectiveDates: only these months (any day of the month is accepted and means that month).
- lastFullMonth: only the last complete calendar month before today
  (on 2023-05-01 and on 2023-05-31 that is 2023-04-01).
Rows are ordered by metricName, then effectiveDate."""

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


@strawberry.interface(description="Anything addressable by a global ID.")
class Node:
    id: strawberry.ID


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

    @strawberry.field(metadata=field_cost(typical("companies_per_account", floor=5)))  # type: ignore[untyped-decorator]
    async def companies(self, info: Info) -> list[Company]:
        records = await info.context.loaders.companies_by_account.load(self.account_id)
        return [Company.from_record(record) for record in records]

    @strawberry.field(metadata=field_cost(typical("contracts_per_account", floor=5)))  # type: ignore[untyped-decorator]
    async def contracts(self, info: Info) -> list[Contract]:
        records = await info.context.loaders.contracts_by_account.load(self.account_id)
        return [Contract.from_record(record) for record in records]

    metrics = metrics_field(Level.ACCOUNT, attrgetter("account_id"))

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
        return await account_view.sales_profile(info.context, self.account_id)  # type: ignore[return-value]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Credit risk from ledger data; null when no ledger entries were ingested for it."
        )
    )
    async def credit_risk(self, info: Info) -> CreditRisk | None:
        # CreditRiskRecord has CreditRisk's attributes: it goes out without a copy.
        return await account_view.credit_risk(info.context, self.account_id)  # type: ignore[return-value]


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

    @strawberry.field(metadata=field_cost(typical("contracts_per_company", floor=5)))  # type: ignore[untyped-decorator]
    async def contracts(self, info: Info) -> list[Contract]:
        records = await info.context.loaders.contracts_by_company.load(self.company_id)
        return [Contract.from_record(record) for record in records]

    metrics = metrics_field(Level.COMPANY, attrgetter("company_id"))


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

    metrics = metrics_field(Level.CONTRACT, attrgetter("contract_id"))


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

    @strawberry.field(metadata=field_cost(page()))  # type: ignore[untyped-decorator]
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

    metrics = metrics_field(Level.INDUSTRY, attrgetter("industry_id"))


@strawberry.type
class MetricDefinition:
    name: str
    unit: str
    description: str
    higher_is_better: bool
    lower_bound: Decimal | None = strawberry.field(
        description=(
            "With upperBound, the range one account's value is clamped to in differentially "
            "private figures; null when the metric declares none (then only internal keys get "
            "its cross-account figures)."
        )
    )
    upper_bound: Decimal | None = strawberry.field(description="See lowerBound.")

    @classmethod
    def from_record(cls, record: DefinitionRecord) -> MetricDefinition:
        return cls(
            name=record.name,
            unit=record.unit,
            description=record.description,
            higher_is_better=record.higher_is_better,
            lower_bound=record.lower_bound,
            upper_bound=record.upper_bound,
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
