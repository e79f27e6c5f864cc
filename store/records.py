"""Plain read records: what the batched reads return. NamedTuples cost a fraction of ORM
entities per row, and the GraphQL types read their attributes directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import NamedTuple


class IndustryRecord(NamedTuple):
    industry_id: str
    name: str


class AppRecord(NamedTuple):
    app_id: str
    account_count: int  # of the app's accounts that the reading scope sees
    # The first and the last purchase of those accounts, as the segment job last derived them;
    # None when none of them has a sale.
    first_sale: dt.date | None
    last_sale: dt.date | None


class AccountRecord(NamedTuple):
    account_id: str
    app: str
    name: str
    industry_id: str | None
    is_key_account: bool
    n_employees: int | None


class CompanyRecord(NamedTuple):
    company_id: str
    account_id: str
    name: str
    industry_id: str | None
    n_employees: int | None


class ContractRecord(NamedTuple):
    contract_id: str
    company_id: str
    account_id: str
    name: str
    start_date: dt.date | None
    end_date: dt.date | None


class DefinitionRecord(NamedTuple):
    name: str
    unit: str
    description: str
    higher_is_better: bool
    aggregation: str
    lower_bound: Decimal | None
    upper_bound: Decimal | None


class MetricRecord(NamedTuple):
    """One metric value of one entity and month, with its unit."""

    metric_name: str
    value: Decimal
    unit: str
    effective_date: dt.date


class AccountPage(NamedTuple):
    accounts: list[AccountRecord]
    has_next_page: bool
    total_count: int
    # Relay's hasPreviousPage of forward paging: `after` was given and the list has an entry
    # at or before it (the page does not start the list).
    has_previous_page: bool


class CompanyPage(NamedTuple):
    companies: list[CompanyRecord]
    has_next_page: bool
    total_count: int
    # Relay's hasPreviousPage of forward paging: `after` was given and the list has an entry
    # at or before it (the page does not start the list).
    has_previous_page: bool


class ContractPage(NamedTuple):
    contracts: list[ContractRecord]
    has_next_page: bool
    total_count: int
    # Relay's hasPreviousPage of forward paging: `after` was given and the list has an entry
    # at or before it (the page does not start the list).
    has_previous_page: bool


class CohortRecord(NamedTuple):
    """A frozen cohort without its members: what benchmarks and the pulse report serve."""

    industry_id: str
    metric_name: str
    month: dt.date
    cohort_size: int
    p25: float | None
    p50: float | None
    p75: float | None
    p90: float | None
    rollup: Decimal | None
    # The private release drawn at publish time (null where the metric declares no bounds).
    private_p25: float | None
    private_p50: float | None
    private_p75: float | None
    private_p90: float | None
    private_rollup: Decimal | None
    release_epsilon: float | None
    # The bounds and the roll-up the release was drawn with (null without a release, and for
    # an early release whose bounds could not be told): what its accuracy and ranks follow.
    release_lower_bound: Decimal | None
    release_upper_bound: Decimal | None
    release_aggregation: str | None
    # Members per app, frozen with the cohort.
    member_apps: dict[str, int]


class CohortMembers(NamedTuple):
    """A frozen cohort's members, ascending by value (ties by account id)."""

    account_ids: list[str]
    values: list[Decimal]
