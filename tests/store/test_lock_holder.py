"""`store.lock_holder`: the process holding a SQLite database's write lock, from /proc/locks."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from store.lock_holder import write_lock_holder

pytestmark = pytest.mark.skipif(not Path("/proc/locks").exists(), reason="Linux's /proc/locks")

_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("INSERT INTO t VALUES (1)")
print("held", flush=True)
sys.stdin.readline()
connection.execute("COMMIT")
"""


def _database(tmp_path: Path) -> tuple[Path, sqlite3.Connection]:
    path = tmp_path / "held.db"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    return path, connection


def test_the_process_holding_the_write_lock_is_named_with_its_command(tmp_path: Path) -> None:
    path, reader = _database(tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        named = write_lock_holder(path)
    finally:
        holder.communicate("\n", timeout=60)
        reader.close()
    assert named is not None
    assert named.startswith(f"process {holder.pid}: python")
    assert "\n" not in named
    assert len(named) <= len(f"process {holder.pid}: ") + 120


def test_nobody_is_named_once_the_lock_is_free(tmp_path: Path) -> None:
    path, connection = _database(tmp_path)
    try:
        assert write_lock_holder(path) is None
        # This process's own lock is named as this one's.
        connection.execute("BEGIN IMMEDIATE")
        assert write_lock_holder(path) == f"process {os.getpid()} (this one)"
    finally:
        connection.rollback()
        connection.close()
    assert write_lock_holder(tmp_path / "missing.db") is None


def test_only_a_granted_write_lock_over_the_write_lock_byte_counts(tmp_path: Path) -> None:
    path, connection = _database(tmp_path)
    connection.close()
    # (A WAL database keeps its -shm file while a connection is open: make one to stat.)
    shm = Path(f"{path}-shm")
    shm.touch()
    status = os.stat(shm)
    device = f"{os.major(status.st_dev):02x}:{os.minor(status.st_dev):02x}:{status.st_ino}"
    locks = tmp_path / "locks"
    lines = {
        f"1: -> POSIX  ADVISORY  WRITE 11 {device} 120 120": None,  # waiting, not holding
        f"1: POSIX  ADVISORY  READ 12 {device} 120 120": None,
        f"1: POSIX  ADVISORY  WRITE 13 {device} 128 128": None,
        f"1: POSIX  ADVISORY  WRITE 14 {device} 0 EOF": "process 14",
        f"1: POSIX  ADVISORY  WRITE 15 {device} 120 120": "process 15",
        "1: POSIX  ADVISORY  WRITE 16 00:00:1 120 120": None,  # another file
    }
    for line, named in lines.items():
        locks.write_text(line + "\n")
        found = write_lock_holder(path, locks=locks)
        if named is None:
            assert found is None, line
        else:
            assert found is not None, line
            assert found.startswith(named), line
