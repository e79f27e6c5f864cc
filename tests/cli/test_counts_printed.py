"""Every count the command line prints agrees with its noun: `1 metric value written`,
`Skipped 1 total or balance line`, `1 cohort`, and the plural for 0 and for 2. Through
`profiling` itself (Typer's runner, in process), on a throwaway SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.main import app

HEADER = "level,entity_id,metric_name,effective_date,value\n"


def _profiling(folder: Path, *arguments: str) -> Result:
    result = CliRunner().invoke(
        app,
        list(arguments),
        env={"DATABASE_URL": f"sqlite:///{folder / 'counts.db'}", "PROFILING_TODAY": "2024-03-10"},
    )
    assert result.exit_code == 0, result.output
    return result


def _load(folder: Path, kind: str, text: str, name: str | None = None) -> list[str]:
    path = folder / (name or f"{kind}.csv")
    path.write_text(text, encoding="utf-8")
    lines: list[str] = _profiling(folder, "ingest", kind, str(path)).stdout.splitlines()
    return lines


def _accounts(folder: Path, metrics: int) -> None:
    """Six accounts of one sector (enough to publish) and `metrics` metrics with bounds."""
    definitions = "".join(f"m{n},EUR,0,1000\n" for n in range(metrics))
    _load(folder, "definitions", f"name,unit,lower_bound,upper_bound\n{definitions}")
    _load(folder, "industries", "industry_id,name\nretail,Retail\n")
    accounts = "".join(f"a{n},Account {n},retail\n" for n in range(6))
    _load(folder, "accounts", f"account_id,name,industry\n{accounts}")


@pytest.mark.parametrize(
    ("values", "changes", "summary"),
    [
        (1, "1 metric value: 1 new", "1 row read, 1 metric value written"),
        (2, "2 metric values: 2 new", "2 rows read, 2 metric values written"),
    ],
)
def test_values_written(tmp_path: Path, values: int, changes: str, summary: str) -> None:
    _accounts(tmp_path, 1)
    rows = "".join(f"account,a{n},m0,2024-02-01,{100 + n}\n" for n in range(values))
    lines = _load(tmp_path, "metrics", HEADER + rows, "values.csv")
    assert lines[-2] == f"{changes}, 0 changed, 0 unchanged"
    assert lines[-1] == f"{tmp_path / 'values.csv'} (CSV, comma-separated): {summary}"


@pytest.mark.parametrize(
    ("totals", "said"),
    [
        (0, None),
        (1, "Skipped 1 total or balance line"),
        (2, "Skipped 2 total or balance lines"),
    ],
)
def test_total_lines_skipped(tmp_path: Path, totals: int, said: str | None) -> None:
    _accounts(tmp_path, 1)
    rows = "account,a0,m0,2024-02-01,100\naccount,a1,m0,2024-02-01,50\n"
    lines = _load(tmp_path, "metrics", HEADER + rows + "Total,,,,150\n" * totals)
    assert [line for line in lines if line.startswith("Skipped")] == ([said] if said else [])
    assert lines[-1].endswith(f": {2 + totals} rows read, 2 metric values written")


@pytest.mark.parametrize(
    ("metrics", "accounts", "published"),
    [
        # One account's value: a cohort too small to publish, so no sector.
        (1, 1, "1 value in 1 cohort, 0 publishable across 0 sectors"),
        (1, 6, "6 values in 1 cohort, 1 publishable across 1 sector"),
        (2, 6, "12 values in 2 cohorts, 2 publishable across 1 sector"),
    ],
)
def test_a_published_month(tmp_path: Path, metrics: int, accounts: int, published: str) -> None:
    _accounts(tmp_path, metrics)
    rows = "".join(
        f"account,a{n},m{m},2024-02-01,{100 + n}\n" for m in range(metrics) for n in range(accounts)
    )
    _load(tmp_path, "metrics", HEADER + rows)
    lines = _profiling(tmp_path, "publish", "--month", "2024-02").stdout.splitlines()
    assert lines[0] == f"Published 2024-02: {published}"
