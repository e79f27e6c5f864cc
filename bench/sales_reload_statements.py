"""The statements of a sales reload by number of customers: the invoice-date check
(`store/ingest/kinds/invoice_dates.py`) and the re-dating of moved invoices
(`store/ingest/kinds/invoice_moves.py`) each read the stored lines of the file's own invoices
(customer and number) a thousand invoices per statement, so a load's statements grow by one
per thousand invoices for each. Counts, not times: they do not move with the machine's load.

    PYTHONPATH=$PWD .venv/bin/python bench/sales_reload_statements.py 10 999 2500
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import event

from store.engine import create_engine
from store.ingest import IngestKind, ingest_file
from store.migrate import migrate

_KEYED_READ = "SELECT sale_line.account_id, sale_line.invoice, sale_line.sale_date"


async def _count(customers: int) -> tuple[int, int, int]:
    folder = Path(tempfile.mkdtemp())
    path = folder / "sales.csv"
    path.write_text(
        "Customer,Date,Invoice,Amount\n"
        + "".join(f"C{i},2024-04-{1 + i % 28:02d},INV-{i},10.00\n" for i in range(customers))
    )
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    try:
        await migrate(engine)
        await ingest_file(engine, kind=IngestKind.SALES, path=path)
        seen: list[str] = []

        def record(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            seen.append(statement)

        event.listen(engine.sync_engine, "before_cursor_execute", record)
        await ingest_file(engine, kind=IngestKind.SALES, path=path)
    finally:
        await engine.dispose()
    # Both read the file's invoices by key; the re-dating read takes the amounts too.
    keyed = [text for text in seen if text.startswith(_KEYED_READ)]
    moves = [text for text in keyed if "sale_line.amount" in text]
    return len(seen), len(keyed) - len(moves), len(moves)


def main(sizes: list[int]) -> None:
    for customers in sizes:
        statements, checks, moves = asyncio.run(_count(customers))
        print(
            f"{customers:>6} customers: {statements} statements, {checks} invoice-date reads, "
            f"{moves} re-dating reads"
        )


if __name__ == "__main__":
    main([int(argument) for argument in sys.argv[1:]] or [10, 999, 2500])
