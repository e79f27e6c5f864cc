"""Another process writing to a command's SQLite file: it takes the write lock, runs its
statement, says so, and commits when told (or `seconds` later)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
connection.execute("BEGIN IMMEDIATE")
connection.execute(sys.argv[2])
print("held", flush=True)
if sys.argv[3]:
    time.sleep(float(sys.argv[3]))
else:
    sys.stdin.readline()
connection.execute("COMMIT")
"""


@contextmanager
def writer_beside(
    database: Path, statement: str, *, seconds: float | None = None
) -> Iterator[subprocess.Popen[str]]:
    """The process, holding the lock once the block starts; it commits at the block's end
    (or `seconds` after it took the lock, when given), and the block waits for it to end."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(database), statement, str(seconds or "")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.communicate("commit\n", timeout=60)
    assert holder.returncode == 0
