"""The demo's customers: accounts, their companies and their contracts, with lifecycles.

Everything is drawn from one random generator seeded by the caller, in a fixed order, so the
same window and scale give the same customers on every machine and every run.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass
from typing import Any

from analytics.cohort import MIN_COHORT
from demo.calendar import MonthWindow, month_end, month_start
from demo.catalog import APPS, FIRST_APP_SHARE, INDUSTRIES, IndustryProfile
from demo.names import (
    ADD_ONS,
    REGIONS,
    account_name,
    company_names,
    plan_for,
    upgraded,
)

FULL_SCALE_ACCOUNTS = 1000
FULL_SCALE_COMPANIES = 3000
# At any scale every large industry keeps more accounts than the cohort minimum, and that
# many of them are customers for the whole window, so its benchmarks are publishable.
LARGE_INDUSTRY_MIN_ACCOUNTS = MIN_COHORT + 1
LONG_STANDING_PER_INDUSTRY = MIN_COHORT
MAX_COMPANIES_PER_ACCOUNT = len(REGIONS) + 1

# Contract terms in months and how often each is signed.
_TERMS = (12, 24, 36)
_TERM_WEIGHTS = (2, 4, 4)
# How far before the window a long-standing customer may have signed.
_MAX_TENURE_BEFORE_WINDOW = 18


@dataclass(frozen=True, slots=True)
class DemoContract:
    contract_id: str
    name: str
    plan: str
    is_add_on: bool
    first_month: int
    # First month no longer covered; None for an evergreen contract without an end date.
    end_month: int | None

    def is_active(self, month: int) -> bool:
        return self.first_month <= month and (self.end_month is None or month < self.end_month)

    def row(self, company_id: str) -> dict[str, Any]:
        return {
            "contract_id": self.contract_id,
            "company_id": company_id,
            "name": self.name,
            "start_date": month_start(self.first_month),
            "end_date": None if self.end_month is None else month_end(self.end_month - 1),
        }


@dataclass(frozen=True, slots=True)
class DemoCompany:
    company_id: str
    name: str
    industry: IndustryProfile
    n_employees: int | None
    # The head count behind n_employees, also when n_employees is withheld.
    size: float
    contracts: tuple[DemoContract, ...]

    def active_months(self, window: MonthWindow) -> list[int]:
        """Window months during which at least one of its contracts runs."""
        return [
            month
            for month in range(window.first, window.last + 1)
            if any(contract.is_active(month) for contract in self.contracts)
        ]

    def row(self, account_id: str) -> dict[str, Any]:
        return {
            "company_id": self.company_id,
            "account_id": account_id,
            "name": self.name,
            "industry_id": self.industry.industry_id,
            "n_employees": self.n_employees,
        }


@dataclass(frozen=True, slots=True)
class DemoAccount:
    account_id: str
    app_id: str
    name: str
    industry: IndustryProfile
    is_key_account: bool
    n_employees: int | None
    size: float
    first_month: int
    companies: tuple[DemoCompany, ...]

    def row(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "app_id": self.app_id,
            "name": self.name,
            "industry_id": self.industry.industry_id,
            "is_key_account": self.is_key_account,
            "n_employees": self.n_employees,
        }


def _largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Split total into integers proportional to weights (exact, deterministic)."""
    quotas = [total * weight / sum(weights) for weight in weights]
    counts = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - quotas[i], i))
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def accounts_per_industry(scale: float) -> list[int]:
    """Accounts of each industry of INDUSTRIES, in its order."""
    large = [industry for industry in INDUSTRIES if not industry.is_small]
    small_total = sum(industry.fixed_accounts or 0 for industry in INDUSTRIES)
    large_total = max(
        round(FULL_SCALE_ACCOUNTS * scale) - small_total,
        LARGE_INDUSTRY_MIN_ACCOUNTS * len(large),
    )
    # Every large industry gets its minimum; the rest is shared by weight.
    shares = _largest_remainder(
        large_total - LARGE_INDUSTRY_MIN_ACCOUNTS * len(large),
        [industry.weight or 0.0 for industry in large],
    )
    extra = iter(shares)
    return [
        industry.fixed_accounts
        if industry.fixed_accounts is not None
        else LARGE_INDUSTRY_MIN_ACCOUNTS + next(extra)
        for industry in INDUSTRIES
    ]


@dataclass(frozen=True, slots=True)
class _Lifecycle:
    first_month: int
    end_month: int | None


def _account_lifecycle(
    rng: random.Random, window: MonthWindow, *, long_standing: bool
) -> _Lifecycle:
    if long_standing or rng.random() >= 0.12:
        first = window.first - rng.randint(0, _MAX_TENURE_BEFORE_WINDOW)
    else:
        first = rng.randint(window.first + 1, window.last)
    if long_standing or rng.random() >= 0.07:
        return _Lifecycle(first, None)
    earliest_end = max(first, window.first) + 1
    if earliest_end > window.last:
        return _Lifecycle(first, None)
    return _Lifecycle(first, rng.randint(earliest_end, window.last))


def _company_lifecycle(rng: random.Random, window: MonthWindow, account: _Lifecycle) -> _Lifecycle:
    latest_start = (account.end_month or window.current) - 1
    first = account.first_month
    if rng.random() >= 0.5:
        first = rng.randint(account.first_month, max(account.first_month, latest_start))
    end = account.end_month
    if rng.random() < 0.1:
        # A subsidiary sold or closed before the group itself left (if it left at all).
        end = rng.randint(first + 1, end or window.current)
    return _Lifecycle(first, end)


def _subscription(
    numbers: itertools.count[int], name: str, plan: str, first: int, end: int | None
) -> DemoContract:
    return DemoContract(f"CON-{next(numbers):05d}", name, plan, False, first, end)


def _contracts(
    rng: random.Random,
    window: MonthWindow,
    lifecycle: _Lifecycle,
    size: float,
    next_id: itertools.count[int],
) -> tuple[DemoContract, ...]:
    """A chain of renewals covering the lifecycle, and sometimes an add-on beside it."""
    contracts: list[DemoContract] = []
    plan = plan_for(size)
    month = lifecycle.first_month
    while True:
        term = rng.choices(_TERMS, weights=_TERM_WEIGHTS)[0]
        stop = month + term
        kind = "subscription" if not contracts else "renewal"
        name = f"{plan} {kind} {month // 12}"
        if lifecycle.end_month is not None and stop >= lifecycle.end_month:
            # The customer leaves when this term ends, or earlier.
            contracts.append(_subscription(next_id, name, plan, month, lifecycle.end_month))
            break
        if stop > window.current:
            # The running contract: most have a term end ahead, some roll on without one.
            end = None if rng.random() < 0.25 else stop
            contracts.append(_subscription(next_id, name, plan, month, end))
            break
        contracts.append(_subscription(next_id, name, plan, month, stop))
        month = stop
        if rng.random() < 0.2:
            plan = upgraded(plan)
    if rng.random() < 0.15:
        last_start = (lifecycle.end_month or window.current) - 1
        start = rng.randint(lifecycle.first_month, max(lifecycle.first_month, last_start))
        stop = start + 12
        add_on_end: int | None = stop
        if lifecycle.end_month is not None:
            add_on_end = min(stop, lifecycle.end_month)
        elif stop > window.current and rng.random() < 0.5:
            add_on_end = None
        add_on = rng.choice(ADD_ONS)
        contracts.append(
            DemoContract(
                contract_id=f"CON-{next(next_id):05d}",
                name=f"{add_on} add-on {start // 12}",
                plan=plan,
                is_add_on=True,
                first_month=start,
                end_month=add_on_end,
            )
        )
    return tuple(contracts)


def _companies_per_account(
    rng: random.Random, sizes: list[float], keys: list[bool], total: int
) -> list[int]:
    """One company each, the rest drawn with larger and key accounts more likely."""
    counts = [1] * len(sizes)
    extra = min(total - len(sizes), (MAX_COMPANIES_PER_ACCOUNT - 1) * len(sizes))
    cumulative = list(
        itertools.accumulate(
            math.sqrt(size) * (3.0 if key else 1.0) for size, key in zip(sizes, keys, strict=True)
        )
    )
    indexes = range(len(sizes))
    while extra > 0:
        index = rng.choices(indexes, cum_weights=cumulative)[0]
        if counts[index] < MAX_COMPANIES_PER_ACCOUNT:
            counts[index] += 1
            extra -= 1
    return counts


def _company_sizes(rng: random.Random, account_size: float, count: int) -> list[float]:
    """The head office is the largest entity; subsidiaries share the rest."""
    shares = [2.0 + 2.0 * rng.random()] + [0.2 + rng.random() for _ in range(count - 1)]
    total = sum(shares)
    return [max(1.0, account_size * share / total) for share in shares]


def _other_large_industry(rng: random.Random, own: IndustryProfile) -> IndustryProfile:
    return rng.choice([i for i in INDUSTRIES if not i.is_small and i is not own])


@dataclass(frozen=True, slots=True)
class _AccountDraft:
    industry: IndustryProfile
    size: float
    is_key_account: bool
    app_id: str
    name: str
    lifecycle: _Lifecycle


def _draft_accounts(rng: random.Random, window: MonthWindow, scale: float) -> list[_AccountDraft]:
    slots: list[tuple[IndustryProfile, bool]] = []
    for industry, count in zip(INDUSTRIES, accounts_per_industry(scale), strict=True):
        slots.extend(
            (industry, industry.is_small or index < LONG_STANDING_PER_INDUSTRY)
            for index in range(count)
        )
    # Ids in shuffled order, so neighbouring ids are not all of one industry.
    rng.shuffle(slots)
    taken_names: set[str] = set()
    drafts = []
    for industry, long_standing in slots:
        employees = rng.lognormvariate(math.log(industry.employees_median), 1.1)
        size = min(250_000.0, max(3.0, employees))
        drafts.append(
            _AccountDraft(
                industry=industry,
                size=size,
                is_key_account=rng.random() < (0.6 if size > 3000 else 0.04),
                app_id=APPS[0] if rng.random() < FIRST_APP_SHARE else APPS[1],
                name=account_name(rng, industry.industry_id, taken_names),
                lifecycle=_account_lifecycle(rng, window, long_standing=long_standing),
            )
        )
    return drafts


def _companies(
    rng: random.Random,
    window: MonthWindow,
    draft: _AccountDraft,
    count: int,
    company_ids: itertools.count[int],
    contract_ids: itertools.count[int],
) -> tuple[DemoCompany, ...]:
    companies = []
    sizes = _company_sizes(rng, draft.size, count)
    names = company_names(rng, draft.name, count)
    for position, (size, name) in enumerate(zip(sizes, names, strict=True)):
        # The head office is the customer for as long as the account is.
        lifecycle = draft.lifecycle
        if position > 0:
            lifecycle = _company_lifecycle(rng, window, draft.lifecycle)
        industry = draft.industry
        # A diversified group: some subsidiaries (never the head office) work elsewhere.
        if position > 0 and not industry.is_small and rng.random() < 0.1:
            industry = _other_large_industry(rng, industry)
        companies.append(
            DemoCompany(
                company_id=f"CMP-{next(company_ids):05d}",
                name=name,
                industry=industry,
                n_employees=None if rng.random() < 0.03 else round(size),
                size=size,
                contracts=_contracts(rng, window, lifecycle, size, contract_ids),
            )
        )
    return tuple(companies)


def generate_accounts(
    rng: random.Random, window: MonthWindow, scale: float
) -> tuple[DemoAccount, ...]:
    """The accounts with their companies and contracts, all drawn from ``rng`` in order."""
    drafts = _draft_accounts(rng, window, scale)
    company_counts = _companies_per_account(
        rng,
        [draft.size for draft in drafts],
        [draft.is_key_account for draft in drafts],
        max(round(FULL_SCALE_COMPANIES * scale), len(drafts)),
    )
    company_ids = itertools.count(1)
    contract_ids = itertools.count(1)
    accounts = []
    for number, (draft, count) in enumerate(zip(drafts, company_counts, strict=True), 1):
        companies = _companies(rng, window, draft, count, company_ids, contract_ids)
        accounts.append(
            DemoAccount(
                account_id=f"ACC-{number:05d}",
                app_id=draft.app_id,
                name=draft.name,
                industry=draft.industry,
                is_key_account=draft.is_key_account,
                n_employees=None if rng.random() < 0.02 else round(draft.size),
                size=draft.size,
                first_month=draft.lifecycle.first_month,
                companies=companies,
            )
        )
    return tuple(accounts)
