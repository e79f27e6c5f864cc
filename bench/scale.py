"""Ten million values: ingest, publish, reads and size at 10,000 accounts x 20 metrics x 50 months.

    .venv/bin/python bench/scale.py                      # 10M values, SQLite and PostgreSQL
    .venv/bin/python bench/scale.py --scale 0.012        # 120,000 values (120 accounts)
    .venv/bin/python bench/scale.py --only sqlite --baseline-scale 0   # no baseline run

For each store it builds a database from files, the way a user does: a definitions, an
industries and an accounts file, then one metrics CSV of every value (about 1 GB at full scale;
month after month, as an export of a history is, the unit on every row), generated streaming
into a temporary folder.
Then it measures, each command in a process of its own run with this tree's code
(`python -m cli.main`, under GNU time):

- ingest of the metrics file: values per second (wall time of the whole command, and its CPU
  time: on a shared machine the wall time stretches with the load, the CPU time much less),
  and the peak resident memory of that process;
- `publish --month` of the last month: wall and CPU time of the command;
- the one-account query (its 20 values of the last full month, a random account per request)
  under 8 concurrent clients: p50 and p99, the median of --rounds rounds of --seconds. The
  load comes from `wrk` (Debian's, one thread, 8 connections, a Lua script that checks every
  answer), a C client that takes little of the CPU the server needs;
- the 100-account query (100 accounts x 20 metrics x 12 months = 24,000 rows), one request at a
  time: median of --repeat;
- the database's size (SQLite: the file and its WAL; PostgreSQL: pg_database_size).

The server is `serve --no-auth` (uvicorn, one worker) on the generated database. Unless
--baseline-scale is 0, a database at that scale (default 0.012: 120,000 values) is built too,
both are served at once and queried in turns, and every figure is compared with the
baseline's: a figure of work that does not grow with the data (a query, memory) by its value,
one of work that does (ingest, publish of a month, size) per value.

PostgreSQL runs in the database of --postgres-url (default bench_scale on 127.0.0.1) and the
baseline in the same name with `_base`, created if missing, wiped and refilled: point it at a
scratch database. The temporary folder is removed at the end unless --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import math
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
from scratch import fresh_database
from sqlalchemy import text

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
TIME = "/usr/bin/time"
FULL_ACCOUNTS = 10_000
MONTHS = 50
FIRST_MONTH = dt.date(2021, 1, 1)
INDUSTRIES = 12
CLIENTS = 8
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/bench_scale"

# name, unit, typical size, decimals, (lower, upper) bounds of the private figures
METRICS: list[tuple[str, str, float, int, tuple[str, str]]] = [
    ("monthly_recurring_revenue", "EUR", 25_000, 2, ("0", "1000000")),
    ("annual_contract_value", "EUR", 300_000, 2, ("0", "10000000")),
    ("net_revenue_retention_rate", "percent", 104, 1, ("0", "300")),
    ("gross_margin_rate", "percent", 62, 1, ("-100", "100")),
    ("support_ticket_count", "count", 140, 0, ("0", "10000")),
    ("support_first_response_minutes", "minutes", 45, 1, ("0", "1440")),
    ("support_resolution_hours", "hours", 20, 1, ("0", "720")),
    ("active_user_count", "count", 900, 0, ("0", "100000")),
    ("licensed_seat_count", "count", 1_100, 0, ("0", "100000")),
    ("seat_utilisation_ratio", "ratio", 0.8, 3, ("0", "1")),
    ("login_days_per_user", "days", 14, 1, ("0", "31")),
    ("feature_adoption_rate", "percent", 38, 1, ("0", "100")),
    ("invoice_overdue_days", "days", 9, 0, ("0", "365")),
    ("outstanding_balance", "EUR", 8_000, 2, ("0", "1000000")),
    ("discount_rate", "percent", 7, 1, ("0", "100")),
    ("expansion_revenue", "EUR", 1_500, 2, ("0", "1000000")),
    ("contraction_revenue", "EUR", 600, 2, ("0", "1000000")),
    ("onboarding_minutes", "minutes", 300, 0, ("0", "100000")),
    ("csat_score_ratio", "ratio", 0.86, 3, ("0", "1")),
    ("api_call_count", "count", 2_500_000, 0, ("0", "100000000")),
]


@dataclass(frozen=True)
class Size:
    accounts: int
    metrics: int = len(METRICS)
    months: int = MONTHS

    @property
    def values(self) -> int:
        return self.accounts * self.metrics * self.months

    def month(self, index: int) -> dt.date:
        year, month = divmod(FIRST_MONTH.month - 1 + index, 12)
        return dt.date(FIRST_MONTH.year + year, month + 1, 1)

    @property
    def last_month(self) -> dt.date:
        return self.month(self.months - 1)


@dataclass
class Figures:
    store: str
    values: int
    file_bytes: int
    ingest_seconds: float
    ingest_cpu_seconds: float
    ingest_peak_mb: float
    publish_seconds: float
    publish_cpu_seconds: float
    month_values: int
    one_account_p50_ms: float
    one_account_p99_ms: float
    one_account_rate: float
    hundred_accounts_ms: float
    hundred_accounts_rows: int
    database_bytes: int
    load_before: str
    load_after: str

    @property
    def ingest_rate(self) -> float:
        return self.values / self.ingest_seconds


# --- the files ---------------------------------------------------------------------------------


def _account_ids(size: Size) -> list[str]:
    randomness = random.Random(7)
    return [
        str(uuid.UUID(int=randomness.getrandbits(128), version=4)) for _ in range(size.accounts)
    ]


def write_files(folder: Path, size: Size, accounts: list[str]) -> dict[str, Path]:
    """The four files, the metrics one written a block of lines at a time (never whole)."""
    files = {
        kind: folder / f"{kind}.csv"
        for kind in ("definitions", "industries", "accounts", "metrics")
    }
    metrics = METRICS[: size.metrics]
    files["definitions"].write_text(
        "name,unit,lower_bound,upper_bound\n"
        + "".join(f"{name},{unit},{low},{high}\n" for name, unit, _, _, (low, high) in metrics)
    )
    files["industries"].write_text(
        "industry_id,name\n" + "".join(f"sector-{n:02d},Sector {n}\n" for n in range(INDUSTRIES))
    )
    files["accounts"].write_text(
        "account_id,name,industry\n"
        + "".join(
            f"{account},Account {n},sector-{n % INDUSTRIES:02d}\n"
            for n, account in enumerate(accounts)
        )
    )
    randomness = random.Random(11)
    # Each account is larger or smaller than typical, each metric drifts month to month.
    account_factor = [randomness.lognormvariate(0, 0.8) for _ in accounts]
    with files["metrics"].open("w", encoding="utf-8") as out:
        # With the unit on every row, as exports of a warehouse often write it.
        out.write("level,entity_id,metric_name,effective_date,value,unit\n")
        for index in range(size.months):
            month = size.month(index).isoformat()
            growth = 1 + 0.004 * index
            lines: list[str] = []
            for account, factor in zip(accounts, account_factor, strict=True):
                for name, unit, typical, decimals, (low, high) in metrics:
                    value = typical * factor * growth * (0.85 + 0.3 * randomness.random())
                    value = min(max(value, float(low)), float(high))
                    lines.append(f"account,{account},{name},{month},{value:.{decimals}f},{unit}\n")
            out.write("".join(lines))
    return files


# --- commands ----------------------------------------------------------------------------------


def _environment(database_url: str, size: Size) -> dict[str, str]:
    # "Today" is mid-month after the data's last month: that month is the last full one.
    today = size.month(size.months) + dt.timedelta(days=14)
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "PROFILING_TODAY": today.isoformat(),
        "PYTHONPATH": str(ROOT),
    }


def run_command(arguments: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run `python -m cli.main ARGUMENTS` under GNU time: wall seconds, CPU seconds (user and
    system) and peak resident MB of exactly that process (the database server's work is not
    in them). GNU time rather than this process's wait4: a child forked from here starts with
    this process's memory in its high-water mark."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        done = subprocess.run(
            [TIME, "-o", report.name, "-f", "%U %S %M", PYTHON, "-m", "cli.main", *arguments],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(arguments)} failed: {done.stdout[-1000:]}{done.stderr[-2000:]}"
            )
        user, system, peak_kb = report.read().split()[-3:]
    return seconds, float(user) + float(system), int(peak_kb) / 1024


def free_port(preferred: int) -> int:
    candidates: list[int] = [preferred, *range(8161, 8170)]
    for port in candidates:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8161-8169")


@contextlib.contextmanager
def serving(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    command = [
        PYTHON,
        "-m",
        "cli.main",
        "serve",
        "--no-auth",
        "--port",
        str(port),
        "--log-format",
        "text",
    ]
    with log.open("wb") as out:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start: {log.read_text()[-2000:]}")
                time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=30)


ONE_ACCOUNT = (
    "query ($id: String!) { account(accountId: $id) { "
    "metrics(lastFullMonth: true) { metricName value unit effectiveDate } } }"
)


def hundred_accounts_query(size: Size) -> str:
    months = ", ".join(f'"{size.month(i)}"' for i in range(size.months - 12, size.months))
    return (
        "{ accounts(first: 100) { edges { node { accountId "
        f"metrics(effectiveDates: [{months}]) {{ metricName value unit effectiveDate }} }} }} }} }}"
    )


def _post(base: str, body: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    started = time.perf_counter()
    response = httpx.post(f"{base}/graphql", json=body, timeout=120)
    elapsed = time.perf_counter() - started
    answer = response.json()
    if response.status_code != 200 or "errors" in answer:
        raise RuntimeError(f"unexpected answer {response.status_code}: {response.text[:500]}")
    return elapsed, answer


_WRK_SCRIPT = """
local ids = {%(ids)s}
local query = %(query)s
local counter = 0
local threads = {}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function request()
  counter = counter + 1
  local id = ids[(counter * 7919) %% #ids + 1]
  return wrk.format(nil, "/graphql", nil,
    '{"query":' .. query .. ',"variables":{"id":"' .. id .. '"}}')
end
function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then bad = bad + 1 end
end
function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do failed = failed + thread:get("bad") end
  io.write(string.format("RESULT %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), failed + summary.errors.status))
end
"""


def one_account_under_load(
    base: str, accounts: list[str], seconds: float, folder: Path
) -> tuple[float, float, float]:
    """p50 and p99 in ms and requests/s of the one-account query under CLIENTS connections."""
    script = folder / "one_account.lua"
    script.write_text(
        _WRK_SCRIPT
        % {
            "ids": ", ".join(f'"{a}"' for a in accounts),
            "query": json.dumps(json.dumps(ONE_ACCOUNT)),
        }
    )
    results = []
    for duration in (2, max(1, round(seconds))):  # a warm-up, then the measure
        output = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{CLIENTS}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(line for line in output.splitlines() if line.startswith("RESULT"))
        requests, duration_us, p50, p99, failed = (int(part) for part in line.split()[1:])
        if failed:
            raise RuntimeError(f"{failed} of {requests} one-account answers failed:\n{output}")
        results.append((p50 / 1000, p99 / 1000, requests / (duration_us / 1e6)))
    return results[-1]


# --- one store at one size -----------------------------------------------------------------------


async def _fresh(url: str) -> None:
    from sqlalchemy import make_url

    from store.provision import provision

    await provision(make_url(url))
    engine = await fresh_database(url)
    await engine.dispose()


async def _postgres_size(url: str) -> int:
    from store.engine import create_engine

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            found = await connection.execute(text("SELECT pg_database_size(current_database())"))
            return int(found.scalar_one())
    finally:
        await engine.dispose()


def _database_url(
    store: str, size: Size, base: bool, args: argparse.Namespace, folder: Path
) -> str:
    if store == "sqlite":
        return f"sqlite+aiosqlite:///{folder / f'scale-{size.accounts}.db'}"
    from sqlalchemy import make_url

    url = make_url(args.postgres_url)
    # The baseline gets a database of its own, so that both are served side by side.
    name = f"{url.database}_base" if base else url.database
    return url.set(database=name).render_as_string(hide_password=False)


def _database_bytes(url: str) -> int:
    if url.startswith("sqlite"):
        database = url.split("///", 1)[1]
        return sum(
            Path(f"{database}{suffix}").stat().st_size
            for suffix in ("", "-wal")
            if Path(f"{database}{suffix}").exists()
        )
    return asyncio.run(_postgres_size(url))


@dataclass
class Built:
    """A database built from files, and what building it cost."""

    store: str
    size: Size
    url: str
    env: dict[str, str]
    accounts: list[str]
    file_bytes: int
    ingest: tuple[float, float, float]  # wall s, CPU s, peak MB
    publish: tuple[float, float, float]
    load_before: str


def build(store: str, size: Size, base: bool, args: argparse.Namespace, folder: Path) -> Built:
    load_before = " ".join(f"{load:.2f}" for load in os.getloadavg())
    accounts = _account_ids(size)
    if args.queries_only:
        # The databases of an earlier run kept with --keep (same --workdir and --postgres-url):
        # only the queries and the size are measured again; ingest and publish show as nan.
        url = _database_url(store, size, base, args, folder)
        env = _environment(url, size)
        missing = (math.nan, math.nan, math.nan)
        return Built(store, size, url, env, accounts, 0, missing, missing, load_before)
    files_folder = folder / f"files-{size.accounts}"
    files_folder.mkdir(exist_ok=True)
    say(f"{store}, {size.values:,} values: writing the files")
    files = write_files(files_folder, size, accounts)
    file_bytes = files["metrics"].stat().st_size
    url = _database_url(store, size, base, args, folder)
    if store == "sqlite":
        database = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    asyncio.run(_fresh(url))
    env = _environment(url, size)
    for kind in ("definitions", "industries", "accounts"):  # small: not measured
        run_command(["ingest", kind, str(files[kind])], env)
    say(f"{store}: ingest of {file_bytes / 1e9:.2f} GB ({size.values:,} values)")
    ingest = run_command(["ingest", "metrics", str(files["metrics"])], env)
    files["metrics"].unlink()
    say(f"{store}: {ingest[0]:.1f} s (CPU {ingest[1]:.1f} s), peak {ingest[2]:.0f} MB; publish")
    publish = run_command(["publish", "--month", f"{size.last_month:%Y-%m}"], env)
    say(
        f"{store}: published {size.last_month:%Y-%m} in {publish[0]:.1f} s (CPU {publish[1]:.1f} s)"
    )
    return Built(store, size, url, env, accounts, file_bytes, ingest, publish, load_before)


@dataclass
class Served:
    built: Built
    base: str
    p50: list[float]
    p99: list[float]
    rate: list[float]
    hundred: list[float]
    hundred_rows: int = 0


def check_answers(served: Served) -> None:
    built = served.built
    _, answer = _post(served.base, {"query": ONE_ACCOUNT, "variables": {"id": built.accounts[0]}})
    rows = answer["data"]["account"]["metrics"]
    if len(rows) != built.size.metrics:
        raise RuntimeError(f"one account: {len(rows)} rows, expected {built.size.metrics}")


def query(builds: list[Built], args: argparse.Namespace, folder: Path) -> list[Figures]:
    """Serve every database at once and measure them in turns (--rounds), so that a change in
    the machine's load falls on all of them alike."""
    with contextlib.ExitStack() as stack:
        served: list[Served] = []
        port = args.port
        for built in builds:
            port = free_port(port)
            log = folder / f"serve-{built.store}-{built.size.accounts}.log"
            base = stack.enter_context(serving(built.env, port, log))
            served.append(Served(built, base, [], [], [], []))
            port += 1
        for each in served:
            check_answers(each)
        say(f"{builds[0].store}: one account under {CLIENTS} clients, {args.rounds} rounds")
        for _round in range(args.rounds):
            for each in served:
                p50, p99, rate = one_account_under_load(
                    each.base, each.built.accounts, args.seconds, folder
                )
                each.p50.append(p50)
                each.p99.append(p99)
                each.rate.append(rate)
        for attempt in range(args.repeat + 1):
            for each in served:
                body = {"query": hundred_accounts_query(each.built.size)}
                elapsed, answer = _post(each.base, body)
                edges = answer["data"]["accounts"]["edges"]
                each.hundred_rows = sum(len(edge["node"]["metrics"]) for edge in edges)
                if attempt:
                    each.hundred.append(elapsed)
    load_after = " ".join(f"{load:.2f}" for load in os.getloadavg())
    figures = []
    for each in served:
        built = each.built
        figures.append(
            Figures(
                store=built.store,
                values=built.size.values,
                file_bytes=built.file_bytes,
                ingest_seconds=built.ingest[0],
                ingest_cpu_seconds=built.ingest[1],
                ingest_peak_mb=built.ingest[2],
                publish_seconds=built.publish[0],
                publish_cpu_seconds=built.publish[1],
                month_values=built.size.accounts * built.size.metrics,
                one_account_p50_ms=statistics.median(each.p50),
                one_account_p99_ms=statistics.median(each.p99),
                one_account_rate=statistics.median(each.rate),
                hundred_accounts_ms=statistics.median(each.hundred) * 1000,
                hundred_accounts_rows=each.hundred_rows,
                database_bytes=_database_bytes(built.url),
                load_before=built.load_before,
                load_after=load_after,
            )
        )
    return figures


# --- the table -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    label: str
    shown: str
    target: str
    passed: bool | None
    # The figure's cost at this size over its cost at the baseline size (None: no baseline).
    ratio: float | None


def lines(figures: Figures, baseline: Figures | None) -> list[Line]:
    def ratio(cost: float, base_cost: float) -> float | None:
        return None if baseline is None or base_cost == 0 else cost / base_cost

    b = baseline
    return [
        Line(
            "ingest, values/s (whole command)",
            f"{figures.ingest_rate:,.0f} ({figures.ingest_seconds:.1f} s, CPU "
            f"{figures.ingest_cpu_seconds:.1f} s, {figures.file_bytes / 1e6:,.0f} MB file)",
            ">= 100,000",
            figures.ingest_rate >= 100_000,
            ratio(1 / figures.ingest_rate, 1 / b.ingest_rate) if b else None,
        ),
        Line(
            "ingest, values per CPU second of the command",
            f"{figures.values / figures.ingest_cpu_seconds:,.0f}",
            "",
            None,
            ratio(figures.ingest_cpu_seconds / figures.values, b.ingest_cpu_seconds / b.values)
            if b
            else None,
        ),
        Line(
            "ingest, peak memory (MB)",
            f"{figures.ingest_peak_mb:,.0f}",
            "< 500",
            figures.ingest_peak_mb < 500,
            ratio(figures.ingest_peak_mb, b.ingest_peak_mb) if b else None,
        ),
        Line(
            "publish of a month (s)",
            f"{figures.publish_seconds:.2f} (CPU {figures.publish_cpu_seconds:.2f} s, "
            f"{figures.month_values:,} values)",
            "< 10",
            figures.publish_seconds < 10,
            ratio(
                figures.publish_seconds / figures.month_values,
                b.publish_seconds / b.month_values,
            )
            if b
            else None,
        ),
        Line(
            f"one account, {CLIENTS} clients: p50 (ms)",
            f"{figures.one_account_p50_ms:.2f} ({figures.one_account_rate:,.0f} req/s)",
            "",
            None,
            ratio(figures.one_account_p50_ms, b.one_account_p50_ms) if b else None,
        ),
        Line(
            f"one account, {CLIENTS} clients: p99 (ms)",
            f"{figures.one_account_p99_ms:.2f}",
            "< 20",
            figures.one_account_p99_ms < 20,
            ratio(figures.one_account_p99_ms, b.one_account_p99_ms) if b else None,
        ),
        Line(
            "100 accounts, one at a time (ms)",
            f"{figures.hundred_accounts_ms:,.0f} ({figures.hundred_accounts_rows:,} rows)",
            "",
            None,
            ratio(figures.hundred_accounts_ms, b.hundred_accounts_ms) if b else None,
        ),
        Line(
            "database size (MB)",
            f"{figures.database_bytes / 1e6:,.0f} "
            f"({figures.database_bytes / figures.values:.0f} bytes/value)",
            "",
            None,
            ratio(figures.database_bytes / figures.values, b.database_bytes / b.values)
            if b
            else None,
        ),
    ]


def table(figures: Figures, baseline: Figures | None) -> str:
    head = f"{figures.values:,} values"
    base = f"{baseline.values:,} values" if baseline else "baseline"
    out = [
        f"### {figures.store}",
        "",
        f"| figure | {head} | target | pass | {base} | ratio (<= 1.5x) |",
        "| --- | ---: | --- | --- | ---: | ---: |",
    ]
    base_lines = lines(baseline, None) if baseline else None
    for n, line in enumerate(lines(figures, baseline)):
        passed = "" if line.passed is None else ("pass" if line.passed else "FAIL")
        shown_base = base_lines[n].shown if base_lines else ""
        shown_ratio = "" if line.ratio is None else f"{line.ratio:.2f}x"
        if line.ratio is not None:
            shown_ratio += " pass" if line.ratio <= 1.5 else " FAIL"
        out.append(
            f"| {line.label} | {line.shown} | {line.target} | {passed} | {shown_base} "
            f"| {shown_ratio} |"
        )
    out.append("")
    out.append(
        f"Load average (1, 5, 15 min) before {figures.load_before}, after {figures.load_after}. "
        "Ratios: per value for ingest, publish (values of the month) and size; as measured "
        "for memory and the queries, whose work does not grow with the table. CPU: of the "
        "command's own process, which the load of the machine does not stretch as it does "
        "wall time."
    )
    return "\n".join(out)


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 10,000 accounts")
    parser.add_argument("--baseline-scale", type=float, default=0.012, help="0: none")
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--seconds", type=float, default=5.0, help="of each 8-client round")
    parser.add_argument("--rounds", type=int, default=3, help="of the 8-client load, in turns")
    parser.add_argument("--repeat", type=int, default=7, help="of the 100-account query")
    parser.add_argument("--port", type=int, default=8161)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a new temp folder")
    parser.add_argument("--keep", action="store_true", help="keep the folder (database, logs)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument(
        "--queries-only",
        action="store_true",
        help="measure the queries on the databases kept by an earlier run (--keep, same "
        "--workdir and --postgres-url) instead of building them",
    )
    args = parser.parse_args()
    if args.scale <= 0 or args.baseline_scale < 0:
        parser.error("--scale must be above 0 and --baseline-scale at least 0")
    if shutil.which("wrk") is None:
        parser.error("the load generator wrk is missing: apt-get install wrk")
    if not Path(TIME).exists():
        parser.error("GNU time is missing (it measures peak memory): apt-get install time")
    size = Size(accounts=max(100, round(FULL_ACCOUNTS * args.scale)))
    base_size = None
    if args.baseline_scale and round(FULL_ACCOUNTS * args.baseline_scale) != size.accounts:
        base_size = Size(accounts=max(100, round(FULL_ACCOUNTS * args.baseline_scale)))
    stores = [args.only] if args.only else ["sqlite", "postgres"]
    if args.queries_only and (args.workdir is None or not args.keep):
        parser.error("--queries-only needs the --workdir of the earlier run, and --keep")
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    tables = []
    try:
        for store in stores:
            builds = []
            if base_size:
                builds.append(build(store, base_size, True, args, folder))
            builds.append(build(store, size, False, args, folder))
            measured = query(builds, args, folder)
            figures, baseline = measured[-1], (measured[0] if base_size else None)
            results[store] = {
                "figures": asdict(figures),
                "baseline": asdict(baseline) if baseline else None,
            }
            tables.append(table(figures, baseline))
            print(tables[-1] + "\n", flush=True)
    finally:
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
