"""CPU of an account search on SQLite: ASCII-only lower() against the unicode_lower function
every connection now has (store/text_folding.py), over 100,000 accounts in memory.

    PYTHONPATH=$PWD python bench/search_folding.py
"""

from __future__ import annotations

import sqlite3
import time

from store.text_folding import register_unicode_lower

ACCOUNTS = 100_000
ROUNDS = 5
_WHERE = "{f}(name) LIKE {f}(?) ESCAPE '/' OR {f}(account_id) LIKE {f}(?) ESCAPE '/'"


def main() -> None:
    connection = sqlite3.connect(":memory:")
    register_unicode_lower(connection)
    connection.execute("CREATE TABLE account (account_id TEXT PRIMARY KEY, name TEXT)")
    connection.executemany(
        "INSERT INTO account VALUES (?, ?)",
        [(f"acc-{n:06d}", f"Account Müller {n}") for n in range(ACCOUNTS)],
    )
    for function in ("lower", "unicode_lower"):
        sql = f"SELECT count(*) FROM account WHERE {_WHERE.format(f=function)}"
        start = time.process_time()
        for _ in range(ROUNDS):
            (found,) = connection.execute(sql, ("%MÜLLER 99%", "%MÜLLER 99%")).fetchone()
        per_search = (time.process_time() - start) / ROUNDS * 1000
        print(f"{function}: {found} found, {per_search:.1f} ms CPU per search")


if __name__ == "__main__":
    main()
