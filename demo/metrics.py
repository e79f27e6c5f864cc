"""The demo's monthly metric values, generated account by account.

Each account draws from its own generator (seeded by the demo seed and its id), so its values
depend only on itself, never on how the accounts are batched. Levels are consistent the way
roll-ups are: a company's active users and contract value are the sums over its running
contracts, an account's values aggregate its companies' with each metric's aggregation, and
an industry's values aggregate its accounts'.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import reduce
from typing import Any

from demo.calendar import MonthWindow, calendar_month
from demo.catalog import (
    ACCOUNT,
    ACTIVE_USERS,
    AUTOMATION_RATE,
    COMPANY,
    CONTRACT,
    CONTRACT_VALUE,
    CSAT,
    HOURS_SAVED,
    INDUSTRIES,
    INDUSTRY,
    MINUTES_SAVED,
    PIPELINE_VALUE,
    REPLY_RATE,
    RESPONSE_TIME,
    REVENUE,
    TICKETS_RESOLVED,
    TIME_TO_RESOLUTION,
    DemoMetric,
    IndustryProfile,
    metrics_at,
)
from demo.entities import DemoAccount, DemoCompany, DemoContract

Row = dict[str, Any]

# Roll-ups never depend on whatever decimal context the calling thread has set.
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_PLAN_PRICE_FACTOR = {"Starter": 0.8, "Growth": 1.0, "Professional": 1.2, "Enterprise": 1.45}
_USD_PER_EUR = 1.08


def exact(value: float, places: int) -> Decimal:
    """The float rounded to ``places`` decimals as an exact Decimal (1234.5 -> '1234.50')."""
    return Decimal(round(value * 10**places)).scaleb(-places)


def aggregate(values: list[Decimal], metric: DemoMetric) -> Decimal:
    """Roll values up with the metric's aggregation, kept at the metric's precision."""
    quantum = Decimal(1).scaleb(-metric.places)
    if metric.aggregation == "sum":
        return reduce(_CONTEXT.add, values)
    if metric.aggregation == "mean":
        total = reduce(_CONTEXT.add, values)
        return _CONTEXT.divide(total, Decimal(len(values))).quantize(quantum, context=_CONTEXT)
    if metric.aggregation == "median":
        ordered = sorted(values)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        pair = _CONTEXT.add(ordered[middle - 1], ordered[middle])
        return _CONTEXT.divide(pair, Decimal(2)).quantize(quantum, context=_CONTEXT)
    if metric.aggregation == "min":
        return min(values)
    if metric.aggregation == "max":
        return max(values)
    raise ValueError(f"unknown aggregation {metric.aggregation!r} of metric {metric.name!r}")


def _clip(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


@dataclass(frozen=True, slots=True)
class _AccountTraits:
    """How one account differs from its industry's typical customer."""

    adoption: float
    utilization: float
    volume: float
    reply_offset: float
    response_factor: float
    minutes_per_ticket: float
    automation_start: float
    automation_ceiling: float
    automation_pace: float
    hours_per_user: float
    revenue_factor: float
    revenue_growth: float
    pipeline_multiple: float
    resolution_factor: float
    csat_offset: float

    @classmethod
    def draw(cls, rng: random.Random) -> _AccountTraits:
        return cls(
            adoption=0.12 * rng.lognormvariate(0.0, 0.5),
            utilization=rng.uniform(0.65, 0.98),
            volume=rng.lognormvariate(0.0, 0.3),
            reply_offset=rng.gauss(0.0, 4.0),
            response_factor=rng.lognormvariate(0.0, 0.35),
            minutes_per_ticket=rng.uniform(4.0, 12.0),
            automation_start=rng.uniform(0.08, 0.35),
            automation_ceiling=rng.uniform(0.45, 0.8),
            automation_pace=rng.uniform(10.0, 30.0),
            hours_per_user=rng.uniform(0.3, 1.6),
            revenue_factor=rng.lognormvariate(0.0, 0.4),
            revenue_growth=rng.gauss(0.006, 0.004),
            pipeline_multiple=rng.uniform(2.0, 3.5),
            resolution_factor=rng.lognormvariate(0.0, 0.3),
            csat_offset=rng.gauss(0.0, 3.0),
        )


def _season(industry: IndustryProfile, month: int) -> float:
    angle = 2 * math.pi * (calendar_month(month) - industry.season_peak) / 12
    return 1 + industry.season_amplitude * math.cos(angle)


@dataclass(frozen=True, slots=True)
class _Terms:
    """What a contract commits to: seats at a monthly price per seat."""

    seats: int
    monthly_value: Decimal


def _price_per_seat(industry: IndustryProfile, plan: str, seats: int) -> float:
    discount = min(0.3, 0.05 * max(0.0, math.log2(seats / 25)))
    price = industry.seat_price_eur * _PLAN_PRICE_FACTOR[plan] * (1 - discount)
    return round(price * 2) / 2  # list prices end in .00 or .50


def _contract_terms(
    rng: random.Random, company: DemoCompany, traits: _AccountTraits
) -> list[_Terms]:
    """Seats grow or shrink at each renewal; an add-on covers part of the main seats."""
    terms: list[_Terms] = []
    seats = 0
    for contract in company.contracts:
        if contract.is_add_on:
            add_on_seats = max(1, round(seats * rng.uniform(0.05, 0.3)))
            price = round(rng.uniform(9.0, 19.0) * 2) / 2
            terms.append(_Terms(add_on_seats, exact(add_on_seats * price, 2)))
            continue
        if seats == 0:
            seats = round(company.size * traits.adoption)
        else:
            seats = round(seats * rng.uniform(0.95, 1.3))
        seats = max(3, min(seats, max(3, round(company.size))))
        price = _price_per_seat(company.industry, contract.plan, seats)
        terms.append(_Terms(seats, exact(seats * price, 2)))
    return terms


class _Rollup:
    """Values of one level per month, waiting to be aggregated one level up."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, int], list[Decimal]] = defaultdict(list)

    def add(self, metric: DemoMetric, month: int, value: Decimal) -> None:
        self.values[metric.name, month].append(value)

    def months(self) -> list[int]:
        return sorted({month for _name, month in self.values})

    def aggregate(self, metric: DemoMetric, month: int) -> Decimal:
        return aggregate(self.values[metric.name, month], metric)


class MetricValueGenerator:
    """Generates the rows of one account at a time, then the industries' roll-ups."""

    def __init__(self, *, seed: str, window: MonthWindow) -> None:
        self._seed = seed
        self._window = window
        self._dates = {month: window.dates[month - window.first] for month in self._months()}
        self._industries: dict[str, _Rollup] = defaultdict(_Rollup)

    def _months(self) -> range:
        return range(self._window.first, self._window.last + 1)

    def _row(
        self, level: str, entity_id: str, metric: DemoMetric, month: int, value: Decimal
    ) -> Row:
        return {
            "level": level,
            "entity_id": entity_id,
            "metric_name": metric.name,
            "effective_date": self._dates[month],
            "value": value,
        }

    def account_rows(self, account: DemoAccount) -> list[Row]:
        rng = random.Random(f"{self._seed}:metrics:{account.account_id}")
        traits = _AccountTraits.draw(rng)
        automation = {
            month: _clip(
                traits.automation_ceiling
                - (traits.automation_ceiling - traits.automation_start)
                * math.exp(-(month - account.first_month) / traits.automation_pace)
                + rng.gauss(0.0, 0.01),
                0.01,
                0.95,
            )
            for month in self._months()
        }
        rows: list[Row] = []
        companies = _Rollup()
        for company in account.companies:
            rows.extend(self._company_rows(rng, company, traits, automation, companies))
        rows.extend(self._own_account_rows(rng, account, traits, automation, companies))
        return rows

    def _contract_rows(
        self,
        rng: random.Random,
        company: DemoCompany,
        contract: DemoContract,
        terms: _Terms,
        traits: _AccountTraits,
        contracts: _Rollup,
    ) -> list[Row]:
        rows: list[Row] = []
        first_of_company = company.contracts[0].first_month
        for month in self._months():
            if not contract.is_active(month):
                continue
            # New customers take a few months to bring all their users on board.
            ramp = min(1.0, 0.55 + 0.15 * (month - first_of_company))
            season = 1 + 0.3 * (_season(company.industry, month) - 1)
            users = terms.seats * traits.utilization * ramp * season * (1 + rng.gauss(0.0, 0.04))
            active = Decimal(round(_clip(users, 0, terms.seats * 1.1)))
            for metric, value in ((ACTIVE_USERS, active), (CONTRACT_VALUE, terms.monthly_value)):
                rows.append(self._row(CONTRACT, contract.contract_id, metric, month, value))
                contracts.add(metric, month, value)
        return rows

    def _company_rows(
        self,
        rng: random.Random,
        company: DemoCompany,
        traits: _AccountTraits,
        automation: dict[int, float],
        companies: _Rollup,
    ) -> list[Row]:
        volume = traits.volume * rng.lognormvariate(0.0, 0.15)
        reply_offset = traits.reply_offset + rng.gauss(0.0, 2.0)
        response_factor = traits.response_factor * rng.lognormvariate(0.0, 0.15)
        industry = company.industry
        rows: list[Row] = []
        contracts = _Rollup()
        all_terms = _contract_terms(rng, company, traits)
        for contract, terms in zip(company.contracts, all_terms, strict=True):
            rows.extend(self._contract_rows(rng, company, contract, terms, traits, contracts))
        for month in contracts.months():
            step = month - self._window.first
            season = _season(industry, month)
            users = contracts.aggregate(ACTIVE_USERS, month)
            tickets = float(users) * industry.tickets_per_user * volume * season
            tickets *= 1 + rng.gauss(0.0, 0.06)
            saved = tickets * automation[month] * traits.minutes_per_ticket
            saved *= 1 + rng.gauss(0.0, 0.05)
            reply = industry.reply_rate + reply_offset + 0.08 * step + rng.gauss(0.0, 1.2)
            response = industry.response_minutes * response_factor * 0.99**step
            response *= (1 + 0.5 * (season - 1)) * (1 + rng.gauss(0.0, 0.07))
            values = (
                (ACTIVE_USERS, users),
                (CONTRACT_VALUE, contracts.aggregate(CONTRACT_VALUE, month)),
                (TICKETS_RESOLVED, exact(max(0.0, tickets), 0)),
                (MINUTES_SAVED, exact(max(0.0, saved), 0)),
                (REPLY_RATE, exact(_clip(reply, 20.0, 99.9), 1)),
                (RESPONSE_TIME, exact(max(1.0, response), 1)),
            )
            for metric, value in values:
                rows.append(self._row(COMPANY, company.company_id, metric, month, value))
                companies.add(metric, month, value)
        return rows

    def _own_account_rows(
        self,
        rng: random.Random,
        account: DemoAccount,
        traits: _AccountTraits,
        automation: dict[int, float],
        companies: _Rollup,
    ) -> list[Row]:
        industry = account.industry
        rollup = self._industries[industry.industry_id]
        rows: list[Row] = []
        for month in companies.months():
            step = month - self._window.first
            season = _season(industry, month)
            users = float(companies.aggregate(ACTIVE_USERS, month))
            tenure = month - account.first_month
            hours = users * traits.hours_per_user * min(1.0, (tenure + 1) / 6)
            hours *= 1 + rng.gauss(0.0, 0.08)
            revenue = users * industry.revenue_per_user_eur * traits.revenue_factor * season
            revenue *= (1 + traits.revenue_growth) ** step * (1 + rng.gauss(0.0, 0.1))
            revenue = max(0.0, revenue)
            pipeline = revenue * traits.pipeline_multiple * _USD_PER_EUR
            pipeline *= max(0.2, 1 + rng.gauss(0.0, 0.15))
            resolution = industry.resolution_days * traits.resolution_factor * 0.985**step
            resolution *= (1 + 0.3 * (season - 1)) * (1 + rng.gauss(0.0, 0.08))
            # Slow responders get lower satisfaction.
            csat = industry.csat + traits.csat_offset + 0.06 * step
            csat += -3.0 * (traits.response_factor - 1) + rng.gauss(0.0, 0.8)
            values = (
                *(
                    (metric, companies.aggregate(metric, month))
                    for metric in (
                        ACTIVE_USERS,
                        CONTRACT_VALUE,
                        TICKETS_RESOLVED,
                        MINUTES_SAVED,
                        REPLY_RATE,
                        RESPONSE_TIME,
                    )
                ),
                (HOURS_SAVED, exact(max(0.0, hours), 1)),
                (REVENUE, exact(revenue, 2)),
                (PIPELINE_VALUE, exact(pipeline, 0)),
                (TIME_TO_RESOLUTION, exact(max(0.1, resolution), 1)),
                (CSAT, exact(_clip(csat, 30.0, 99.5), 1)),
                (AUTOMATION_RATE, exact(automation[month], 3)),
            )
            for metric, value in values:
                rows.append(self._row(ACCOUNT, account.account_id, metric, month, value))
                if INDUSTRY in metric.levels:
                    rollup.add(metric, month, value)
        return rows

    def industry_rows(self) -> list[Row]:
        """The industries' values: call after every account's rows were generated."""
        rows: list[Row] = []
        for industry in INDUSTRIES:
            rollup = self._industries.get(industry.industry_id)
            if rollup is None:
                continue
            for month in rollup.months():
                for metric in metrics_at(INDUSTRY):
                    value = rollup.aggregate(metric, month)
                    rows.append(self._row(INDUSTRY, industry.industry_id, metric, month, value))
        return rows


def count_rows(accounts: tuple[DemoAccount, ...], window: MonthWindow) -> int:
    """How many rows the generator will produce, without generating them."""
    per_level = {level: len(metrics_at(level)) for level in (ACCOUNT, COMPANY, CONTRACT, INDUSTRY)}
    total = 0
    industry_months: set[tuple[str, int]] = set()
    months = range(window.first, window.last + 1)
    for account in accounts:
        account_months: set[int] = set()
        for company in account.companies:
            company_months = company.active_months(window)
            account_months.update(company_months)
            total += per_level[COMPANY] * len(company_months)
            for contract in company.contracts:
                active = sum(1 for month in months if contract.is_active(month))
                total += per_level[CONTRACT] * active
        total += per_level[ACCOUNT] * len(account_months)
        industry_months.update((account.industry.industry_id, month) for month in account_months)
    return total + per_level[INDUSTRY] * len(industry_months)
