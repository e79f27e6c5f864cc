"""The dashboard writes the numbers the API gives without a formattedValue (benchmark
percentiles) as the API writes formattedValue: its format.js against analytics.formatting, in
English, run by Node (the module only needs the browser's address and languages)."""

from __future__ import annotations

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from analytics.formatting import format_value

FORMAT_JS = (
    Path(__file__).resolve().parents[3] / "server" / "pages" / "static" / "dashboard" / "format.js"
)

SCRIPT = """
globalThis.window = { location: { search: "?locale=en" } };
globalThis.navigator = { languages: ["en"], language: "en" };
const format = await import(process.argv[1]);
const cases = JSON.parse(process.argv[2]);
console.log(JSON.stringify(cases.map(([value, unit]) => format.formatInUnit(value, { unit }))));
"""

CASES = [
    (35.4, "minutes"),
    (59.4, "minutes"),
    (5, "minutes"),
    (90, "minutes"),
    (0.4, "minutes"),
    (2941, "minutes"),
    (44.8, "hours"),
    (0.2, "hours"),
    (0.574, "ratio"),
    (0.4213, "ratio"),
    (1, "ratio"),
    (42.5, "percent"),
]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_the_pages_durations_and_ratios_read_as_the_apis() -> None:
    answer = subprocess.run(
        ["node", "--input-type=module", "-e", SCRIPT, FORMAT_JS.as_uri(), json.dumps(CASES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    page = json.loads(answer.stdout)
    api = [format_value(Decimal(str(value)), unit, "en") for value, unit in CASES]
    assert page == api


SERIES = """
globalThis.window = { location: { search: "?locale=en" } };
globalThis.navigator = { languages: ["en"], language: "en" };
const format = await import(process.argv[1]);
console.log(JSON.stringify(format.seriesLabels(JSON.parse(process.argv[2]))));
"""


def _labels(rows: list[dict[str, str | None]]) -> list[str]:
    answer = subprocess.run(
        ["node", "--input-type=module", "-e", SERIES, FORMAT_JS.as_uri(), json.dumps(rows)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    labels: list[str] = json.loads(answer.stdout)
    return labels


def _rows(values: list[str], unit: str, currency: str | None) -> list[dict[str, str | None]]:
    return [
        {"value": value, "currency": currency, "formattedValue": format_value(Decimal(value), unit)}
        for value in values
    ]


@pytest.mark.skipif(shutil.which("node") is None, reason="Node is not installed")
def test_a_currency_series_with_cents_shows_them_on_its_whole_amounts_too() -> None:
    assert _labels(_rows(["6396.00", "5423.50"], "EUR", "EUR")) == ["€6,396.00", "€5,423.50"]
    # A series of whole amounts, one of amounts with cents, or of another unit: as the API says.
    assert _labels(_rows(["6396.00", "5423"], "EUR", "EUR")) == ["€6,396", "€5,423"]
    assert _labels(_rows(["6396.10", "5423.50"], "EUR", "EUR")) == ["€6,396.10", "€5,423.50"]
    assert _labels(_rows(["12", "12.5"], "count", None)) == ["12", "12.5"]
