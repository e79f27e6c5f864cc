from __future__ import annotations

from analytics.segment_flows import SegmentCount, SegmentTransition, segment_flows
from analytics.segments import Segment

HIGH, AVERAGE, BELOW, LOW = (
    Segment.HIGH_VALUE,
    Segment.AVERAGE,
    Segment.BELOW_AVERAGE,
    Segment.LOW_VALUE,
)


def test_counts_transitions_entries_and_lapses() -> None:
    flows = segment_flows(
        [(HIGH, HIGH, 3), (LOW, HIGH, 1), (None, AVERAGE, 2), (BELOW, None, 4), (LOW, LOW, 1)]
    )
    assert flows.counts == [
        SegmentCount(HIGH, 4),
        SegmentCount(AVERAGE, 2),
        SegmentCount(BELOW, 0),
        SegmentCount(LOW, 1),
    ]
    assert flows.previous_counts == [
        SegmentCount(HIGH, 3),
        SegmentCount(AVERAGE, 0),
        SegmentCount(BELOW, 4),
        SegmentCount(LOW, 2),
    ]
    assert (flows.accounts, flows.previous_accounts) == (7, 9)
    assert len(flows.transitions) == 16
    assert flows.transitions[0] == SegmentTransition(HIGH, HIGH, 3)
    moved = {(t.from_segment, t.to_segment): t.accounts for t in flows.transitions if t.accounts}
    assert moved == {(HIGH, HIGH): 3, (LOW, HIGH): 1, (LOW, LOW): 1}
    assert [c.accounts for c in flows.entered] == [0, 2, 0, 0]
    assert [c.accounts for c in flows.lapsed] == [0, 0, 4, 0]


def test_no_accounts_gives_every_entry_with_zero() -> None:
    flows = segment_flows([])
    assert flows.accounts == 0
    assert all(t.accounts == 0 for t in flows.transitions)
    assert [c.segment for c in flows.counts] == [HIGH, AVERAGE, BELOW, LOW]
