"""Ten million values: ingest, publish, reads and size at 10,000 accounts x 20 metrics x 50 months.

    .venv/bin/python bench/scale.py                      # 10M values, SQLite and PostgreSQL
    .venv/bin/python bench/scale.py --scale 0.012        # 120,000 values (120 accounts)
    .venv/bin/python bench/scale.py --only sqlite --baseline-scale 0   # no baseline run

For each store it builds a database from files, the way a user does: a definitions, an
industries and an accounts file, then one metrics CSV of every value (about 1 GB at full scale;
month after month, as an export of a history is, the unit on every row), generated streaming
into a temporary folder.
Then it measures, each in a process of its own run with this tree's code (`python -m cli.main`):

- ingest of the metrics file: values per second (wall time of the whole command) and the peak
  resident memory of that process (`os.wait4`'s rusage of exactly that child);
- `publish --month` of the last month: wall time of the command;
- the one-account query (its 20 values of the last full month, a random account per request)
  under 8 concurrent clients for --seconds: p50 and p99. The load comes from `wrk` (Debian's,
  one thread, 8 connections, a Lua script that checks every answer), a C client that takes
  little of the CPU the server needs;
- the 100-account query (100 accounts x 20 metrics x 12 months = 24,000 rows), one request at a
  time: median of --repeat;
- the database's size (SQLite: the file and its WAL; PostgreSQL: pg_database_size).

The server is `serve --no-auth` (uvicorn, one worker) on the generated database. Unless
--baseline-scale is 0, the same is first run at that scale (default 0.012: 120,000 values) and
every figure is compared with it: a figure of work that does not grow with the data (a query,
memory) by its value, and one of work that does (ingest, publish of a month, size) per value.

PostgreSQL runs in the database of --postgres-url (default bench_scale on 127.0.0.1), which is
wiped and refilled: point it at a scratch database. The temporary folder is removed at the end
unless --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
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
    """Run `python -m cli.main ARGUMENTS`: wall seconds, CPU seconds (user and system) and the
    peak resident MB of exactly that process (the database server's work is not in them)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [PYTHON, "-m", "cli.main", *arguments],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # wait4 gives this child's own rusage; reading the pipes first keeps it from blocking.
    assert process.stdout is not None
    assert process.stderr is not None
    output = process.stdout.read()
    errors = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(
            f"{' '.join(arguments)} failed: {output.decode()[-1000:]}{errors.decode()[-2000:]}"
        )
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def free_port(preferred: int) -> int:
    for port in [preferred, *range(8161, 8170)]:
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


def measure(store: str, size: Size, args: argparse.Namespace, folder: Path) -> Figures:
    load_before = " ".join(f"{load:.2f}" for load in os.getloadavg())
    accounts = _account_ids(size)
    say(f"{store}, {size.values:,} values: writing the files")
    files = write_files(folder, size, accounts)
    file_bytes = files["metrics"].stat().st_size
    if store == "sqlite":
        database = folder / "scale.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{database}"
    else:
        url = args.postgres_url
    asyncio.run(_fresh(url))
    env = _environment(url, size)
    for kind in ("definitions", "industries", "accounts"):  # small: not measured
        run_command(["ingest", kind, str(files[kind])], env)
    say(f"{store}: ingest of {file_bytes / 1e9:.2f} GB ({size.values:,} values)")
    ingest_seconds, ingest_cpu, peak_mb = run_command(
        ["ingest", "metrics", str(files["metrics"])], env
    )
    files["metrics"].unlink()
    say(f"{store}: {ingest_seconds:.1f} s, peak {peak_mb:.0f} MB; publish of {size.last_month}")
    publish_seconds, publish_cpu, _ = run_command(
        ["publish", "--month", f"{size.last_month:%Y-%m}"], env
    )
    port = free_port(args.port)
    with serving(env, port, folder / f"serve-{store}.log") as base:
        _, answer = _post(base, {"query": ONE_ACCOUNT, "variables": {"id": accounts[0]}})
        rows = answer["data"]["account"]["metrics"]
        if len(rows) != size.metrics:
            raise RuntimeError(f"one account: {len(rows)} rows, expected {size.metrics}")
        say(f"{store}: one account under {CLIENTS} clients for {args.seconds:.0f} s")
        p50, p99, rate = one_account_under_load(base, accounts, args.seconds, folder)
        body = {"query": hundred_accounts_query(size)}
        times, returned = [], 0
        for attempt in range(args.repeat + 1):
            elapsed, answer = _post(base, body)
            edges = answer["data"]["accounts"]["edges"]
            returned = sum(len(edge["node"]["metrics"]) for edge in edges)
            if attempt:
                times.append(elapsed)
    if store == "sqlite":
        database_bytes = sum(
            Path(f"{database}{suffix}").stat().st_size
            for suffix in ("", "-wal")
            if Path(f"{database}{suffix}").exists()
        )
    else:
        database_bytes = asyncio.run(_postgres_size(url))
    return Figures(
        store=store,
        values=size.values,
        file_bytes=file_bytes,
        ingest_seconds=ingest_seconds,
        ingest_cpu_seconds=ingest_cpu,
        ingest_peak_mb=peak_mb,
        publish_seconds=publish_seconds,
        publish_cpu_seconds=publish_cpu,
        month_values=size.accounts * size.metrics,
        one_account_p50_ms=p50,
        one_account_p99_ms=p99,
        one_account_rate=rate,
        hundred_accounts_ms=statistics.median(times) * 1000,
        hundred_accounts_rows=returned,
        database_bytes=database_bytes,
        load_before=load_before,
        load_after=" ".join(f"{load:.2f}" for load in os.getloadavg()),
    )


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
    parser.add_argument("--seconds", type=float, default=10.0, help="of the 8-client load")
    parser.add_argument("--repeat", type=int, default=5, help="of the 100-account query")
    parser.add_argument("--port", type=int, default=8161)
    parser.add_argument("--workdir", type=Path, default=None, help="default: a new temp folder")
    parser.add_argument("--keep", action="store_true", help="keep the folder (database, logs)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    if args.scale <= 0 or args.baseline_scale < 0:
        parser.error("--scale must be above 0 and --baseline-scale at least 0")
    if shutil.which("wrk") is None:
        parser.error("the load generator wrk is missing: apt-get install wrk")
    size = Size(accounts=max(100, round(FULL_ACCOUNTS * args.scale)))
    base_size = None
    if args.baseline_scale and round(FULL_ACCOUNTS * args.baseline_scale) != size.accounts:
        base_size = Size(accounts=max(100, round(FULL_ACCOUNTS * args.baseline_scale)))
    stores = [args.only] if args.only else ["sqlite", "postgres"]
    folder = args.workdir or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    tables = []
    try:
        for store in stores:
            baseline = measure(store, base_size, args, folder) if base_size else None
            figures = measure(store, size, args, folder)
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
