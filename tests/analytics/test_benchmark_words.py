"""Roll-ups, insight sentences, revision checks and the pulse summary."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.insights import Band, band, band_words, insight
from analytics.pulse import NONE_INFORMATIVE, SectorMedian, summarize
from analytics.revision import blocking_cohorts
from analytics.rollups import roll_up

D = [Decimal(v) for v in ("1.5", "2", "10", "4.25", "7")]


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [("sum", "24.75"), ("mean", "4.95"), ("median", "4.25"), ("min", "1.5"), ("max", "10")],
)
def test_roll_ups_are_exact(aggregation: str, expected: str) -> None:
    assert roll_up(D, aggregation) == Decimal(expected)


def test_unknown_aggregation_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown aggregation"):
        roll_up(D, "mode")


@pytest.mark.parametrize(
    ("percentile", "expected"),
    [
        (100, Band.TOP_10),
        (90, Band.TOP_10),
        (89, Band.TOP_QUARTILE),
        (75, Band.TOP_QUARTILE),
        (74, Band.ABOVE_MEDIAN),
        (51, Band.ABOVE_MEDIAN),
        (50, Band.ABOVE_MEDIAN),  # the benchmarks engine's ">= 50"
        (49, Band.BOTTOM_HALF),
        (25, Band.BOTTOM_HALF),
        (24, Band.BOTTOM_QUARTILE),
        (0, Band.BOTTOM_QUARTILE),
    ],
)
def test_five_bands(percentile: int, expected: Band) -> None:
    assert band(percentile) is expected


def test_insight_names_the_sector_and_points_the_right_way() -> None:
    high = insight(
        metric="reply_rate",
        formatted_value="42.5%",
        sector="Retail",
        percentile=80,
        higher_is_better=True,
    )
    assert high == (
        "Your reply rate of 42.5% is in the top quartile of Retail: "
        "as high as or higher than 80% of its accounts."
    )
    low = insight(
        metric="response_time",
        formatted_value="12min",
        sector="Retail",
        percentile=95,
        higher_is_better=False,
    )
    assert "in the top 10% of Retail" in low
    assert "as low as or lower than 95%" in low


def _members(*names: str) -> frozenset[str]:
    return frozenset(names)


FIVE = _members("a", "b", "c", "d", "e")


@pytest.mark.parametrize(
    ("before", "after", "blocked"),
    [
        (FIVE, FIVE, False),  # nothing changed
        (FIVE, FIVE | {"f"}, True),  # the differencing example: one more account
        (FIVE, FIVE - {"e"}, True),  # one fewer (5 -> 4, published before)
        (FIVE, FIVE | {"f", "g", "h", "i"}, True),  # four more
        (FIVE, FIVE | {"f", "g", "h", "i", "j"}, False),  # five more dilute any one of them
        (_members("a", "b"), _members("a", "b", "c"), False),  # refused before and after
        (_members("a", "b", "c", "d"), FIVE, True),  # 4 -> 5: the newcomer is exposed next time
        (frozenset(), FIVE, False),  # a new cohort of five: nothing to compare it with
    ],
)
def test_revisions_are_blocked_by_small_membership_changes(
    before: frozenset[str], after: frozenset[str], blocked: bool
) -> None:
    result = blocking_cohorts({"k": before}, {"k": after})
    assert bool(result) is blocked


@given(
    st.frozensets(st.sampled_from("abcdefghijklmnop")),
    st.frozensets(st.sampled_from("abcdefghijklmnop")),
)
def test_any_publishable_change_of_1_to_4_blocks(
    before: frozenset[str], after: frozenset[str]
) -> None:
    changed = len(before ^ after)
    published = len(before) >= 5 or len(after) >= 5
    assert bool(blocking_cohorts({1: before}, {1: after})) == (published and 1 <= changed <= 4)


def test_pulse_summary() -> None:
    current = [
        SectorMedian("Retail", "reply_rate", 40.0, True),
        SectorMedian("Energy", "reply_rate", 45.0, True),
        SectorMedian("Retail", "response_time", 12.0, False),
        SectorMedian("Energy", "response_time", 9.0, False),
    ]
    previous = [
        SectorMedian("Retail", "reply_rate", 38.5, True),
        SectorMedian("Energy", "response_time", 9.0, False),
    ]
    lines = summarize(
        month=dt.date(2023, 4, 1),
        current=current,
        previous=previous,
        previous_month=dt.date(2023, 3, 1),
        minimum=5,
        formatted=lambda metric, value: f"{value:g}",
    )
    assert lines == [
        "April 2023: 2 sectors and 2 metrics had at least 5 contributing accounts.",
        "Best reply rate: Energy (median 45).",
        "Best response time: Energy (median 9).",
        "Retail, reply rate: median 40, against 38.5 in March 2023.",
        "Energy, response time: median 9, as in March 2023.",
    ]


def test_pulse_summary_cites_informative_medians_only() -> None:
    current = [
        SectorMedian("Retail", "reply_rate", 40.0, True, informative=True),
        SectorMedian("Energy", "reply_rate", 95.0, True, informative=False),  # noise
        SectorMedian("Retail", "response_time", 12.0, False, informative=False),
        SectorMedian("Energy", "response_time", 1.0, False, informative=False),
    ]
    previous = [
        SectorMedian("Retail", "reply_rate", 38.5, True, informative=False),
        SectorMedian("Energy", "reply_rate", 45.0, True, informative=True),
    ]
    lines = summarize(
        month=dt.date(2023, 4, 1),
        current=current,
        previous=previous,
        previous_month=dt.date(2023, 3, 1),
        minimum=5,
        formatted=lambda metric, value: f"{value:g}",
    )
    assert lines == [
        "April 2023: 2 sectors and 2 metrics had at least 5 contributing accounts.",
        "Best reply rate: Retail (median 40).",
        "No sector's private response time figures are precise enough this month at the "
        "configured privacy budget to name a best sector.",
    ]
    nothing = summarize(
        month=dt.date(2023, 4, 1),
        current=current[2:],
        previous=[],
        previous_month=None,
        minimum=5,
        formatted=lambda metric, value: f"{value:g}",
    )
    assert nothing[1:] == [NONE_INFORMATIVE]


def test_pulse_summary_names_no_best_sector_of_a_metric_only_one_sector_has() -> None:
    lines = summarize(
        month=dt.date(2023, 4, 1),
        current=[
            SectorMedian("Retail", "reply_rate", 40.0, True),
            SectorMedian("Energy", "reply_rate", 45.0, True),
            SectorMedian("Energy", "response_time", 9.0, False),
        ],
        previous=[],
        previous_month=None,
        minimum=5,
        formatted=lambda metric, value: f"{value:g}",
    )
    assert lines == [
        "April 2023: 2 sectors and 2 metrics had at least 5 contributing accounts.",
        "Best reply rate: Energy (median 45).",
    ]
    single = summarize(
        month=dt.date(2023, 4, 1),
        current=[SectorMedian("Energy", "response_time", 9.0, False, informative=False)],
        previous=[],
        previous_month=None,
        minimum=5,
        formatted=lambda metric, value: f"{value:g}",
    )
    assert single == ["April 2023: 1 sector and 1 metric had at least 5 contributing accounts."]


@given(st.integers(0, 100), st.booleans(), st.sampled_from(["42.5%", "1h 30min", "€15,000"]))
def test_the_english_insight_is_the_apis_sentence_as_before(
    percentile: int, higher_is_better: bool, value: str
) -> None:
    """Written through gettext, the API's English sentence is word for word what it was."""
    direction = "as high as or higher than" if higher_is_better else "as low as or lower than"
    assert insight(
        metric="reply_rate",
        formatted_value=value,
        sector="Retail",
        percentile=percentile,
        higher_is_better=higher_is_better,
    ) == (
        f"Your reply rate of {value} is {band(percentile).value} of Retail: "
        f"{direction} {percentile}% of its accounts."
    )


def test_an_insight_formats_its_numbers_for_its_locale() -> None:
    """Without a translation the words stay English; the percentages are the locale's."""
    sentence = insight(
        metric="reply_rate",
        formatted_value="42,5\xa0%",
        sector="Retail",
        percentile=95,
        higher_is_better=True,
        locale="fr",
    )
    assert sentence == (
        "Your reply rate of 42,5\xa0% is in the top 10\xa0% of Retail: "
        "as high as or higher than 95\xa0% of its accounts."
    )
    assert band_words(Band.TOP_10, locale="ar") == "in the top 10\u200e%\u200e"
    translated = band_words(Band.TOP_10, locale="de", gettext=lambda m: f"<{m}>")
    assert translated == "<in the top 10\xa0%>"


@given(
    st.lists(
        st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False), min_size=1, max_size=9
    ),
    st.sampled_from(["sum", "mean", "median", "min", "max"]),
)
def test_roll_ups_are_written_without_an_exponent(values: list[Decimal], aggregation: str) -> None:
    # The API writes a Decimal as str does: a mean of 100 and 100.00 was "1E+2".
    text = str(roll_up(values, aggregation))
    assert "E" not in text.upper()
    assert Decimal(text) == roll_up(values, aggregation)


@pytest.mark.parametrize(
    ("values", "expected"),
    [(["100", "100.00"], "100"), (["33500000", "33500000.0"], "33500000"), (["1.5", "2"], "1.75")],
)
def test_means_of_whole_numbers_read_as_written(values: list[str], expected: str) -> None:
    assert str(roll_up([Decimal(value) for value in values], "mean")) == expected


def test_pulse_summary_of_many_sectors_cites_the_largest_changes_and_counts_the_rest() -> None:
    sectors = [f"Sector {n:02d}" for n in range(10)]
    # Sector n's reply rate moved by n points from 50; its response time stayed at 10.
    current = [SectorMedian(s, "reply_rate", 50.0 + n, True) for n, s in enumerate(sectors)]
    current += [SectorMedian(s, "response_time", 10.0, False) for s in sectors]
    previous = [SectorMedian(s, "reply_rate", 50.0, True) for s in sectors]
    previous += [SectorMedian(s, "response_time", 10.0, False) for s in sectors]
    lines = summarize(
        month=dt.date(2023, 4, 1),
        current=current,
        previous=previous,
        previous_month=dt.date(2023, 3, 1),
        minimum=5,
        formatted=lambda metric, value: f"{value:g}",
    )
    assert lines[3:] == [
        "Sector 09, reply rate: median 59, against 50 in March 2023.",
        "Sector 08, reply rate: median 58, against 50 in March 2023.",
        "Sector 07, reply rate: median 57, against 50 in March 2023.",
        "Sector 06, reply rate: median 56, against 50 in March 2023.",
        "Sector 05, reply rate: median 55, against 50 in March 2023.",
        "15 other sector medians changed less since March 2023 (each sector's benchmarks give "
        "its figures).",
    ]


@given(
    st.lists(
        st.tuples(st.floats(0, 1e6, allow_nan=False), st.floats(0, 1e6, allow_nan=False)),
        min_size=1,
        max_size=40,
    )
)
def test_pulse_summary_stays_short_and_accounts_for_every_median(
    medians: list[tuple[float, float]],
) -> None:
    sectors = [f"S{n}" for n in range(len(medians))]
    current = [
        SectorMedian(s, "m", now, True) for s, (now, _) in zip(sectors, medians, strict=True)
    ]
    previous = [
        SectorMedian(s, "m", then, True) for s, (_, then) in zip(sectors, medians, strict=True)
    ]
    lines = summarize(
        month=dt.date(2023, 4, 1),
        current=current,
        previous=previous,
        previous_month=dt.date(2023, 3, 1),
        minimum=5,
        formatted=lambda metric, value: f"{value:g}",
    )
    changes = [line for line in lines if line.startswith("S")]
    assert len(changes) <= 5
    counted = [line for line in lines if "other sector median" in line]
    others = int(counted[0].split()[0]) if counted else 0
    assert len(changes) + others == len(medians)
