"""Instructions of turning stored ledger rows into the entries credit scoring takes: 100,000
rows of (account, segment, *ENTRY_COLUMNS), as the value-credit matrix reads them. Run it
under callgrind once with `none` (the rows alone) and once per way of reading; the
differences are the reading's cost:

    PYTHONPATH=. valgrind --tool=callgrind .venv/bin/python bench/ledger_entry_reads.py MODE

MODE: `none`; `each`, one `ledger_entry` call per row (the segment job's way); `batch`, one
`ledger_entries` loop (the value-credit matrix's way)."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

from store.ledger_entries import ledger_entries, ledger_entry

ROWS = 100_000


def main(mode: str) -> None:
    day = dt.date(2025, 1, 1)
    rows = [
        (
            "A1",
            "m",
            day,
            "invoice" if i % 2 else "payment",
            Decimal(10),
            None,
            str(i),
            "",
            i % 2 == 0,
        )
        for i in range(ROWS)
    ]
    if mode == "each":
        entries = [ledger_entry(row[2:]) for row in rows]
    elif mode == "batch":
        entries = ledger_entries(rows)
    elif mode == "none":
        entries = []
    else:
        raise SystemExit(f"unknown mode {mode!r}: none, each or batch")
    print(f"{mode}: {len(entries):,} entries of {len(rows):,} rows")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "batch")
