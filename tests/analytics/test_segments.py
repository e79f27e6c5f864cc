from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.segments import (
    SEGMENTS_LOW_TO_HIGH,
    Segment,
    cluster_values,
    segment_of_rank,
)


def test_nine_clusters_map_two_two_three_two() -> None:
    assert [segment_of_rank(rank, 9) for rank in range(9)] == [
        Segment.LOW_VALUE,
        Segment.LOW_VALUE,
        Segment.BELOW_AVERAGE,
        Segment.BELOW_AVERAGE,
        Segment.AVERAGE,
        Segment.AVERAGE,
        Segment.AVERAGE,
        Segment.HIGH_VALUE,
        Segment.HIGH_VALUE,
    ]


def test_few_clusters_sit_in_the_middle_of_the_scale() -> None:
    assert [segment_of_rank(r, 1) for r in range(1)] == [Segment.AVERAGE]
    assert [segment_of_rank(r, 2) for r in range(2)] == [Segment.BELOW_AVERAGE, Segment.HIGH_VALUE]
    assert [segment_of_rank(r, 4) for r in range(4)] == list(SEGMENTS_LOW_TO_HIGH)
    with pytest.raises(ValueError, match="not one of 4 clusters"):
        segment_of_rank(4, 4)


def test_fewer_distinct_values_make_fewer_clusters() -> None:
    clustering = cluster_values([1, 1, 2, 2, 3])
    assert clustering.clusters == 3
    assert clustering.ranks == [0, 0, 1, 1, 2]
    assert clustering.segments() == [
        Segment.LOW_VALUE,
        Segment.LOW_VALUE,
        Segment.AVERAGE,
        Segment.AVERAGE,
        Segment.HIGH_VALUE,
    ]
    assert cluster_values([]).ranks == []
    assert cluster_values([5, 5, 5]).segments() == [Segment.AVERAGE] * 3


def test_an_outlier_takes_a_cluster_of_its_own() -> None:
    rng = random.Random(7)
    values = [rng.uniform(100, 1000) for _ in range(300)] + [1_000_000]
    clustering = cluster_values(values)
    assert clustering.clusters == 9
    assert clustering.ranks[-1] == 8
    assert clustering.ranks.count(8) == 1
    # The rest still spread over the other segments rather than all sitting at the bottom.
    assert len(set(clustering.segments()[:-1])) == 4


def test_the_result_is_deterministic_and_independent_of_order() -> None:
    rng = random.Random(3)
    values = [round(rng.lognormvariate(5, 1.2), 2) for _ in range(500)]
    first = cluster_values(values)
    assert cluster_values(values) == first
    shuffled = list(range(len(values)))
    rng.shuffle(shuffled)
    again = cluster_values([values[i] for i in shuffled])
    assert [again.ranks[shuffled.index(i)] for i in range(len(values))] == first.ranks


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(0, 60), st.floats(0, 1e7, allow_nan=False)), min_size=1, max_size=80
    ),
    st.integers(1, 12),
)
def test_a_larger_value_never_gets_a_lower_segment(values: list[float], clusters: int) -> None:
    clustering = cluster_values(values, max_clusters=clusters)
    order = {segment: index for index, segment in enumerate(SEGMENTS_LOW_TO_HIGH)}
    segments = clustering.segments()
    assert clustering.clusters <= min(clusters, len(set(values)))
    pairs = sorted(zip(values, clustering.ranks, segments, strict=True), key=lambda p: p[0])
    for (low, low_rank, low_segment), (high, high_rank, high_segment) in itertools.pairwise(pairs):
        assert low_rank <= high_rank
        assert order[low_segment] <= order[high_segment]
        if low == high:
            assert low_rank == high_rank
