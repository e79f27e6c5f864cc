"""The root Query: thin fields over resolvers and the request's DataLoaders."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from resolvers import benchmarks, lookups
from resolvers import segmentation as segmentation_resolvers
from schema.app_types import App
from schema.benchmark_types import PulseReport, SectorBenchmark
from schema.execution.account_rows import account_lookup
from schema.execution.prefetch import prefetch_metrics
from schema.limits import field_cost, page, typical
from schema.segmentation_types import Segmentation
from schema.types import (
    Account,
    AccountConnection,
    After,
    Company,
    CompanyConnection,
    Contract,
    ContractConnection,
    EffectiveDate,
    First,
    Industry,
    Info,
    MetricDefinition,
    Node,
    PublishedLastFullMonth,
)
from schema.viewer_types import Viewer
from store.records import AccountRecord, CompanyRecord, ContractRecord
from store.tables import Level

QUERY_DOC = """The root of every read. What an API key may not see behaves exactly like what
does not exist: a lookup by id answers null with a NOT_FOUND error, a list leaves it out."""

ACCOUNTS_DOC = (
    "A page of the accounts this key sees, filtered by every argument given (AND). Without "
    "accountIds they come ordered by accountId; with them, in the order given. At most 100 "
    "accountIds, answered in the order given; first is 1 to 100; search matches a name or "
    "id, case-insensitively."
)
APPS_DOC = (
    "The apps (tenants) this key sees, ordered by appId, each with how many of its accounts "
    "the key sees: every app for an internal key, its own for an app key, its account's app "
    "for an account key, none for a public key."
)
COMPANIES_DOC = (
    "A page of the companies this key sees. companyIds are answered in the order given; at "
    "most 100 (ids unknown or hidden from the key are left out); without them, every company "
    "by companyId. Their metrics come in one batch: one query for the metrics of many companies."
)
CONTRACTS_DOC = (
    "A page of the contracts this key sees. contractIds are answered in the order given; at "
    "most 100 (ids unknown or hidden from the key are left out); without them, every contract "
    "by contractId. Their metrics come in one batch: one query for the metrics of many contracts."
)
SECTOR_BENCHMARKS_DOC = (
    "The benchmark of one metric in every sector, or in the sectors named, for one published "
    "month (the latest by default). An unknown metric or sector is BAD_USER_INPUT; a month not "
    "published yet (or none at all) is MONTH_NOT_PUBLISHED. Figures of a cohort under 5 "
    "accounts are refused field by field (see SectorBenchmark)."
)
PULSE_REPORT_DOC = (
    "The monthly public benchmark report of one published month (the latest by default); "
    "MONTH_NOT_PUBLISHED when that month, or any month, is not published yet."
)


def _ids_argument(entity: str) -> object:
    return strawberry.argument(
        description=(
            f"Only these {entity} ids (as ingested), answered in the order given, each once; at "
            f"most 100 (BAD_USER_INPUT beyond). Ids unknown or hidden from the key are left out."
        )
    )


@strawberry.type(description=QUERY_DOC)
class Query:
    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Any Account, Company, Contract or Industry by its global id. Null with NOT_FOUND "
            "when it does not exist or the key may not see it; a malformed id is BAD_USER_INPUT."
        )
    )
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description="A global id, as an entity's `id` field gives it."),
        ],
    ) -> Node | None:
        record = await lookups.node(info.context, id)
        if isinstance(record, AccountRecord):
            return Account.from_record(record)
        if isinstance(record, CompanyRecord):
            return Company.from_record(record)
        if isinstance(record, ContractRecord):
            return Contract.from_record(record)
        return Industry.from_record(record)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "One account by its accountId; null with NOT_FOUND when no account this key sees "
            "has it."
        )
    )
    @account_lookup(Account.from_record)
    async def account(
        self,
        info: Info,
        account_id: Annotated[
            str,
            strawberry.argument(description="The account's id, exactly as ingested ('007')."),
        ],
    ) -> Account | None:
        prefetch_metrics(info, level=Level.ACCOUNT, entity_id=account_id)
        return Account.from_record(await lookups.account(info.context, account_id))

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="The API key this request is read with: its role and what it is bound to."
    )
    def viewer(self, info: Info) -> Viewer:
        return Viewer.of(info.context.scope)

    @strawberry.field(description=APPS_DOC, metadata=field_cost(typical("apps", floor=10)))  # type: ignore[untyped-decorator]
    async def apps(self, info: Info) -> list[App]:
        return [App.from_record(record) for record in await lookups.apps(info.context)]

    @strawberry.field(description=ACCOUNTS_DOC, metadata=field_cost(page()))  # type: ignore[untyped-decorator]
    async def accounts(
        self,
        info: Info,
        account_ids: Annotated[list[str] | None, _ids_argument("account")] = None,
        app: Annotated[
            str | None, strawberry.argument(description="Only accounts of this app (tenant).")
        ] = None,
        industry: Annotated[
            str | None,
            strawberry.argument(description="Only accounts of this industry (its industryId)."),
        ] = None,
        is_key_account: Annotated[
            bool | None,
            strawberry.argument(
                description="Only key accounts (true), or only the others (false)."
            ),
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description=(
                    "Only accounts whose name or accountId contains this text, whatever its "
                    "case ('acme' finds 'ACME Corp'); % and _ match themselves."
                )
            ),
        ] = None,
        first: First = 50,
        after: After = None,
    ) -> AccountConnection:
        found = await lookups.account_page(
            info.context,
            account_ids=account_ids,
            app=app,
            industry_id=industry,
            is_key_account=is_key_account,
            search=search,
            first=first,
            after=after,
        )
        return AccountConnection.from_page(found)

    @strawberry.field(description=COMPANIES_DOC, metadata=field_cost(page()))  # type: ignore[untyped-decorator]
    async def companies(
        self,
        info: Info,
        company_ids: Annotated[list[str] | None, _ids_argument("company")] = None,
        first: First = 50,
        after: After = None,
    ) -> CompanyConnection:
        found = await lookups.entity_page(
            info.context, lookups.COMPANY_PAGES, ids=company_ids, first=first, after=after
        )
        return CompanyConnection.from_page(found)

    @strawberry.field(description=CONTRACTS_DOC, metadata=field_cost(page()))  # type: ignore[untyped-decorator]
    async def contracts(
        self,
        info: Info,
        contract_ids: Annotated[list[str] | None, _ids_argument("contract")] = None,
        first: First = 50,
        after: After = None,
    ) -> ContractConnection:
        found = await lookups.entity_page(
            info.context, lookups.CONTRACT_PAGES, ids=contract_ids, first=first, after=after
        )
        return ContractConnection.from_page(found)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "One company by its companyId; null with NOT_FOUND when no company this key sees "
            "has it."
        )
    )
    async def company(
        self,
        info: Info,
        company_id: Annotated[
            str, strawberry.argument(description="The company's id, exactly as ingested.")
        ],
    ) -> Company | None:
        prefetch_metrics(info, level=Level.COMPANY, entity_id=company_id)
        return Company.from_record(await lookups.company(info.context, company_id))

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "One contract by its contractId; null with NOT_FOUND when no contract this key "
            "sees has it."
        )
    )
    async def contract(
        self,
        info: Info,
        contract_id: Annotated[
            str, strawberry.argument(description="The contract's id, exactly as ingested.")
        ],
    ) -> Contract | None:
        prefetch_metrics(info, level=Level.CONTRACT, entity_id=contract_id)
        return Contract.from_record(await lookups.contract(info.context, contract_id))

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "One industry by its industryId (industries are shared by every app); null with "
            "NOT_FOUND when none has it."
        )
    )
    async def industry(
        self,
        info: Info,
        industry_id: Annotated[
            str, strawberry.argument(description="The industry's id, exactly as ingested.")
        ],
    ) -> Industry | None:
        return Industry.from_record(await lookups.industry(info.context, industry_id))

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Every industry, ordered by industryId.",
        metadata=field_cost(typical("industries", floor=50)),
    )
    async def industries(self, info: Info) -> list[Industry]:
        records = await lookups.all_industries(info.context)
        return [Industry.from_record(record) for record in records]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "Every metric the server knows, ordered by name: the names `metrics(names:)` and "
            "the benchmarks accept, with their unit."
        ),
        metadata=field_cost(typical("metric_definitions", floor=12)),
    )
    async def metric_definitions(self, info: Info) -> list[MetricDefinition]:
        definitions = await info.context.definitions()
        return [MetricDefinition.from_record(record) for record in definitions.values()]

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=SECTOR_BENCHMARKS_DOC,
        metadata=field_cost(typical("industries", floor=50)),
    )
    async def sector_benchmarks(
        self,
        info: Info,
        metric: Annotated[
            str,
            strawberry.argument(description="A metric's name, as in metricDefinitions."),
        ],
        sectors: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Only these sectors (industryIds), answered in the order given; "
                "every sector by industryId by default. An unknown one is BAD_USER_INPUT."
            ),
        ] = None,
        effective_date: EffectiveDate = None,
        last_full_month: PublishedLastFullMonth = False,
    ) -> list[SectorBenchmark]:
        views = await benchmarks.sector_benchmarks(
            info.context,
            metric=metric,
            sectors=sectors,
            effective_date=effective_date,
            last_full=bool(last_full_month),
        )
        return [SectorBenchmark(view=view) for view in views]

    @strawberry.field(description=PULSE_REPORT_DOC)  # type: ignore[untyped-decorator]
    async def pulse_report(
        self,
        info: Info,
        month: Annotated[
            dt.date | None,
            strawberry.argument(
                description="A published month (any day of it); the latest by default."
            ),
        ] = None,
        last_full_month: PublishedLastFullMonth = False,
    ) -> PulseReport:
        view = await benchmarks.pulse_report(
            info.context, month=month, last_full=bool(last_full_month)
        )
        return PulseReport(view=view)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "The customer base of an app in a calendar quarter: accounts per segment of orders "
            "and of monetary value, the moves between segments since the previous quarter, who "
            "entered and who lapsed, and a value x credit-risk matrix. For internal keys and "
            "the app's own key. "
            "An unknown app is NOT_FOUND; a quarter not written 'YYYY-Qn' is BAD_USER_INPUT."
        )
    )
    async def segmentation(
        self,
        info: Info,
        quarter: Annotated[
            str, strawberry.argument(description="Calendar quarter, 'YYYY-Qn', e.g. '2024-Q1'.")
        ],
        app: Annotated[
            str,
            strawberry.argument(
                description="The app (tenant); a key of another app gets NOT_FOUND."
            ),
        ],
    ) -> Segmentation:
        # SegmentationRecord has Segmentation's attributes: it goes out without a copy.
        return await segmentation_resolvers.segmentation(  # type: ignore[return-value]
            info.context, quarter=quarter, app=app
        )
