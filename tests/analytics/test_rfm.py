from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.quarters import Quarter
from analytics.rfm import SaleLine, is_recent, monetary_values, quarterly_activity, recent_since

D = Decimal


def test_orders_are_distinct_invoices_and_lines_without_one() -> None:
    lines = [
        SaleLine(dt.date(2024, 1, 5), "INV-1", D("100.10"), D("10")),
        SaleLine(dt.date(2024, 1, 5), "INV-1", D("50.00"), D("5")),
        SaleLine(dt.date(2024, 2, 9), "INV-2", D("0.01"), D("0")),
        SaleLine(dt.date(2024, 3, 1), "", D("20"), D("2")),
        SaleLine(dt.date(2024, 3, 2), "", D("20"), None),
        # Returns: money back, neither orders nor purchases; a quarter of returns only is none
        # of the account's quarters.
        SaleLine(dt.date(2024, 3, 20), "CN-1", D("-10.00"), D("-1")),
        SaleLine(dt.date(2023, 12, 31), "CN-0", D("-5"), D("-1")),
    ]
    (new,) = quarterly_activity(lines)
    assert new.quarter == Quarter(2024, 1)
    assert new.orders == 4
    assert new.revenue == D("180.11")
    assert new.profit is None  # one line without a profit: no partial sum
    assert (new.first_purchase, new.last_purchase) == (dt.date(2024, 1, 5), dt.date(2024, 3, 2))
    assert new.recency_days() == 29


sale_lines = st.lists(
    st.builds(
        SaleLine,
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2024, 12, 31)),
        st.sampled_from(["", "", "A", "B", "C"]),
        st.decimals(min_value=-1000, max_value=10**6, places=2, allow_nan=False),
        st.none() | st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False),
        # Untyped lines: typed ones are tests/store/ingest/test_orders_by_voucher_type.py's.
        voucher_type=st.none(),
    ),
    max_size=40,
)


@settings(max_examples=60)
@given(sale_lines)
def test_quarters_add_up_to_the_lines(lines: list[SaleLine]) -> None:
    by_quarter: dict[Quarter, list[SaleLine]] = defaultdict(list)
    for line in lines:
        by_quarter[Quarter.of(line.sale_date)].append(line)
    activities = quarterly_activity(reversed(lines))
    with_purchases = [q for q, own in by_quarter.items() if any(ln.amount > 0 for ln in own)]
    assert [a.quarter for a in activities] == sorted(with_purchases)
    for activity in activities:
        own = by_quarter[activity.quarter]
        purchases = [line for line in own if line.amount > 0]
        invoices = {line.invoice for line in purchases if line.invoice}
        assert activity.orders == len(invoices) + sum(1 for line in purchases if not line.invoice)
        assert activity.revenue == sum((line.amount for line in own), D(0))
        profits = [line.profit for line in own]
        expected = None if None in profits else sum((p for p in profits if p is not None), D(0))
        assert activity.profit == expected
        assert activity.last_purchase == max(line.sale_date for line in purchases)
        assert activity.first_purchase == min(line.sale_date for line in purchases)
        assert 0 <= activity.recency_days() <= 92


def test_a_quarter_not_over_is_measured_to_the_latest_sale_not_to_its_end() -> None:
    (current,) = quarterly_activity([SaleLine(dt.date(2026, 11, 8), "", D("5"), None)])
    # 53 days to 2026-12-31 was a day still to come; the app's latest sale is "now".
    assert current.recency_days(dt.date(2026, 11, 30)) == 22
    assert current.recency_days(dt.date(2027, 2, 1)) == 53  # the quarter is over by then
    assert current.recency_days() == 53


@given(sale_lines, st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2025, 6, 30)))
def test_recency_never_counts_past_the_latest_sale(lines: list[SaleLine], latest: dt.date) -> None:
    for activity in quarterly_activity(lines):
        if activity.last_purchase <= latest:
            days = activity.recency_days(latest)
            assert 0 <= days <= (latest - activity.last_purchase).days
            assert days <= activity.recency_days()


def test_monetary_value_is_profit_only_when_every_account_has_one() -> None:
    lines = [SaleLine(dt.date(2024, 1, 1), "", D("10"), D("3"))]
    with_profit = quarterly_activity(lines)
    without = quarterly_activity([SaleLine(dt.date(2024, 1, 1), "", D("7"), None)])
    assert monetary_values(with_profit) == ([D("3")], True)
    assert monetary_values(with_profit + without) == ([D("10"), D("7")], False)


def test_recent_means_within_the_window_before_the_latest_sale() -> None:
    latest = dt.date(2024, 5, 31)
    assert recent_since(latest) == dt.date(2024, 2, 29)
    assert is_recent(dt.date(2024, 2, 29), latest_sale=latest)
    assert not is_recent(dt.date(2024, 2, 28), latest_sale=latest)
    assert is_recent(dt.date(2023, 12, 1), latest_sale=latest, quarters=2)
