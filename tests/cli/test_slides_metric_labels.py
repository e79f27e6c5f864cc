"""How the deck names a metric: its defined name with the first letter capitalised, and common
business abbreviations in capitals wherever they stand (a slide reading "Dso" looks like a typo)."""

from __future__ import annotations

import pytest

from cli.slides.text import metric_label


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("minutes_saved", "Minutes saved"),
        ("dso", "DSO"),
        ("csat", "CSAT"),
        ("net_sales", "Net sales"),
        ("monthly_arr_growth", "Monthly ARR growth"),
        ("cost", "Cost"),
        ("Nps_score", "NPS score"),
        ("  padded__name ", "Padded name"),
    ],
)
def test_metric_label(name: str, label: str) -> None:
    assert metric_label(name) == label
