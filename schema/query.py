"""The root Query: thin fields over resolvers and the request's DataLoaders."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from resolvers import benchmarks, lookups
from resolvers import segmentation as segmentation_resolvers
from schema.benchmark_types import PulseReport, SectorBenchmark
from schema.execution.prefetch import prefetch_metrics
from schema.limits import field_cost, page, typical
from schema.metrics_field import LastFullMonth
from schema.sales_types import Segmentation
from schema.types import (
    Account,
    AccountConnection,
    Company,
    Contract,
    EffectiveDate,
    Industry,
    Info,
    MetricDefinition,
    Node,
)
from store.records import AccountRecord, CompanyRecord, ContractRecord
from store.tables import Level

ACCOUNTS_DOC = "At most 100 accountIds; first is 1 to 100."


@strawberry.type
class Query:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        record = await lookups.node(info.context, id)
        if isinstance(record, AccountRecord):
            return Account.from_record(record)
        if isinstance(record, CompanyRecord):
            return Company.from_record(record)
        if isinstance(record, ContractRecord):
            return Contract.from_record(record)
        return Industry.from_record(record)

    @strawberry.field
    async def account(self, info: Info, account_id: str) -> Account | None:
        prefetch_metrics(info, level=Level.ACCOUNT, entity_id=account_id)
        return Account.from_record(await lookups.account(info.context, account_id))

    @strawberry.field(description=ACCOUNTS_DOC, metadata=field_cost(page()))  # type: ignore[untyped-decorator]
    async def accounts(
        self,
        info: Info,
        account_ids: list[str] | None = None,
        app: str | None = None,
        industry: str | None = None,
        is_key_account: bool | None = None,
        first: int | None = 50,
        after: str | None = None,
    ) -> AccountConnection:
        page = await lookups.account_page(
            info.context,
            account_ids=account_ids,
            app=app,
            industry_id=industry,
            is_key_account=is_key_account,
            first=first,
            after=after,
        )
        return AccountConnection.from_page(page)

    @strawberry.field
    async def company(self, info: Info, company_id: str) -> Company | None:
        prefetch_metrics(info, level=Level.COMPANY, entity_id=company_id)
        return Company.from_record(await lookups.company(info.context, company_id))

    @strawberry.field
    async def contract(self, info: Info, contract_id: str) -> Contract | None:
        prefetch_metrics(info, level=Level.CONTRACT, entity_id=contract_id)
        return Contract.from_record(await lookups.contract(info.context, contract_id))

    @strawberry.field
    async def industry(self, info: Info, industry_id: str) -> Industry | None:
        return Industry.from_record(await lookups.industry(info.context, industry_id))

    @strawberry.field(metadata=field_cost(typical("industries", floor=50)))  # type: ignore[untyped-decorator]
    async def industries(self, info: Info) -> list[Industry]:
        records = await lookups.all_industries(info.context)
        return [Industry.from_record(record) for record in records]

    @strawberry.field(metadata=field_cost(typical("metric_definitions", floor=12)))  # type: ignore[untyped-decorator]
    async def metric_definitions(self, info: Info) -> list[MetricDefinition]:
        definitions = await info.context.definitions()
        return [MetricDefinition.from_record(record) for record in definitions.values()]

    @strawberry.field(metadata=field_cost(typical("industries", floor=50)))  # type: ignore[untyped-decorator]
    async def sector_benchmarks(
        self,
        info: Info,
        metric: str,
        sectors: list[str] | None = None,
        effective_date: EffectiveDate = None,
        last_full_month: LastFullMonth = False,
    ) -> list[SectorBenchmark]:
        views = await benchmarks.sector_benchmarks(
            info.context,
            metric=metric,
            sectors=sectors,
            effective_date=effective_date,
            last_full=bool(last_full_month),
        )
        return [SectorBenchmark(view=view) for view in views]

    @strawberry.field
    async def pulse_report(
        self,
        info: Info,
        month: Annotated[
            dt.date | None,
            strawberry.argument(description="A published month; the latest by default."),
        ] = None,
        last_full_month: LastFullMonth = False,
    ) -> PulseReport:
        view = await benchmarks.pulse_report(
            info.context, month=month, last_full=bool(last_full_month)
        )
        return PulseReport(view=view)

    @strawberry.field(  # type: ignore[untyped-decorator]
        description=(
            "The customer base of an app in a calendar quarter: accounts per segment of orders "
            "and of monetary value, and the moves between segments since the previous quarter. "
            "An unknown app is NOT_FOUND; a quarter not written 'YYYY-Qn' is BAD_USER_INPUT."
        )
    )
    async def segmentation(
        self,
        info: Info,
        quarter: Annotated[
            str, strawberry.argument(description="Calendar quarter, 'YYYY-Qn', e.g. '2024-Q1'.")
        ],
        app: str,
    ) -> Segmentation:
        # SegmentationRecord has Segmentation's attributes: it goes out without a copy.
        return await segmentation_resolvers.segmentation(  # type: ignore[return-value]
            info.context, quarter=quarter, app=app
        )
