"""Against differencing: when may a published month be recomputed?

Two answers whose cohorts differ by a few accounts reveal those accounts (a cohort of 5 with
p50 41, one more account and p50 44: the newcomer's value is 47). So a revision is refused when
any cohort that was or would be publishable changes its membership by 1 to 4 accounts."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from analytics.cohort import MIN_COHORT, effective_minimum

K = TypeVar("K", bound=Hashable)

# Changing by this many accounts or more dilutes any one account among the others.
SAFE_CHANGE = MIN_COHORT


@dataclass(frozen=True, slots=True)
class BlockingCohort(Generic[K]):
    cohort: K
    before: int
    after: int
    changed: int


def blocking_cohorts(
    before: Mapping[K, frozenset[str]],
    after: Mapping[K, frozenset[str]],
    *,
    minimum: int = MIN_COHORT,
) -> list[BlockingCohort[K]]:
    """The cohorts whose membership change would let two answers be differenced."""
    floor = effective_minimum(minimum)
    blocking: list[BlockingCohort[K]] = []
    for cohort in sorted(set(before) | set(after), key=repr):
        old = before.get(cohort, frozenset())
        new = after.get(cohort, frozenset())
        changed = len(old ^ new)
        # A cohort refused both times answered nothing that could be compared.
        published_once = len(old) >= floor or len(new) >= floor
        if published_once and 0 < changed < SAFE_CHANGE:
            blocking.append(BlockingCohort(cohort, len(old), len(new), changed))
    return blocking
