"""Instructions per sale line of `analytics.rfm.quarterly_activity`, the segment job's hot loop.

Run under callgrind twice, with 0 and 3 passes, and divide the difference by 3 x 20,000:
    PYTHONHASHSEED=0 valgrind --tool=callgrind python bench/rfm_orders.py TYPE PASSES
TYPE is a voucher type kept on every line (`sales`) or `none` (lines stored without one).
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

from analytics.rfm import quarterly_activity

LINES = 20_000


def main() -> None:
    kind = None if sys.argv[1] == "none" else sys.argv[1]
    passes = int(sys.argv[2])
    base = dt.date(2020, 1, 1)
    rows = [
        (base + dt.timedelta(days=i % 1500), str(i % 700), Decimal(i % 97 + 1), None, kind)
        for i in range(LINES)
    ]
    for _ in range(passes):
        quarterly_activity(rows)


if __name__ == "__main__":
    main()
