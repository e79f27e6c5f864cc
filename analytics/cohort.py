"""The cohort rule: no value derived from fewer than MIN_COHORT distinct accounts leaves the
server. Every path that returns derived data asks this one module."""

from __future__ import annotations

# Below five, percentiles and roll-ups are close to single customers' own values.
MIN_COHORT = 5


def effective_minimum(configured: int) -> int:
    """Configuration may raise the minimum, never lower it below MIN_COHORT."""
    return max(configured, MIN_COHORT)


def is_publishable(distinct_accounts: int, *, minimum: int = MIN_COHORT) -> bool:
    return distinct_accounts >= effective_minimum(minimum)


def is_publishable_to(
    distinct_accounts: int, *, own_accounts: int, minimum: int = MIN_COHORT
) -> bool:
    """Whether a value derived from `distinct_accounts` may reach a key that already knows
    `own_accounts` of them (an account key its own account, an app key its app's): the others
    alone must meet the rule, or the key takes its own values out of the figure and is left
    with fewer than the minimum (an account key in a cohort of 5 ranked against 4 others)."""
    return is_publishable(distinct_accounts - own_accounts, minimum=minimum)
