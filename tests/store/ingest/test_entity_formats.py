"""Accounts, companies, contracts and metrics files read dates and numbers as sales exports
are read (one date parser, one number parser, the same per-file rules), and skip total lines
as they do, counting them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind
from tests.store.ingest.support import load_text, seed_entities, table_rows


async def _values(engine: AsyncEngine) -> dict[tuple[str, dt.date], Decimal]:
    rows = await table_rows(engine, "metric_value")
    return {(row[1], row[3]): row[4] for row in rows}


async def test_employees_as_an_accounting_export_writes_them(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.ACCOUNTS,
        "Account ID,Name,N Employees\n"
        'A1,Sharma Traders,"1,200"\n'
        'A2,Gupta Stores,"12,00,000"\n'
        "A3,Rao Mart,35\n"
        'Total,,"12,01,235"\n',
    )
    employees = {row[0]: row[5] for row in await table_rows(engine, "account")}
    assert employees == {"A1": 1200, "A2": 1200000, "A3": 35}
    assert "Skipped 1 total or balance line" in report.notes
    assert report.rows_written == 3
    companies = await load_text(
        engine,
        tmp_path,
        IngestKind.COMPANIES,
        "company_id;account_id;name;n_employees\nC1;A1;North;1.250\nC2;A2;South;12,0\n",
    )
    # A decimal comma (12,0) makes the point a thousands separator, as in a sales export.
    assert {row[0]: row[4] for row in await table_rows(engine, "company")} == {
        "C1": 1250,
        "C2": 12,
    }
    assert "Numbers read with a decimal comma (1.234,50)" in companies.notes


async def test_metrics_with_export_dates_grouped_values_and_a_total(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_entities(engine, tmp_path)
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value\n"
        'account,A1,revenue,01-Apr-2025,"12,34,567.50"\n'
        'account,A2,revenue,Apr-2025,"Rs. 1,200"\n'
        "account,A1,revenue,March 2025,(500)\n"
        "account,A2,revenue,31/03/2025,45000\n"
        'Total,,,,"12,35,267.50"\n',
    )
    assert report.rows_written == 4
    assert "Skipped 1 total or balance line" in report.notes
    assert await _values(engine) == {
        ("A1", dt.date(2025, 4, 1)): Decimal("1234567.50"),
        ("A2", dt.date(2025, 4, 1)): Decimal("1200"),
        ("A1", dt.date(2025, 3, 1)): Decimal("-500"),
        ("A2", dt.date(2025, 3, 1)): Decimal("45000"),
    }


async def test_a_metrics_file_is_read_again_when_its_last_rows_decide_its_formats(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """01/02/2025 is read day first until a date says otherwise, and 1.234 is 1234 once the
    file shows a decimal comma: the rows read before the evidence are read again."""
    await seed_entities(engine, tmp_path)
    many = "".join(f"account;A1;handling_time;01/02/{1990 + n};{n}\n" for n in range(30))
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level;entity_id;metric_name;effective_date;value\n"
        + many
        + "account;A2;revenue;01/02/2025;1.234\n"
        + "account;A2;revenue;12/31/2025;12,5\n",
    )
    assert report.notes[-2:] == [
        "Dates read month first (MM/DD/YYYY)",
        "Numbers read with a decimal comma (1.234,50)",
    ]
    values = await _values(engine)
    assert values[("A2", dt.date(2025, 1, 1))] == Decimal("1234")
    assert values[("A2", dt.date(2025, 12, 1))] == Decimal("12.5")
    assert values[("A1", dt.date(1990, 1, 1))] == Decimal("0")
    assert len(values) == 32


async def test_contract_dates_as_exports_write_them(engine: AsyncEngine, tmp_path: Path) -> None:
    await seed_entities(engine, tmp_path)
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.CONTRACTS,
        "contract_id,company_id,name,start_date,end_date\n"
        "K2,C1,Annual,01/04/2025,31/03/2026\n"
        "K3,C2,Pilot,01-Apr-2025,\n",
    )
    dates = {row[0]: (row[3], row[4]) for row in await table_rows(engine, "contract")}
    assert dates["K2"] == (dt.date(2025, 4, 1), dt.date(2026, 3, 31))
    assert dates["K3"] == (dt.date(2025, 4, 1), None)
    assert "Dates read day first (DD/MM/YYYY)" in report.notes


async def test_a_metric_or_an_account_called_total_is_data(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_entities(engine, tmp_path)
    await load_text(engine, tmp_path, IngestKind.ACCOUNTS, "account_id,name\nTotal,Total Ltd\n")
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value,unit\n"
        "account,A1,total,2025-04,7,count\n"
        "account,Total,revenue,2025-04,9,\n"
        "Grand Total,,,,16,\n",
    )
    assert report.rows_written == 2
    assert "Skipped 1 total or balance line" in report.notes
    assert await _values(engine) == {
        ("A1", dt.date(2025, 4, 1)): Decimal("7"),
        ("Total", dt.date(2025, 4, 1)): Decimal("9"),
    }
