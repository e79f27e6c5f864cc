"""The `profiling` command as users run it: the installed console script, in a subprocess."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from schema.build import export_sdl
from tests.factories import Seed

PROFILING = shutil.which("profiling", path=str(Path(sys.executable).parent)) or "profiling"


def run(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PROFILING, *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PROFILING_TODAY": "2024-03-10"}


def test_serve_on_a_port_in_use_is_one_line_before_anything_starts(env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--demo", "--no-auth", "--port", str(port), env=env)
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not Path(env["DATABASE_URL"].removeprefix("sqlite:///")).exists()


def test_export_schema_prints_the_sdl(env: dict[str, str]) -> None:
    result = run("export-schema", env=env)
    assert result.returncode == 0
    assert result.stdout == export_sdl()


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("serve", "--no-auth", "--host", "0.0.0.0"), "loopback addresses only"),
        (("demo", "--scale", "0"), "scale must be"),
        (("serve", "--port", "99999"), "--port must be 1 to 65535"),
        (("serve", "--host", "no-such-host.invalid"), "is not an address"),
    ],
)
def test_refusals_exit_1_with_one_line(
    env: dict[str, str], args: tuple[str, ...], reason: str
) -> None:
    result = run(*args, env=env)
    assert result.returncode == 1
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_serve_without_keys_refuses_every_origin(env: dict[str, str]) -> None:
    # --no-auth keeps keyless reads on this machine, but the browser is on it too: with `*`, any
    # site the user opens could read every account.
    keyless = run("serve", "--no-auth", "--port", "1", env={**env, "PROFILING_CORS_ORIGINS": "*"})
    assert keyless.returncode == 1
    assert "refused with --no-auth" in keyless.stderr
    assert len(keyless.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("PROFILING_RATE_LIMIT_BURST", "10", "below the query cost limit"),
        ("PROFILING_RATE_LIMIT_RATE", "fast", "PROFILING_RATE_LIMIT_RATE must be"),
        ("PROFILING_MAX_COST", "lots", "PROFILING_MAX_COST must be"),
    ],
)
def test_serve_refuses_bad_limits_before_starting(
    env: dict[str, str], variable: str, value: str, reason: str
) -> None:
    result = run("serve", "--port", "1", env={**env, variable: value})
    assert result.returncode == 1
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("primary", "standbys", "reason"),
    [
        (None, "postgresql://u@127.0.0.1:5441/p", "DATABASE_READ_URL needs a PostgreSQL primary"),
        ("postgresql://u@127.0.0.1:1/p", "postgresql://u@h:port/p", "DATABASE_READ_URL is not"),
        ("postgresql://u@127.0.0.1:1/p", "mysql://u@h/p", "DATABASE_READ_URL must list"),
    ],
)
def test_serve_refuses_bad_standbys_before_starting(
    env: dict[str, str], primary: str | None, standbys: str, reason: str
) -> None:
    given = {"DATABASE_READ_URL": standbys} | ({"DATABASE_URL": primary} if primary else {})
    result = run("serve", "--port", "1", env={**env, **given})
    assert result.returncode == 1
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_settings_exit_1(env: dict[str, str]) -> None:
    result = run("demo", env={**env, "PROFILING_TODAY": "tomorrow"})
    assert result.returncode == 1
    assert "PROFILING_TODAY" in result.stderr


def test_unreachable_database_hides_the_password(env: dict[str, str]) -> None:
    url = "postgresql://someone:s3cret@127.0.0.1:1/nothing"
    result = run("demo", env={**env, "DATABASE_URL": url})
    assert result.returncode == 1
    assert "cannot reach the database" in result.stderr
    assert "s3cret" not in result.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def demo_server(env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    """`profiling demo` at a small scale, then `profiling serve --demo --no-auth` on it."""
    assert run("demo", "--scale", "0.05", env=env).returncode == 0
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [PROFILING, "serve", "--demo", "--no-auth", "--port", str(port)],
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("the server did not become healthy within 60 s")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_serve_demo_says_it_leaves_a_database_of_ones_own_data_alone(
    env: dict[str, str], tmp_path: Path
) -> None:
    industries = tmp_path / "industries.csv"
    industries.write_text("industry_id,name\nretail,Retail\n", encoding="utf-8")
    assert run("ingest", "industries", str(industries), env=env).returncode == 0
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [PROFILING, "serve", "--demo", "--no-auth", "--port", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and "Uvicorn running" not in log_path.read_text():
                time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=30)
    output = log_path.read_text()
    assert "The database holds data already: the demo is not loaded into it" in output
    assert "Loading demo data" not in output


def test_demo_says_what_it_starts_when_no_bar_is_shown(env: dict[str, str]) -> None:
    result = run("demo", "--scale", "0.02", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    # Output captured, as under `make serve` in a log: no bar, so a line before each long step.
    assert re.fullmatch(r"Loading demo data: [\d,]+ rows \(a minute or two\)\.\.\.", lines[1])
    assert lines[2].startswith("Demo data loaded: ")
    assert "Publishing the demo's complete months..." in lines


def test_serve_answers_graphql_over_http(demo_server: str) -> None:
    response = httpx.post(
        f"{demo_server}/graphql",
        json={
            "query": """{ industries { industryId }
                accounts(first: 2) { totalCount edges { node { accountId
                  metrics(lastFullMonth: true) { metricName value unit formattedValue } } } } }"""
        },
        timeout=30,
    )
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    assert len(body["data"]["industries"]) == 12
    assert body["data"]["accounts"]["totalCount"] > 2
    rows = body["data"]["accounts"]["edges"][0]["node"]["metrics"]
    assert rows  # the demo's last month is the last full month before PROFILING_TODAY


async def test_publish_freezes_a_month_and_guards_revisions(
    engine: AsyncEngine, database_url: str
) -> None:
    seed = Seed()
    seed.industry("retail")
    seed.definition("revenue", "EUR", bounds=("0", "1000"))
    for n in range(6):
        seed.account(f"a{n}", industry="retail")
        seed.metric("account", f"a{n}", "revenue", "2024-02-01", f"{100 + n}")
    await seed.write(engine)
    env = {"DATABASE_URL": database_url, "PROFILING_TODAY": "2024-03-10"}
    first = run("publish", "--month", "2024-02", env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Published 2024-02:")
    # Six accounts at the default budget: the private figures are mostly noise, and it says so.
    assert "0 of 2 private figures are precise enough" in first.stdout
    assert "PROFILING_PRIVACY_EPSILON=4 would make every one that any budget can so; 1 never" in (
        first.stdout
    )
    again = run("publish", "--month", "2024-02", env=env)
    assert again.returncode == 1
    assert "already published" in again.stderr
    revised = run("publish", "--month", "2024-02", "--revise", env=env)
    assert revised.returncode == 0, revised.stderr
    assert "revision 2" in revised.stdout
    for month, reason in (("2024-03", "not over yet"), ("2024/02", "YYYY-MM")):
        refused = run("publish", "--month", month, env=env)
        assert refused.returncode == 1
        assert reason in refused.stderr


def test_publishing_a_month_not_over_creates_no_database(
    env: dict[str, str], tmp_path: Path
) -> None:
    refused = run("publish", "--month", "2099-01", env=env)
    assert refused.returncode == 1
    assert refused.stderr == "error: 2099-01 is not over yet: the last full month is 2024-02\n"
    assert not (tmp_path / "cli.db").exists()


def test_demo_publishes_every_complete_month_once(env: dict[str, str]) -> None:
    first = run("demo", "--scale", "0.05", env=env)
    assert first.returncode == 0, first.stderr
    # PROFILING_TODAY=2024-03-10: the demo's 24 months end with February 2024.
    assert "Published 24 demo months: 2022-03 to 2024-02" in first.stderr
    again = run("demo", "--scale", "0.05", env=env)
    assert again.returncode == 0, again.stderr
    assert "Every demo month (2022-03 to 2024-02) is published already" in again.stderr
    refused = run("publish", "--month", "2024-02", env=env)
    assert "already published" in refused.stderr


def test_a_second_demo_says_the_demo_was_there_and_what_it_added(env: dict[str, str]) -> None:
    first = run("demo", "--scale", "0.05", env=env)
    assert first.returncode == 0, first.stderr
    assert "Demo data loaded: 2 apps, 12 industries" in first.stderr
    again = run("demo", "--scale", "0.05", env=env)
    assert again.returncode == 0, again.stderr
    assert "Demo data loaded" not in again.stderr
    [said] = [line for line in again.stderr.splitlines() if line.startswith("Demo data")]
    assert said.startswith("Demo data was loaded already (2 apps, 12 industries")
    assert said.endswith("): nothing added")
    # A month later the demo's window has one more month: its rows are added, and said so.
    later = run("demo", "--scale", "0.05", env={**env, "PROFILING_TODAY": "2024-04-10"})
    assert later.returncode == 0, later.stderr
    [said] = [line for line in later.stderr.splitlines() if line.startswith("Demo data")]
    assert re.search(r"\): [0-9,]+ rows added$", said), said
