"""A unit comes back as it was defined (`euros` stays `euros`), with its ISO currency code beside
it, and formatting works for every spelling: loaded through the real ingest, read through HTTP."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from schema import metrics_field
from store.ingest import IngestKind
from store.jobs.publish import publish_month
from tests.api_client import TODAY, GraphQLClient
from tests.schema.execution.differential.support import DifferentialClient, differential_client
from tests.store.ingest.support import load_text

# name, unit as defined, value, expected currency, en, fr
UNITS = [
    ("revenue", "euros", "15000", "EUR", "€15,000", "15\u202f000\u00a0€"),
    ("fees", "EUR", "15000", "EUR", "€15,000", "15\u202f000\u00a0€"),
    ("us_revenue", "USD", "1234.5", "USD", "$1,234.50", "1\u202f234,50\u00a0$US"),
    ("dollars_saved", " US dollars ", "10", "USD", "$10", "10\u00a0$US"),
    ("sar_revenue", "SAR", "15000", "SAR", "SAR\u00a015,000", "15\u202f000\u00a0SAR"),
    ("gbp_revenue", "pounds", "7.25", "GBP", "£7.25", "7,25\u00a0£GB"),
    ("minutes_saved", "minutes", "90", None, "1h 30min", None),
    ("reply_rate", "%", "42.5", None, "42.5%", "42,5\u00a0%"),
]


@pytest.fixture
async def loaded(engine: AsyncEngine, tmp_path: Path) -> None:
    definitions = "name,unit\n" + "".join(f"{name},{unit}\n" for name, unit, *_ in UNITS)
    await load_text(engine, tmp_path, IngestKind.DEFINITIONS, definitions)
    await load_text(engine, tmp_path, IngestKind.INDUSTRIES, "industry_id,name\nretail,Retail\n")
    accounts = "account_id,name,industry\n" + "".join(
        f"acc-{n},Account {n},retail\n" for n in range(5)
    )
    await load_text(engine, tmp_path, IngestKind.ACCOUNTS, accounts)
    rows = "".join(
        f"account,acc-{n},{name},2023-04-01,{value}\n"
        for n in range(5)
        for name, _unit, value, *_ in UNITS
    )
    # A row may spell a defined unit otherwise: it names the same unit, and changes nothing.
    rows += "account,acc-0,revenue,2023-03-01,1,EUR\n"
    await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value,unit\n" + rows,
    )
    await publish_month(
        engine, month=dt.date(2023, 4, 1), today=dt.date.fromisoformat(TODAY), min_cohort=5
    )


ROWS = """{ account(accountId: "acc-0") { metrics(effectiveDates: ["2023-04-01"]) {
    metricName unit currency value en: formattedValue fr: formattedValue(locale: "fr") } } }"""


def _expected_rows() -> list[dict[str, Any]]:
    return [
        {
            "metricName": name,
            "unit": unit.strip(),
            "currency": currency,
            "value": value,
            "en": en,
            "fr": fr,
        }
        for name, unit, value, currency, en, fr in sorted(UNITS)
    ]


async def test_rows_answer_the_unit_as_defined_with_its_currency(
    client: GraphQLClient, loaded: None
) -> None:
    rows = (await client.data(ROWS))["account"]["metrics"]
    expected = _expected_rows()
    for row in expected:
        if row["fr"] is None:  # the French duration is the formatter's business, not ours
            row.pop("fr")
    assert [{key: row[key] for key in expected[i]} for i, row in enumerate(rows)] == expected


async def test_definitions_and_benchmarks_answer_the_unit_as_defined(
    client: GraphQLClient, loaded: None
) -> None:
    data = await client.data(
        """{ metricDefinitions { name unit currency }
             sectorBenchmarks(metric: "revenue") { unit currency p50 } }"""
    )
    assert data["metricDefinitions"] == [
        {"name": name, "unit": unit.strip(), "currency": currency}
        for name, unit, _value, currency, *_ in sorted(UNITS)
    ]
    assert data["sectorBenchmarks"] == [{"unit": "euros", "currency": "EUR", "p50": 15000.0}]


async def test_currency_is_a_column_the_lean_executor_computes_once_per_list(
    engine: AsyncEngine,
    loaded: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The per-row resolver never runs on the lean path (it does on the standard one), and
    both answer alike."""
    calls: list[str] = []
    original = metrics_field.currency_of

    def counted(unit: str) -> str | None:
        calls.append(unit)
        return original(unit)

    monkeypatch.setattr(metrics_field, "currency_of", counted)
    query = """{ accounts { edges { node { metrics { unit currency } } } } }"""
    client: DifferentialClient
    async with differential_client(engine, monkeypatch) as client:
        lean = await client.data(query)
        assert calls == []
        with client.standard_executor():
            standard = await client.data(query)
    rows = [row for edge in lean["accounts"]["edges"] for row in edge["node"]["metrics"]]
    assert len(rows) == 5 * len(UNITS) + 1
    assert len(calls) == len(rows)
    assert lean == standard
    assert {"unit": "euros", "currency": "EUR"} in rows
