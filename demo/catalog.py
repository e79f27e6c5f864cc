"""What the demo data set is made of: its apps, industries and metric definitions.

The demo tells one product story: a customer-service and messaging platform sold per seat.
Its customers answer tickets and messages, automate some of them, and sell through the
channels; the metrics measure that, at the level where each one is measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from analytics.units import COUNT, DAYS, HOURS, MINUTES, PERCENT, RATIO
from store.tables import Level

APPS: tuple[str, ...] = ("northwind", "southpeak")
# Share of the accounts that belong to the first app; the rest belong to the second.
FIRST_APP_SHARE = 0.6

ACCOUNT = Level.ACCOUNT
COMPANY = Level.COMPANY
CONTRACT = Level.CONTRACT
INDUSTRY = Level.INDUSTRY


@dataclass(frozen=True, slots=True)
class IndustryProfile:
    """How customers of one industry typically look; accounts vary around these levels."""

    industry_id: str
    name: str
    # Relative share of the accounts; None for the deliberately small industries.
    weight: float | None
    # Exact number of accounts of a small industry (fewer than the cohort minimum).
    fixed_accounts: int | None
    employees_median: float
    seat_price_eur: float
    tickets_per_user: float
    reply_rate: float
    response_minutes: float
    resolution_days: float
    csat: float
    revenue_per_user_eur: float
    # Busiest calendar month and how much busier it is than the yearly average.
    season_peak: int
    season_amplitude: float

    @property
    def is_small(self) -> bool:
        return self.fixed_accounts is not None


_INDUSTRY_NAMES = {
    "retail": "Retail & E-commerce",
    "healthcare": "Healthcare",
    "financial_services": "Financial Services",
    "logistics": "Logistics & Transport",
    "manufacturing": "Manufacturing",
    "software": "Software & SaaS",
    "hospitality": "Hospitality & Travel",
    "education": "Education",
    "telecom": "Telecommunications",
    "energy": "Energy & Utilities",
    "aerospace": "Aerospace & Defence",
    "agriculture": "Agriculture",
}


def _profile(
    industry_id: str, weight: float | None, fixed: int | None, *levels: float
) -> IndustryProfile:
    employees, price, tickets, reply, response, resolution, csat, revenue, peak, amplitude = levels
    return IndustryProfile(
        industry_id=industry_id,
        name=_INDUSTRY_NAMES[industry_id],
        weight=weight,
        fixed_accounts=fixed,
        employees_median=employees,
        seat_price_eur=price,
        tickets_per_user=tickets,
        reply_rate=reply,
        response_minutes=response,
        resolution_days=resolution,
        csat=csat,
        revenue_per_user_eur=revenue,
        season_peak=int(peak),
        season_amplitude=amplitude,
    )


# Columns after the id: share of accounts, or the fixed account count of a small industry;
# then employees median, seat price EUR/month, tickets per user/month, reply rate %, response
# minutes, resolution days, CSAT %, revenue per user EUR/month, peak month, peak amplitude.
# fmt: off
INDUSTRIES: tuple[IndustryProfile, ...] = (
    _profile("retail", 16, None, 180, 39, 22, 86, 35, 1.2, 84, 1400, 12, 0.25),
    _profile("healthcare", 11, None, 600, 59, 12, 80, 95, 2.8, 88, 600, 1, 0.10),
    _profile("financial_services", 10, None, 900, 79, 15, 91, 48, 1.9, 81, 2600, 3, 0.08),
    _profile("logistics", 9, None, 420, 45, 28, 78, 62, 1.6, 79, 900, 11, 0.18),
    _profile("manufacturing", 10, None, 750, 49, 9, 74, 140, 3.5, 82, 1800, 10, 0.06),
    _profile("software", 12, None, 140, 69, 18, 93, 22, 0.9, 90, 2100, 9, 0.05),
    _profile("hospitality", 8, None, 260, 35, 25, 83, 41, 1.1, 86, 1100, 7, 0.30),
    _profile("education", 7, None, 520, 29, 14, 76, 180, 4.2, 85, 250, 9, 0.22),
    _profile("telecom", 6, None, 2200, 55, 31, 88, 55, 2.2, 74, 700, 1, 0.07),
    _profile("energy", 6, None, 1500, 52, 19, 72, 210, 5.1, 71, 500, 1, 0.15),
    # Two industries too small to benchmark: they show the cohort rule refusing.
    _profile("aerospace", None, 3, 3000, 85, 7, 81, 160, 3.9, 80, 3200, 6, 0.05),
    _profile("agriculture", None, 4, 220, 32, 11, 70, 240, 3.1, 83, 800, 5, 0.20),
)
# fmt: on
INDUSTRY_BY_ID: dict[str, IndustryProfile] = {i.industry_id: i for i in INDUSTRIES}


@dataclass(frozen=True, slots=True)
class DemoMetric:
    name: str
    unit: str
    description: str
    higher_is_better: bool
    aggregation: str
    # Decimal places the values carry: money to cents or whole, percents to one decimal.
    places: int
    levels: tuple[str, ...]
    # What one account's monthly value can be: the clamp of private releases.
    bounds: tuple[Decimal, Decimal]

    def definition_row(self) -> dict[str, object]:
        return {
            "name": self.name,
            "unit": self.unit,
            "description": self.description,
            "higher_is_better": self.higher_is_better,
            "aggregation": self.aggregation,
            "lower_bound": self.bounds[0],
            "upper_bound": self.bounds[1],
        }


_ALL_ENTITY_LEVELS = (ACCOUNT, COMPANY, CONTRACT)
_COMPANY_AND_UP = (ACCOUNT, COMPANY)
_ACCOUNT_ONLY = (ACCOUNT,)

ACTIVE_USERS = DemoMetric(
    name="active_users",
    unit=COUNT,
    description="Users who signed in at least once during the month.",
    higher_is_better=True,
    aggregation="sum",
    places=0,
    levels=(*_ALL_ENTITY_LEVELS, INDUSTRY),
    bounds=(Decimal(0), Decimal("5000")),
)
CONTRACT_VALUE = DemoMetric(
    name="contract_value",
    unit="EUR",
    description="Monthly value of the active contracts: seats times seat price.",
    higher_is_better=True,
    aggregation="sum",
    places=2,
    levels=_ALL_ENTITY_LEVELS,
    bounds=(Decimal(0), Decimal("500000")),
)
TICKETS_RESOLVED = DemoMetric(
    name="tickets_resolved",
    unit=COUNT,
    description="Support tickets closed as resolved during the month.",
    higher_is_better=True,
    aggregation="sum",
    places=0,
    levels=_COMPANY_AND_UP,
    bounds=(Decimal(0), Decimal("200000")),
)
MINUTES_SAVED = DemoMetric(
    name="minutes_saved",
    unit=MINUTES,
    description="Agent minutes saved by automated replies and routing.",
    higher_is_better=True,
    aggregation="sum",
    places=0,
    levels=_COMPANY_AND_UP,
    bounds=(Decimal(0), Decimal("500000")),
)
REPLY_RATE = DemoMetric(
    name="reply_rate",
    unit=PERCENT,
    description="Share of inbound messages answered within one business day.",
    higher_is_better=True,
    aggregation="mean",
    places=1,
    levels=(*_COMPANY_AND_UP, INDUSTRY),
    bounds=(Decimal(0), Decimal("100")),
)
RESPONSE_TIME = DemoMetric(
    name="response_time",
    unit=MINUTES,
    description="Median time from an inbound message to the first human reply.",
    higher_is_better=False,
    aggregation="median",
    places=1,
    levels=(*_COMPANY_AND_UP, INDUSTRY),
    bounds=(Decimal(0), Decimal("1440")),
)
HOURS_SAVED = DemoMetric(
    name="hours_saved",
    unit=HOURS,
    description="Staff hours saved by scheduled reports and integrations.",
    higher_is_better=True,
    aggregation="sum",
    places=1,
    levels=_ACCOUNT_ONLY,
    bounds=(Decimal(0), Decimal("10000")),
)
REVENUE = DemoMetric(
    name="revenue",
    unit="EUR",
    description="Revenue from orders placed through the messaging channels.",
    higher_is_better=True,
    aggregation="sum",
    places=2,
    levels=_ACCOUNT_ONLY,
    bounds=(Decimal(0), Decimal("10000000")),
)
PIPELINE_VALUE = DemoMetric(
    name="pipeline_value",
    unit="USD",
    description="Open sales pipeline sourced by outbound campaigns.",
    higher_is_better=True,
    aggregation="sum",
    places=0,
    levels=_ACCOUNT_ONLY,
    bounds=(Decimal(0), Decimal("50000000")),
)
TIME_TO_RESOLUTION = DemoMetric(
    name="time_to_resolution",
    unit=DAYS,
    description="Median time from a ticket's creation to its resolution.",
    higher_is_better=False,
    aggregation="median",
    places=1,
    levels=(ACCOUNT, INDUSTRY),
    bounds=(Decimal(0), Decimal("30")),
)
CSAT = DemoMetric(
    name="csat",
    unit=PERCENT,
    description="Customer satisfaction: share of surveyed customers rating 4 or 5 of 5.",
    higher_is_better=True,
    aggregation="mean",
    places=1,
    levels=(ACCOUNT, INDUSTRY),
    bounds=(Decimal(0), Decimal("100")),
)
AUTOMATION_RATE = DemoMetric(
    name="automation_rate",
    unit=RATIO,
    description="Share of tickets resolved without an agent (0 to 1).",
    higher_is_better=True,
    aggregation="mean",
    places=3,
    levels=(ACCOUNT, INDUSTRY),
    bounds=(Decimal(0), Decimal("1")),
)

METRICS: tuple[DemoMetric, ...] = (
    ACTIVE_USERS,
    CONTRACT_VALUE,
    TICKETS_RESOLVED,
    MINUTES_SAVED,
    REPLY_RATE,
    RESPONSE_TIME,
    HOURS_SAVED,
    REVENUE,
    PIPELINE_VALUE,
    TIME_TO_RESOLUTION,
    CSAT,
    AUTOMATION_RATE,
)


def metrics_at(level: str) -> tuple[DemoMetric, ...]:
    return tuple(metric for metric in METRICS if level in metric.levels)
