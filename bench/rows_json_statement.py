"""The small query's rows-as-JSON statement on SQLite and the alternatives tried, alone.

    valgrind --tool=callgrind --callgrind-out-file=/tmp/s.out .venv/bin/python \\
        bench/rows_json_statement.py VARIANT [--reads 1000] [--sqlite-path PEERS]
    # and the same with --reads 0: (N reads' - 0 reads') / N from `grep summary /tmp/s.out`
    python bench/rows_json_statement.py --list   # the variants, each with its query plan

Runs one statement text on a plain `sqlite3` connection (300 reads of warm-up, then `--reads`
more, a different account each time, `fetchall` as store/running/sqlite_connection.py does),
and nothing else: the instructions of a read in sqlite3 and its Python binding, which the load
of the machine does not move. `ours` is the statement store/reads/account_metrics_json.py
builds now; `main-fc5d1fb` the one before (level and separator bound, the brackets outside the
subquery); the others change one thing of `ours`, and `floor` is bench/peers_floor.py's
statement (its ten plain rows); `large-json` and `large-standard` the 100-account query's
rows, as JSON text and as plain rows (3 reads of warm-up). Data: bench/peers_data.py's SQLite
file (bench/peers.py --only sqlite builds it); give a copy with an extra index to see what an
index changes."""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy.dialects import sqlite

from store.reads.account_metrics_json import RowColumn, RowField, statement_of
from store.reads.entities import MetricFilter
from store.scope import INTERNAL

MONTH = "2023-12-01"
WARM_UP = 300
FIELDS = (
    RowField("metricName", RowColumn.METRIC_NAME),
    RowField("value", RowColumn.VALUE),
    RowField("unit", RowColumn.UNIT),
    RowField("effectiveDate", RowColumn.EFFECTIVE_DATE),
)
ROW = (
    "json_object('metricName', v.metric_name, 'value', v.value, 'unit', d.unit, "
    "'effectiveDate', v.effective_date)"
)
WRAP = "(SELECT coalesce('[' || group_concat(s.r, ',') || ']', '[]') FROM ({sub}) AS s)"
ACCOUNT = (
    "SELECT account.account_id, account.app_id, account.name, account.industry_id, "
    "account.is_key_account, account.n_employees, {rows} AS rows FROM account "
    "WHERE account.account_id IN (?) ORDER BY account.account_id"
)
Arguments = Callable[[str], tuple[Any, ...]]
LARGE_IDS = [f"acc-{number:05d}" for number in range(100)]  # bench/peers_data.py's first 100


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _variant(
    row: str = ROW,
    tables: str = "metric_value v, metric_definition d",
    join: str = "AND v.metric_name = d.name ",
    level: str = "'account'",
    order: str = "ORDER BY v.metric_name, v.effective_date",
    wrap: str = WRAP,
) -> tuple[str, Arguments]:
    sub = (
        f"SELECT {row} AS r FROM {tables} WHERE v.level = {level} "
        f"AND v.entity_id = account.account_id {join}AND v.effective_date IN (?) {order}"
    )
    sql = ACCOUNT.format(rows=wrap.format(sub=sub))
    bound = level == "?"
    return sql, (lambda a: ("account", MONTH, a)) if bound else (lambda a: (MONTH, a))


def _ours(account: str) -> tuple[Any, ...]:
    return (MONTH, account)


def variants() -> dict[str, tuple[str, Arguments]]:
    dialect = sqlite.dialect()
    months = MetricFilter(months=(dt.date.fromisoformat(MONTH),))
    statement, parameters = statement_of(["a"], months, INTERNAL, FIELDS, dialect)
    ours = statement.sql(dialect, parameters)[0]
    large, large_parameters = statement_of(LARGE_IDS, MetricFilter(), INTERNAL, FIELDS, dialect)
    large_json = large.sql(dialect, large_parameters)[0]
    main_sql = _variant(
        level="?",
        wrap="'[' || coalesce((SELECT group_concat(s.r, ?) FROM ({sub}) AS s), '') || ']'",
    )[0]
    return {
        "ours": (ours, lambda a: (MONTH, a)),
        "main-fc5d1fb": (main_sql, lambda a: (",", "account", MONTH, a)),
        "no-json": _variant(row="v.metric_name"),
        "no-order": _variant(order=""),
        "no-join": _variant(
            row=ROW.replace("d.unit", "v.metric_name"), tables="metric_value v", join=""
        ),
        "json-group-array": _variant(wrap="(SELECT json_group_array(json(s.r)) FROM ({sub}) AS s)"),
        "printf": _variant(
            row='printf(\'{"metricName":%s,"value":%s,"unit":%s,"effectiveDate":%s}\', '
            "json_quote(v.metric_name), json_quote(v.value), json_quote(d.unit), "
            "json_quote(v.effective_date))"
        ),
        "concat-unquoted": _variant(
            row="""'{"metricName":"' || v.metric_name || '","value":"' || v.value || """
            """'","unit":"' || d.unit || '","effectiveDate":"' || v.effective_date || '"}'"""
        ),
        "json-late": _variant(
            row="v.metric_name AS n, v.value AS x, d.unit AS u, v.effective_date",
            wrap="(SELECT coalesce('[' || group_concat(json_object('metricName', s.n, 'value', "
            "s.x, 'unit', s.u, 'effectiveDate', s.r), ',') || ']', '[]') FROM ({sub}) AS s)",
        ),
        "primary-key-order": _variant(
            tables="metric_value v INDEXED BY sqlite_autoindex_metric_value_1, metric_definition d"
        ),
        "definitions-first": _variant(
            tables="metric_definition d CROSS JOIN metric_value v",
            order="ORDER BY d.name, v.effective_date",
        ),
        # The 100-account query's rows (all months, the first 100 accounts): as JSON text by
        # this read, and as the 12,000 plain rows the standard read (entities.py) fetches.
        "large-json": (large_json, lambda _a: tuple(LARGE_IDS)),
        "large-standard": (
            "SELECT metric_value.entity_id, metric_value.metric_name, metric_value.value, "
            "metric_definition.unit, metric_value.effective_date FROM metric_value "
            "JOIN metric_definition ON metric_value.metric_name = metric_definition.name "
            f"WHERE metric_value.level = ? AND metric_value.entity_id IN ({_marks(100)}) "
            "ORDER BY metric_value.entity_id, metric_value.metric_name, "
            "metric_value.effective_date",
            lambda _a: ("account", *LARGE_IDS),
        ),
        "floor": (
            "SELECT v.metric_name, v.value, d.unit, v.effective_date "
            "FROM metric_value v JOIN metric_definition d ON d.name = v.metric_name "
            "WHERE v.level = 'account' AND v.entity_id = ? AND v.effective_date = ? "
            "ORDER BY v.metric_name, v.effective_date",
            lambda a: (a, MONTH),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("variant", nargs="?", default="ours")
    parser.add_argument("--reads", type=int, default=1000)
    parser.add_argument("--list", action="store_true")
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    arguments = parser.parse_args()
    connection = sqlite3.connect(arguments.sqlite_path)
    accounts = [row[0] for row in connection.execute("SELECT account_id FROM account ORDER BY 1")]
    every = variants()
    if arguments.list:
        for name, (sql, given) in every.items():
            plan = connection.execute("EXPLAIN QUERY PLAN " + sql, given(accounts[1]))
            print(f"{name}: " + "; ".join(step[3] for step in plan))
        return
    sql, given = every[arguments.variant]
    warm_up = 3 if arguments.variant.startswith("large") else WARM_UP
    for number in range(warm_up + arguments.reads):
        connection.execute(sql, given(accounts[number % len(accounts)])).fetchall()


if __name__ == "__main__":
    main()
