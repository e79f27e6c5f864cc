"""Python function calls of scoring ledgers for credit risk (analytics/credit.py), as
valueByCreditRisk of a past quarter does for every account: 1,000 accounts of 27 entries
(invoices and payments on random days of 2025), with `--opening` an opening balance each too.
Calls, not time: the machine's load does not move them.

    PYTHONPATH=. .venv/bin/python bench/credit_calls.py [--opening]"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
from decimal import Decimal

from analytics.credit import EntryKind, LedgerEntry, assess_credit

ACCOUNTS = 1000
ENTRIES = 27


def ledgers(*, opening: bool) -> list[list[LedgerEntry]]:
    rng = random.Random(7)
    every = []
    for _account in range(ACCOUNTS):
        entries = [
            LedgerEntry(
                dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300)),
                EntryKind.INVOICE if n % 2 == 0 else EntryKind.PAYMENT,
                Decimal(rng.randrange(100, 10000)),
            )
            for n in range(ENTRIES)
        ]
        if opening:
            entries.append(LedgerEntry(dt.date(2025, 1, 1), EntryKind.OPENING_DUE, Decimal(5000)))
        every.append(entries)
    return every


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opening", action="store_true", help="an opening balance per ledger")
    arguments = parser.parse_args()
    every = ledgers(opening=arguments.opening)
    profile = cProfile.Profile()
    profile.enable()
    for entries in every:
        assess_credit(entries, as_of=dt.date(2025, 12, 31))
    profile.disable()
    calls = pstats.Stats(profile).total_calls  # type: ignore[attr-defined]
    print(f"{calls:,} calls for {ACCOUNTS:,} ledgers ({calls / ACCOUNTS:,.0f} a ledger)")


if __name__ == "__main__":
    main()
