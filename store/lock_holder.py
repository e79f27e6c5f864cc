"""Which process holds a SQLite database's write lock, for the line that says why a writer
gave up waiting for it.

In WAL mode, SQLite's writer holds a POSIX lock on one byte of the database's `-shm` file (the
WAL write lock: byte 120, after the 22 + 8 words its header reserves). Linux lists every POSIX
lock in /proc/locks with the process that holds it; reading that list opens nothing of the
database (closing a file descriptor of it would drop the locks this process holds there).
Elsewhere, or when the lock is no longer held, the holder is not known."""

from __future__ import annotations

import os
from pathlib import Path

# The byte of the `-shm` file SQLite's unix VFS locks for WAL_WRITE_LOCK (UNIX_SHM_BASE + 0).
_WAL_WRITE_LOCK_BYTE = 120
_PROC_LOCKS = Path("/proc/locks")
# The longest command line shown.
_SHOWN_CHARACTERS = 120


def write_lock_holder(database: Path, *, locks: Path = _PROC_LOCKS) -> str | None:
    """The process that holds `database`'s write lock, as a person reads it ("process 4321:
    profiling ingest metrics big.csv"); None when it cannot be told."""
    try:
        shm = os.stat(f"{database}-shm")
        listed = locks.read_text()
    except OSError:
        return None
    for line in listed.splitlines():
        pid = _writer_pid(line, shm)
        if pid is not None:
            if pid == os.getpid():
                return f"process {pid} (this one)"
            return f"process {pid}" + (f": {command}" if (command := _command(pid)) else "")
    return None


def _writer_pid(line: str, shm: os.stat_result) -> int | None:
    """The pid of a /proc/locks line that grants a write lock on the WAL write lock's byte of
    `shm` ("1: POSIX  ADVISORY  WRITE 4321 fe:00:16043488 120 120"); None for any other line,
    one waiting for a lock ("1: -> POSIX ...") included."""
    fields = line.split()
    if len(fields) < 8 or fields[1] != "POSIX" or fields[3] != "WRITE":
        return None
    pid, device, start, end = fields[4], fields[5], fields[6], fields[7]
    parts = device.split(":")
    try:
        major, minor, inode = int(parts[0], 16), int(parts[1], 16), int(parts[2])
        first = int(start)
        last = None if end == "EOF" else int(end)
    except (ValueError, IndexError):
        return None
    if (inode, major, minor) != (shm.st_ino, os.major(shm.st_dev), os.minor(shm.st_dev)):
        return None
    if first > _WAL_WRITE_LOCK_BYTE or (last is not None and last < _WAL_WRITE_LOCK_BYTE):
        return None
    return int(pid)


def _command(pid: int) -> str | None:
    """The process's command line, its program's path shortened to its name."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return None
    words = [word.decode(errors="replace") for word in arguments if word]
    if not words:
        return None
    words[0] = Path(words[0]).name
    # `python /path/to/profiling ARGS`: the script's name says more than the interpreter's.
    if len(words) > 1 and words[0].startswith("python") and "/" in words[1]:
        words = [Path(words[1]).name, *words[2:]]
    # One line whatever the arguments hold (a `python -c` script spans many).
    command = " ".join(" ".join(words).split())
    if len(command) > _SHOWN_CHARACTERS:
        command = command[: _SHOWN_CHARACTERS - 3] + "..."
    return command
