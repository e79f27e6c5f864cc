"""How the accounts of an app spread over the segments in a quarter, and how they moved since
the previous quarter: a transition table that slide generators turn into charts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from analytics.segments import SEGMENTS_LOW_TO_HIGH, Segment

# Highest first, as charts list them.
SEGMENTS_HIGH_TO_LOW = tuple(reversed(SEGMENTS_LOW_TO_HIGH))


class SegmentCount(NamedTuple):
    segment: Segment
    accounts: int


class SegmentTransition(NamedTuple):
    from_segment: Segment
    to_segment: Segment
    accounts: int


@dataclass(frozen=True, slots=True)
class SegmentFlows:
    """Accounts per segment now and before, and the moves between the two quarters. Every
    list has one entry per segment (or pair of segments), zeros included, highest first."""

    counts: list[SegmentCount]
    previous_counts: list[SegmentCount]
    # Accounts with orders in both quarters, by their segment before and now.
    transitions: list[SegmentTransition]
    # Accounts with orders now but none in the previous quarter, by their segment now.
    entered: list[SegmentCount]
    # Accounts with orders in the previous quarter but none now, by their segment then.
    lapsed: list[SegmentCount]

    @property
    def accounts(self) -> int:
        return sum(count.accounts for count in self.counts)

    @property
    def previous_accounts(self) -> int:
        return sum(count.accounts for count in self.previous_counts)


def segment_flows(moves: Iterable[tuple[Segment | None, Segment | None, int]]) -> SegmentFlows:
    """Flows from (segment before, segment now, accounts) triples; None is "no orders"."""
    now: dict[Segment, int] = dict.fromkeys(SEGMENTS_HIGH_TO_LOW, 0)
    before: dict[Segment, int] = dict.fromkeys(SEGMENTS_HIGH_TO_LOW, 0)
    entered: dict[Segment, int] = dict.fromkeys(SEGMENTS_HIGH_TO_LOW, 0)
    lapsed: dict[Segment, int] = dict.fromkeys(SEGMENTS_HIGH_TO_LOW, 0)
    pairs: dict[tuple[Segment, Segment], int] = {
        (source, target): 0 for source in SEGMENTS_HIGH_TO_LOW for target in SEGMENTS_HIGH_TO_LOW
    }
    for source, target, accounts in moves:
        if target is not None:
            now[target] += accounts
        if source is not None:
            before[source] += accounts
        if source is not None and target is not None:
            pairs[source, target] += accounts
        elif target is not None:
            entered[target] += accounts
        elif source is not None:
            lapsed[source] += accounts
    return SegmentFlows(
        counts=[SegmentCount(*item) for item in now.items()],
        previous_counts=[SegmentCount(*item) for item in before.items()],
        transitions=[SegmentTransition(*pair, count) for pair, count in pairs.items()],
        entered=[SegmentCount(*item) for item in entered.items()],
        lapsed=[SegmentCount(*item) for item in lapsed.items()],
    )
