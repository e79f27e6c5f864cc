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
from resolvers.formatted_values import currency_of
from resolvers.global_ids import encode_global_id
from resolvers.loaders import PageKey
from resolvers.pagination import check_first, decode_cursor, encode_cursor
from schema.benchmark_types import CustomerComparison, SectorBenchmark
from schema.limits import field_cost, page, typical
from schema.metrics_field import metrics_field
from schema.sales_types import CreditRisk, LedgerCoverage, SalesProfile
from store.records import (
    AccountPage,
    AccountRecord,
    CompanyPage,
    CompanyRecord,
    ContractPage,
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
PublishedLastFullMonth = Annotated[
    bool | None,
    strawberry.argument(
        description=(
            "Answer for the last complete calendar month before today, which must be published "
            "(MONTH_NOT_PUBLISHED otherwise); a month given beside it must be that month."
        )
    ),
]
First = Annotated[
    int | None,
    strawberry.argument(
        description="Page size, 1 to 100 (BAD_USER_INPUT otherwise); 50 by default."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description=(
            "The endCursor of the previous page of this same list; omit it for the first page. "
            "Any other text is BAD_USER_INPUT."
        )
    ),
]
ACCOUNT_DOC = (
    "A customer account of one app (tenant), with its companies, contracts and monthly metrics.\n\n"
)
GLOBAL_ID_DOC = "A global id, opaque, unique across types: what `node(id:)` takes."
CURSOR_DOC = "Opaque: pass it as `after` to get the edges that follow this one."
CONNECTION_DOC = "A page of {entities}: pass pageInfo.endCursor as `after` for the next one."
EDGES_DOC = "The page's {entities}, at most `first`."
TOTAL_DOC = "How many {entities} the list has in all pages together."
LatestWithValue = Annotated[
    bool | None,
    strawberry.argument(
        description=(
            "Compare in the latest published month in which this account has a value of the "
            "metric: the month of its latest value when that month is published, else the "
            "latest published month before it with its value (effectiveDate says which). Null "
            "when no published month has its value; not with effectiveDate or lastFullMonth "
            "(BAD_USER_INPUT)."
        )
    ),
]

COMPARISON_FIELD_DOC = (
    "Where this account ranks in its industry for one metric and month. Null when it has no value."
)


@strawberry.interface(description="Anything addressable by a global ID.")
class Node:
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID_DOC)


@strawberry.type(description=ACCOUNT_DOC + METRICS_DESCRIPTION)
class Account(Node):
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID_DOC)
    account_id: str = strawberry.field(
        description="The account's own id, a string exactly as ingested ('007' stays '007')."
    )
    name: str = strawberry.field(description="The account's name.")
    app: str = strawberry.field(description="The app (tenant, market) the account belongs to.")
    is_key_account: bool = strawberry.field(description="Whether it is a key account.")
    n_employees: int | None = strawberry.field(
        description="Number of employees; null when not ingested."
    )
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

    @strawberry.field(description="The account's industry (sector); null when it has none.")  # type: ignore[untyped-decorator]
    async def industry(self, info: Info) -> Industry | None:
        return await _industry(info, self.industry_id)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The account's companies, ordered by companyId.",
        metadata=field_cost(typical("companies_per_account", floor=5)),
    )
    async def companies(self, info: Info) -> list[Company]:
        records = await info.context.loaders.companies_by_account.load(self.account_id)
        return [Company.from_record(record) for record in records]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The contracts of all the account's companies, ordered by contractId.",
        metadata=field_cost(typical("contracts_per_account", floor=5)),
    )
    async def contracts(self, info: Info) -> list[Contract]:
        records = await info.context.loaders.contracts_by_account.load(self.account_id)
        return [Contract.from_record(record) for record in records]

    metrics = metrics_field(Level.ACCOUNT, attrgetter("account_id"))

    @strawberry.field(description=COMPARISON_FIELD_DOC)  # type: ignore[untyped-decorator]
    async def comparison(
        self,
        info: Info,
        metric: Annotated[
            str, strawberry.argument(description="A metric's name, as in metricDefinitions.")
        ],
        effective_date: EffectiveDate = None,
        last_full_month: PublishedLastFullMonth = False,
        latest_with_value: LatestWithValue = False,
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
            latest_with_value=bool(latest_with_value),
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
            "Credit risk from ledger data; null when no ledger entries were ingested for it "
            "(or none up to asOf)."
        )
    )
    async def credit_risk(
        self,
        info: Info,
        as_of: Annotated[
            dt.date | None,
            strawberry.argument(
                description=(
                    "Measure it as it stood on this day, from the ledger entries up to it, "
                    "its unpaid invoices late up to it (a day after today is today). Without "
                    "it, it is measured on the app's latest ledger date (see CreditRisk.asOf "
                    "and asOfRule): payments after that date are not known. For an account "
                    "key that date is the end of the period stated by the title of the "
                    "latest ledger export with its entries (else today), not its app's "
                    "latest ledger date (which would tell when another account was last "
                    "invoiced), and it never measures a later day. Any key asking the day "
                    "another key's answer is asOf gets that key's figures."
                )
            ),
        ] = None,
    ) -> CreditRisk | None:
        # CreditRiskRecord has CreditRisk's attributes: it goes out without a copy.
        return await account_view.credit_risk(info.context, self.account_id, as_of=as_of)  # type: ignore[return-value]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "The first and last dates of the account's own ledger entries; null when no "
            "ledger entries were ingested for it."
        )
    )
    async def ledger_coverage(self, info: Info) -> LedgerCoverage | None:
        # LedgerCoverageRecord has LedgerCoverage's attributes: it goes out without a copy.
        return await info.context.loaders.ledger_coverage_by_account.load(self.account_id)  # type: ignore[return-value]


@strawberry.type(
    description="A company of an account (a subsidiary, a site), with its contracts and monthly "
    "metrics; its `metrics` take the filters described on Account."
)
class Company(Node):
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID_DOC)
    company_id: str = strawberry.field(
        description="The company's own id, a string exactly as ingested."
    )
    name: str = strawberry.field(description="The company's name.")
    n_employees: int | None = strawberry.field(
        description="Number of employees; null when not ingested."
    )
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

    @strawberry.field(description="The account the company belongs to.")  # type: ignore[untyped-decorator]
    async def account(self, info: Info) -> Account:
        return await _parent_account(info, self.account_id)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The company's own industry (sector), which may differ from its account's; "
        "null when it has none."
    )
    async def industry(self, info: Info) -> Industry | None:
        return await _industry(info, self.industry_id)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The company's contracts, ordered by contractId.",
        metadata=field_cost(typical("contracts_per_company", floor=5)),
    )
    async def contracts(self, info: Info) -> list[Contract]:
        records = await info.context.loaders.contracts_by_company.load(self.company_id)
        return [Contract.from_record(record) for record in records]

    metrics = metrics_field(Level.COMPANY, attrgetter("company_id"))


@strawberry.type(
    description="A contract of a company, with its monthly metrics; its `metrics` take the "
    "filters described on Account."
)
class Contract(Node):
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID_DOC)
    contract_id: str = strawberry.field(
        description="The contract's own id, a string exactly as ingested."
    )
    name: str = strawberry.field(description="The contract's name.")
    start_date: dt.date | None = strawberry.field(
        description="The day the contract starts; null when not ingested."
    )
    end_date: dt.date | None = strawberry.field(
        description="The day the contract ends; null when it runs with no end date."
    )
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

    @strawberry.field(description="The company the contract belongs to.")  # type: ignore[untyped-decorator]
    async def company(self, info: Info) -> Company:
        record = await info.context.loaders.company_by_id.load(self.company_id)
        if record is None:  # the foreign key makes this unreachable
            raise GraphQLError(f"Contract {self.contract_id!r} has no company")
        return Company.from_record(record)

    @strawberry.field(description="The account of the contract's company.")  # type: ignore[untyped-decorator]
    async def account(self, info: Info) -> Account:
        return await _parent_account(info, self.account_id)

    metrics = metrics_field(Level.CONTRACT, attrgetter("contract_id"))


@strawberry.type(description="Where a page stands in its list (Relay's PageInfo).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="Whether another page follows: pass endCursor as `after` to get it."
    )
    end_cursor: str | None = strawberry.field(
        description="The cursor of the page's last edge; null when the page is empty."
    )
    has_previous_page: bool = strawberry.field(
        description=(
            "Whether entries of the list come before this page: true when `after` was given "
            "and the list has an entry at or before it; always false for the first page."
        )
    )
    start_cursor: str | None = strawberry.field(
        description="The cursor of the page's first edge; null when the page is empty."
    )

    @classmethod
    def of(cls, cursors: list[str], page: AccountPage | CompanyPage | ContractPage) -> PageInfo:
        """The page info of a page whose edges carry these cursors, in order."""
        return cls(
            has_next_page=page.has_next_page,
            end_cursor=cursors[-1] if cursors else None,
            has_previous_page=page.has_previous_page,
            start_cursor=cursors[0] if cursors else None,
        )


@strawberry.type(description="One account of a page, with its cursor.")
class AccountEdge:
    cursor: str = strawberry.field(description=CURSOR_DOC)
    node: Account = strawberry.field(description="The account.")


@strawberry.type(description=CONNECTION_DOC.format(entities="accounts"))
class AccountConnection:
    edges: list[AccountEdge] = strawberry.field(description=EDGES_DOC.format(entities="accounts"))
    page_info: PageInfo = strawberry.field(
        description="Whether another page follows, and from where."
    )
    total_count: int = strawberry.field(description=TOTAL_DOC.format(entities="accounts"))

    @classmethod
    def from_page(cls, page: AccountPage) -> AccountConnection:
        edges = [
            AccountEdge(cursor=encode_cursor(record.account_id), node=Account.from_record(record))
            for record in page.accounts
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of([edge.cursor for edge in edges], page),
            total_count=page.total_count,
        )


@strawberry.type(description="One company of a page, with its cursor.")
class CompanyEdge:
    cursor: str = strawberry.field(description=CURSOR_DOC)
    node: Company = strawberry.field(description="The company.")


@strawberry.type(description=CONNECTION_DOC.format(entities="companies"))
class CompanyConnection:
    edges: list[CompanyEdge] = strawberry.field(description=EDGES_DOC.format(entities="companies"))
    page_info: PageInfo = strawberry.field(
        description="Whether another page follows, and from where."
    )
    total_count: int = strawberry.field(description=TOTAL_DOC.format(entities="companies"))

    @classmethod
    def from_page(cls, page: CompanyPage) -> CompanyConnection:
        edges = [
            CompanyEdge(
                cursor=encode_cursor(record.company_id, "company"),
                node=Company.from_record(record),
            )
            for record in page.companies
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of([edge.cursor for edge in edges], page),
            total_count=page.total_count,
        )


@strawberry.type(description="One contract of a page, with its cursor.")
class ContractEdge:
    cursor: str = strawberry.field(description=CURSOR_DOC)
    node: Contract = strawberry.field(description="The contract.")


@strawberry.type(description=CONNECTION_DOC.format(entities="contracts"))
class ContractConnection:
    edges: list[ContractEdge] = strawberry.field(description=EDGES_DOC.format(entities="contracts"))
    page_info: PageInfo = strawberry.field(
        description="Whether another page follows, and from where."
    )
    total_count: int = strawberry.field(description=TOTAL_DOC.format(entities="contracts"))

    @classmethod
    def from_page(cls, page: ContractPage) -> ContractConnection:
        edges = [
            ContractEdge(
                cursor=encode_cursor(record.contract_id, "contract"),
                node=Contract.from_record(record),
            )
            for record in page.contracts
        ]
        return cls(
            edges=edges,
            page_info=PageInfo.of([edge.cursor for edge in edges], page),
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
    id: strawberry.ID = strawberry.field(description=GLOBAL_ID_DOC)
    industry_id: str = strawberry.field(
        description="The industry's own id, a string exactly as ingested; sectorBenchmarks "
        "and comparisons call it `sector`."
    )
    name: str = strawberry.field(description="The industry's name.")

    @classmethod
    def from_record(cls, record: IndustryRecord) -> Industry:
        return cls(
            id=strawberry.ID(encode_global_id("Industry", record.industry_id)),
            industry_id=record.industry_id,
            name=record.name,
        )

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="A page of the industry's accounts that this key sees, by accountId.",
        metadata=field_cost(page()),
    )
    async def accounts(
        self, info: Info, first: First = 50, after: After = None
    ) -> AccountConnection:
        key = PageKey(self.industry_id, check_first(first), decode_cursor(after))
        page = await info.context.loaders.account_page_by_industry.load(key)
        return AccountConnection.from_page(page)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The industry's benchmark of one metric for a published month, as "
        "sectorBenchmarks gives it (MONTH_NOT_PUBLISHED for a month not published yet)."
    )
    async def benchmark(
        self,
        info: Info,
        metric: Annotated[
            str, strawberry.argument(description="A metric's name, as in metricDefinitions.")
        ],
        effective_date: EffectiveDate = None,
        last_full_month: PublishedLastFullMonth = False,
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


@strawberry.type(description="A metric the server knows: its name, unit and direction.")
class MetricDefinition:
    name: str = strawberry.field(
        description="The name `metrics(names:)`, benchmarks and comparisons take."
    )
    unit: str = strawberry.field(
        description="The unit as the metric was defined ('euros' stays 'euros'): minutes, "
        "hours, days, count, percent (42.5 means 42.5 %), ratio, or a currency by ISO code or "
        "name."
    )
    currency: str | None = strawberry.field(
        description="ISO 4217 code of a currency unit ('EUR' for 'euros'); null for other units."
    )
    description: str = strawberry.field(
        description="What the metric measures, as defined; empty when no description was given."
    )
    higher_is_better: bool = strawberry.field(
        description="Whether a higher value is better (false for times such as a response "
        "time): rankings and percentiles of comparisons follow it."
    )
    lower_bound: Decimal | None = strawberry.field(
        description=(
            "With upperBound, the range one account's value is clamped to in differentially "
            "private figures; null when the metric declares none (then only internal keys get "
            "its cross-account figures). Today's bounds: a month already published keeps the "
            "bounds it was published with, and so do its figures, accuracies and ranks."
        )
    )
    upper_bound: Decimal | None = strawberry.field(description="See lowerBound.")

    @classmethod
    def from_record(cls, record: DefinitionRecord) -> MetricDefinition:
        return cls(
            name=record.name,
            unit=record.unit,
            currency=currency_of(record.unit),
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
