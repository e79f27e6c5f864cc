"""`--dates` keeps the order for an app that exists once the load is written; a load of a new
app that makes no account (every line void, or no line) has no app to keep it for: it loads,
and says the order was not kept, instead of failing on the database's foreign key."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import DatesOption, IngestKind, ingest_file
from tests.store.sales_support import rows_of


async def test_the_order_of_a_new_app_without_accounts_is_not_kept(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "void_only.csv"
    path.write_text(
        "Invoice Date,Invoice Number,Invoice Status,Customer Name,Total\n"
        "04/01/2024,INV-7,Void,Zen,5900.00\n",
        encoding="utf-8",
    )
    report = await ingest_file(
        engine, kind=IngestKind.SALES, path=path, app="newapp", dates=DatesOption.DAY_FIRST
    )
    assert await rows_of(engine, "ingest_setting") == []
    assert any("not kept" in note for note in report.notes), report.notes
