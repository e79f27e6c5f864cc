"""The cohort rule: no value derived from fewer than MIN_COHORT distinct accounts leaves the
server. Every path that returns derived data asks this one function."""

from __future__ import annotations

# Below five, percentiles and roll-ups are close to single customers' own values.
MIN_COHORT = 5


def effective_minimum(configured: int) -> int:
    """Configuration may raise the minimum, never lower it below MIN_COHORT."""
    return max(configured, MIN_COHORT)


def is_publishable(distinct_accounts: int, *, minimum: int = MIN_COHORT) -> bool:
    return distinct_accounts >= effective_minimum(minimum)
