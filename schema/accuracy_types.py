"""The public a-priori accuracy of a differentially private figure, as the API serves it.

Computed from public facts only (the cohort size, the release's epsilon, the bounds it was
drawn with: analytics/private_accuracy.py), so it tells nothing of the members' values."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from analytics.private_accuracy import FigureAccuracy, describe
from analytics.units import PERCENT, canonical_unit
from resolvers.formatted_values import formatted_value

ACCURACY_FIELD_DOC = (
    "How precise the differentially private figures are, at 95% confidence, from public facts "
    "only (cohort size, privacy budget, the metric's bounds when the month was published); null "
    "for exact figures (internal keys), when refused, and for a release of a month published "
    "before the server kept its bounds when the metric no longer declares them (the "
    "README's RELEASE_BOUNDS_UNKNOWN)."
)
INFORMATIVE_FIELD_DOC = (
    "Whether the figures are precise enough to tell sectors apart: always true for exact "
    "figures; for private ones true when accuracy.informative is. Null when refused."
)


@strawberry.type(
    name="FigureAccuracy",
    description="The 95% a-priori accuracy of a differentially private figure: where the "
    "released value lies, with that confidence, against the exact one it stands for.",
)
class FigureAccuracyType:
    found: strawberry.Private[FigureAccuracy]
    unit: strawberry.Private[str]

    @strawberry.field(description="The confidence of the statement: 0.95.")  # type: ignore[untyped-decorator]
    def confidence(self) -> float:
        return self.found.confidence

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="For percentiles (and a median): each released percentile lies between "
        "the exact percentiles this many accounts below and above its rank (the metric's "
        "bounds beyond the cohort). Null for a sum or mean."
    )
    def rank_error(self) -> int | None:
        return self.found.rank_error

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="rankError as percentile points of the cohort (100 x rankError / "
        "cohortSize): a p50 with 20 lies between the exact p30 and p70. Null for a sum or mean."
    )
    def rank_error_percent(self) -> float | None:
        return self.found.rank_error_percent

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="For a sum or mean: the released value lies within this of the exact "
        "one, in the metric's unit. Null for percentiles."
    )
    def half_width(self) -> float | None:
        return self.found.half_width

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="Whether the figure is precise enough to tell sectors apart: a "
        "percentile's rankError at most a quarter of the cohort (a p50 then lies within the "
        "exact p25..p75), a roll-up's halfWidth at most a quarter of its possible range."
    )
    def informative(self) -> bool:
        return self.found.informative

    @strawberry.field(  # type: ignore[untyped-decorator]
        description="How many times the month's privacy budget would make this figure "
        "informative (1 when it is); null when no budget would (too few accounts)."
    )
    def budget_factor(self) -> float | None:
        factor = self.found.budget_factor
        return None if factor is None else round(factor, 2)

    @strawberry.field(description="The accuracy in one plain English sentence.")  # type: ignore[untyped-decorator]
    def summary(self) -> str:
        width = self.found.half_width
        if width is None:
            unit_text = None
        elif canonical_unit(self.unit) == PERCENT:
            # A margin of a percentage is in points: "±43.9%" reads as 43.9% of the value.
            unit_text = f"{round(width, 2):g} percentage points"
        else:
            unit_text = formatted_value(Decimal(repr(round(width, 2))), unit=self.unit, locale="en")
        return describe(self.found, unit_text=unit_text)


def accuracy_type(found: FigureAccuracy | None, unit: str) -> FigureAccuracyType | None:
    return None if found is None else FigureAccuracyType(found=found, unit=unit)
