"""The enums of the inner layers, registered as GraphQL enums in place, each value described.

The inner layers cannot use `strawberry.enum_value` (analytics and resolvers never import the
schema's library), so the descriptions of their values are given here, by value name, and a
value without one is an error at import: every enum value of the SDL says what it means."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum

import strawberry
from strawberry.types.enum import has_enum_definition

from analytics.credit import CreditSegment
from analytics.segments import Segment
from resolvers.figures import FigureKind
from store.sales_records import CreditRiskDay, QuarterSegmentStatus, RecencyDay, SegmentationStatus

__all__ = [
    "CreditRiskDay",
    "CreditSegment",
    "FigureKind",
    "QuarterSegmentStatus",
    "RecencyDay",
    "Segment",
    "SegmentationStatus",
    "described_enum",
]


def described_enum(
    cls: type[Enum], *, description: str, values: Mapping[str, str], name: str | None = None
) -> None:
    """Register `cls` as a GraphQL enum (named `name`, else as the class), with `values` as the
    descriptions of its values."""
    strawberry.enum(cls, name=name, description=description)
    assert has_enum_definition(cls)
    definition = cls.__strawberry_definition__
    names = {value.name for value in definition.values}
    if names != set(values):
        raise ValueError(f"{cls.__name__}: describe exactly {sorted(names)}, not {sorted(values)}")
    definition.values = [
        dataclasses.replace(value, description=values[value.name]) for value in definition.values
    ]


described_enum(
    FigureKind,
    description=(
        "Whether figures across accounts are exact or differentially private. Internal keys "
        "get EXACT figures; every other key gets DIFFERENTIALLY_PRIVATE ones."
    ),
    values={
        "EXACT": "Computed from the members' exact values (internal keys only).",
        "DIFFERENTIALLY_PRIVATE": (
            "Drawn once, when the month was published, by a differentially private mechanism "
            "(OpenDP) from values clamped to the metric's bounds of that moment, and frozen "
            "with them: asking again returns the same numbers, whatever the bounds are since."
        ),
    },
)

described_enum(
    Segment,
    description=(
        "Where an account's frequency or monetary value sits among the app's accounts of a "
        "quarter: K-means clusters (up to 9) ranked by centroid, and cluster rank r of k "
        "placed at (r + 1/2)/k on an even scale whose quarter names the segment. With 9 "
        "clusters the lowest two are LOW_VALUE, the next two BELOW_AVERAGE, the next three "
        "AVERAGE and the top two HIGH_VALUE. A larger value never gets a lower segment."
    ),
    values={
        "HIGH_VALUE": "The top quarter of the scale (with 9 clusters: ranks 7 and 8).",
        "AVERAGE": (
            "The third quarter of the scale (with 9 clusters: ranks 4 to 6); with a single "
            "cluster, every account."
        ),
        "BELOW_AVERAGE": "The second quarter of the scale (with 9 clusters: ranks 2 and 3).",
        "LOW_VALUE": "The bottom quarter of the scale (with 9 clusters: ranks 0 and 1).",
        "NOT_COMPARED": (
            "Not compared: too few customers this quarter to compare. For a key that does not "
            "own the app (an account key), a quarter in which, besides the account itself, "
            "fewer of the app's accounts than the cohort minimum (5) bought has no segments: "
            "with so few, a segment would order the account against single other customers. "
            "QuarterSegment.segmentStatus says so too. Never a count's segment in `segmentation`."
        ),
    },
)

described_enum(
    QuarterSegmentStatus,
    description=(
        "Whether a quarter of a sales profile carries the account's segments and clusters for "
        "the key that asks."
    ),
    values={
        "SEGMENTED": (
            "The quarter's segments and clusters, among the app's accounts that bought in it."
        ),
        "TOO_FEW_CUSTOMERS": (
            "Too few customers this quarter to compare: besides the account itself, fewer of "
            "the app's accounts than the cohort minimum (5) bought in it, and the key does not "
            "own the app (an account key), so the segments are NOT_COMPARED and the clusters "
            "null. App and internal keys, which see every account of the app, always get them."
        ),
    },
)

described_enum(
    CreditSegment,
    description=(
        "The band of a credit score: LOW_RISK from 70, HIGH_RISK below 40, MEDIUM_RISK "
        "between (both thresholds are configurable on the server)."
    ),
    values={
        "LOW_RISK": "A score at or above the low-risk threshold (70 by default).",
        "MEDIUM_RISK": "A score between the two thresholds (40 to 69 by default).",
        "HIGH_RISK": "A score below the high-risk threshold (40 by default).",
    },
)

described_enum(
    CreditRiskDay,
    description=(
        "Which rule chose the day a credit risk is measured on (CreditRisk.asOf). The same "
        "account's figures are the same for every key measured on the same day; the default "
        "day differs by key, since an account key must not learn its app's latest ledger date "
        "(another customer's entry date): ask creditRisk(asOf:) with the other key's asOf to "
        "get its figures."
    ),
    values={
        "LATEST_LEDGER_DATE": (
            "The latest ledger date of the account's app: the default for app and internal "
            "keys (nothing is known of payments after it)."
        ),
        "LEDGER_PERIOD_END": (
            "The end of the period stated by the title of the latest ledger or Day Book export "
            "with the account's entries (`1-Apr-25 to 30-Sep-25`): an account key's default."
        ),
        "TODAY": (
            "Today (or the account's latest entry, if dated after today): an account key's "
            "default when no such period is known, its unpaid invoices late up to it."
        ),
        "ASKED": (
            "The day creditRisk(asOf:) asked for (never after today, nor, for an account key, "
            "after its default day)."
        ),
    },
)

described_enum(
    RecencyDay,
    description=(
        "Which day a sales profile's recency counts to (SalesProfile.recencyAsOf): the "
        "default differs by key, since an account key must not learn when another account of "
        "its app last bought."
    ),
    values={
        "LATEST_SALE": "The latest sale ingested for the app: app and internal keys.",
        "TODAY": "Today: an account key.",
    },
)

described_enum(
    SegmentationStatus,
    description=(
        "What a quarter's segmentation rests on: the segment job's segments of the quarter, "
        "no sale at all in it, or sales that have not been segmented yet."
    ),
    values={
        "SEGMENTED": "The app's accounts with orders in the quarter have their segments.",
        "NO_SALES": (
            "No account of the app has a sale in the quarter: there is nothing to segment, "
            "and the quarter's counts are 0 (the previous quarter's, and who lapsed, still count)."
        ),
        "NOT_SEGMENTED": (
            "The app has sales in the quarter, but the segment job has not derived segments "
            "from them yet: the quarter's counts are 0 until `profiling segment` runs."
        ),
    },
)
