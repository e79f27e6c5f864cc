"""A streaming standby of the test PostgreSQL, started and stopped by the tests: the `standby`
fixture (a plugin of tests/conftest.py), one per session.

`pg_basebackup -R` copies the primary of TEST_DATABASE_URL into a temporary folder as a standby
that streams from it, and a second server runs that copy on a free port of 5441-5459. The
primary's pg_hba.conf must let 127.0.0.1 replicate (.ci/run adds the line). Without that the
standby tests are skipped, or fail under PROFILING_REQUIRE_STANDBY=1 (CI).

The standby streams through a replication slot of its own (`profiling_standby_<pid>`), so that
the primary keeps the WAL it misses while a test stops it; the slot is dropped at the end, and
the slots of runs that died are dropped by the next run.

PostgreSQL refuses to run as root: as root, the standby's commands run as the `postgres` user
in a folder it owns."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from store.engine import create_engine

REQUIRE_STANDBY = os.environ.get("PROFILING_REQUIRE_STANDBY") == "1"
PORTS = range(5441, 5460)
SLOT_PREFIX = "profiling_standby_"
SETUP_HINT = (
    "add `host replication all 127.0.0.1/32 trust` to the test PostgreSQL's pg_hba.conf "
    "and reload it (.ci/run does)"
)
# A hot standby needs at least the primary's values of these.
_COPIED_SETTINGS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


def _as_server_user() -> list[str]:
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


@dataclass
class StandbyServer:
    folder: Path
    bin_dir: Path
    primary_url: str
    port: int = 0

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def url(self) -> str:
        """The test database on the standby."""
        on_standby = make_url(self.primary_url).set(host="127.0.0.1", port=self.port)
        return on_standby.render_as_string(hide_password=False)

    def _pg_ctl(self, *arguments: str) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), *arguments]
        subprocess.run(_as_server_user() + command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._pg_ctl("-l", str(self.folder / "log"), "-w", "-t", "90", "start")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop")

    async def execute(self, statement: str) -> None:
        engine = create_engine(self.url)
        try:
            async with engine.connect() as connection:
                # Outside a transaction: ALTER SYSTEM refuses to run in one.
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text(statement))
        finally:
            await engine.dispose()

    async def pause_replay(self) -> None:
        await self.execute("SELECT pg_wal_replay_pause()")

    async def resume_replay(self) -> None:
        await self.execute("SELECT pg_wal_replay_resume()")

    async def catch_up(self, primary: AsyncEngine, *, within: float = 30.0) -> None:
        """Waits until the standby has replayed everything the primary has written."""
        async with primary.connect() as connection:
            written = await connection.scalar(text("SELECT pg_current_wal_lsn()"))
        engine = create_engine(self.url)
        try:
            async with asyncio.timeout(within):
                while True:
                    async with engine.connect() as connection:
                        behind = await connection.scalar(
                            text("SELECT pg_wal_lsn_diff(:written, pg_last_wal_replay_lsn())"),
                            {"written": written},
                        )
                    if behind <= 0:
                        return
                    await asyncio.sleep(0.05)
        finally:
            await engine.dispose()


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port for the standby in {PORTS.start}-{PORTS.stop - 1}")


async def _primary_facts(url: str) -> tuple[str, dict[str, str]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            major = await connection.scalar(text("SELECT current_setting('server_version_num')"))
            values = {
                name: str(await connection.scalar(text(f"SHOW {name}")))
                for name in _COPIED_SETTINGS
            }
    finally:
        await engine.dispose()
    return str(int(str(major)) // 10000), values


def _configure(server: StandbyServer, copied: dict[str, str]) -> None:
    """The copy has the primary's data, not its configuration (Debian keeps that in /etc)."""
    settings = {
        **copied,
        "port": str(server.port),
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{server.folder}'",
        "hot_standby": "on",
        # Reads on the standby are not cancelled by the primary's vacuum.
        "hot_standby_feedback": "on",
        "shared_buffers": "16MB",
    }
    files = {
        "postgresql.conf": "".join(f"{name} = {value}\n" for name, value in settings.items()),
        "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
        "pg_ident.conf": "",
    }
    for name, content in files.items():
        path = server.data / name
        path.write_text(content)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")


def _slot_name() -> str:
    return f"{SLOT_PREFIX}{os.getpid()}"


async def _drop_slots(primary_url: str, *, own: bool) -> None:
    """Drops this run's replication slot (`own`), or the slots that runs which died left
    behind: a forgotten slot would keep the primary's WAL forever."""
    engine = create_engine(primary_url)
    try:
        async with engine.connect() as connection:
            slots = await connection.scalars(
                text("SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE :prefix"),
                {"prefix": f"{SLOT_PREFIX}%"},
            )
            for slot in list(slots):
                mine = slot == _slot_name()
                if (own and mine) or (not own and not mine and not _alive(slot)):
                    await _drop_slot(connection, slot)
            await connection.commit()
    finally:
        await engine.dispose()


async def _drop_slot(connection: AsyncConnection, slot: str) -> None:
    """Drop a slot, stopping its stream first: the standby of a run that was killed (a
    timeout) outlives it and keeps streaming through its slot, which PostgreSQL refuses to drop
    while it is in use. The orphan standby, reconnecting a few seconds later, finds no slot."""
    for _ in range(50):
        active = await connection.scalar(
            text(
                "SELECT active_pid, pg_terminate_backend(active_pid) FROM pg_replication_slots"
                " WHERE slot_name = :slot AND active_pid IS NOT NULL"
            ),
            {"slot": slot},
        )
        if active is None:
            await connection.execute(
                text(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    " WHERE slot_name = :slot AND NOT active"
                ),
                {"slot": slot},
            )
            if not await connection.scalar(
                text("SELECT count(*) FROM pg_replication_slots WHERE slot_name = :slot"),
                {"slot": slot},
            ):
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the replication slot {slot} stays in use")


def _alive(slot: str) -> bool:
    try:
        os.kill(int(slot.removeprefix(SLOT_PREFIX)), 0)
    except ProcessLookupError:
        return False
    except (ValueError, PermissionError):
        return True
    return True


def _start_standby(primary_url: str, folder: Path) -> StandbyServer:
    major, copied = asyncio.run(_primary_facts(primary_url))
    bin_dir = Path(f"/usr/lib/postgresql/{major}/bin")
    if not (bin_dir / "pg_basebackup").exists():
        found = shutil.which("pg_basebackup")
        if found is None:
            raise RuntimeError(f"no pg_basebackup (looked in {bin_dir} and PATH)")
        bin_dir = Path(found).parent
    asyncio.run(_drop_slots(primary_url, own=False))
    primary = make_url(primary_url)
    server = StandbyServer(folder=folder, bin_dir=bin_dir, primary_url=primary_url)
    # A slot of its own keeps the WAL the standby has not received while a test stops it.
    backup = [
        str(bin_dir / "pg_basebackup"),
        *("-h", primary.host or "127.0.0.1", "-p", str(primary.port or 5432)),
        *("-U", primary.username or "postgres", "-D", str(server.data)),
        *("-R", "-X", "stream", "-C", "-S", _slot_name(), "--checkpoint=fast", "-w"),
    ]
    copied_backup = subprocess.run(
        _as_server_user() + backup, capture_output=True, text=True, timeout=300
    )
    if copied_backup.returncode != 0:
        # Every line it wrote, in one: its last ("removing data directory") never says why.
        error = " / ".join(copied_backup.stderr.strip().splitlines()) or "no message"
        raise RuntimeError(f"pg_basebackup failed ({error}): {SETUP_HINT}")
    # Another run may take the port between the probe and the start: then another one.
    for _ in range(3):
        if _started_on_a_free_port(server, copied):
            return server
    log = (folder / "log").read_text().strip().splitlines()[-1:] or ["no log"]
    raise RuntimeError(f"the standby did not start: {log[0]}")


def _started_on_a_free_port(server: StandbyServer, copied: dict[str, str]) -> bool:
    server.port = _free_port()
    _configure(server, copied)
    try:
        server.start()
    except subprocess.CalledProcessError:
        return False
    return True


@pytest.fixture(scope="session")
def standby(postgres_url: str) -> Iterator[StandbyServer]:
    """A running standby of the test database's server (stopped and removed at the end)."""
    folder = Path(tempfile.mkdtemp(prefix="profiling-standby-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    try:
        try:
            server = _start_standby(postgres_url, folder)
        except (RuntimeError, OSError, subprocess.SubprocessError) as error:
            message = f"no standby of the test PostgreSQL: {error}"
            if REQUIRE_STANDBY:
                pytest.fail(f"PROFILING_REQUIRE_STANDBY=1 but {message}")
            pytest.skip(message)
        try:
            yield server
        finally:
            if (server.data / "postmaster.pid").exists():
                server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        asyncio.run(_drop_slots(postgres_url, own=True))


_standby_tests: set[str] = set()
_standby_tests_passed: set[str] = set()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _standby_tests.update(item.nodeid for item in items if "standby" in item.fixturenames)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and report.nodeid in _standby_tests:
        _standby_tests_passed.add(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # CI promises the standby tests: a run that collected them and passed none fails.
    if REQUIRE_STANDBY and _standby_tests and not _standby_tests_passed:
        print("\nPROFILING_REQUIRE_STANDBY=1 but no standby test passed")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
