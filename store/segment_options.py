"""The configurable parts of segmentation and credit scoring, from the environment.

| variable | default | meaning |
| --- | --- | --- |
| PROFILING_SEGMENT_CLUSTERS | 9 | K-means clusters per quarter (fewer when fewer distinct values) |
| PROFILING_RECENT_QUARTERS | 1 | isRecent: bought within this many quarters of the latest sale |
| PROFILING_PAYMENT_TERMS_DAYS | 30 | due date of an invoice that has none |
| PROFILING_LOW_RISK_SCORE | 70 | credit scores from here up are LOW_RISK |
| PROFILING_HIGH_RISK_SCORE | 40 | credit scores below this are HIGH_RISK |

The ingest of sales or ledger data and `profiling segment` both read them, so a recomputation
triggered by a load gives what `profiling segment` gives.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from analytics.credit import CreditPolicy
from analytics.rfm import DEFAULT_RECENT_QUARTERS
from analytics.segments import DEFAULT_CLUSTERS, check_clusters
from store.settings import SettingsError

MAX_RECENT_QUARTERS = 40


@dataclass(frozen=True, slots=True)
class SegmentOptions:
    max_clusters: int = DEFAULT_CLUSTERS
    recent_quarters: int = DEFAULT_RECENT_QUARTERS
    credit: CreditPolicy = field(default_factory=CreditPolicy)

    def __post_init__(self) -> None:
        check_clusters(self.max_clusters)
        if not 1 <= self.recent_quarters <= MAX_RECENT_QUARTERS:
            raise ValueError(
                f"the recency window must be 1 to {MAX_RECENT_QUARTERS} quarters, "
                f"got {self.recent_quarters}"
            )


def _whole_number(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {text!r}") from None


def load_segment_options(environ: Mapping[str, str] | None = None) -> SegmentOptions:
    env = os.environ if environ is None else environ
    defaults = CreditPolicy()
    try:
        return SegmentOptions(
            max_clusters=_whole_number(env, "PROFILING_SEGMENT_CLUSTERS", DEFAULT_CLUSTERS),
            recent_quarters=_whole_number(
                env, "PROFILING_RECENT_QUARTERS", DEFAULT_RECENT_QUARTERS
            ),
            credit=CreditPolicy(
                payment_terms_days=_whole_number(
                    env, "PROFILING_PAYMENT_TERMS_DAYS", defaults.payment_terms_days
                ),
                low_risk_from=_whole_number(
                    env, "PROFILING_LOW_RISK_SCORE", defaults.low_risk_from
                ),
                high_risk_below=_whole_number(
                    env, "PROFILING_HIGH_RISK_SCORE", defaults.high_risk_below
                ),
            ),
        )
    except ValueError as exc:
        if isinstance(exc, SettingsError):
            raise
        raise SettingsError(str(exc)) from exc
