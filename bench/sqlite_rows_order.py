"""What each way of ordering an account's rows inside SQLite's statement costs, in SQLite
virtual-machine instructions (counted by `set_progress_handler`, which the machine's load does
not move), for the account-rows JSON read (store/reads/account_metrics_json.py):

    .venv/bin/python bench/sqlite_rows_order.py [--db /root/.cache/profiling-bench/peers.db]
        [--accounts 100]

- `subquery`: the rows ordered in a subquery that feeds group_concat (what SQLite before 3.44
  runs: the order SQLite's own regression test tkt2942 keeps);
- `window`: group_concat as a window function over the whole ordered partition (the order
  SQLite documents for window frames);
- `row number`: the subquery's rows with their row_number() concatenated beside them, for a
  check in Python that they came in order.

Each must give the same text (the first two are compared). Data: bench/peers.py builds the
database (`--db`, read only: copied to a temporary file first)."""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import warnings
from pathlib import Path

from sqlalchemy import String, and_, func, literal_column, select, type_coerce
from sqlalchemy.dialects import sqlite

from store.reads import account_metrics_json as rows_json
from store.reads.entities import ACCOUNT_COLUMNS, IDS
from store.scope import INTERNAL, account_visible
from store.tables import ACCOUNT_TABLE, DEFINITION_TABLE, METRIC_TABLE, Level

_FIELDS = (
    rows_json.RowField("metricName", rows_json.RowColumn.METRIC_NAME),
    rows_json.RowField("value", rows_json.RowColumn.VALUE),
    rows_json.RowField("effectiveDate", rows_json.RowColumn.EFFECTIVE_DATE),
    rows_json.RowField("unit", rows_json.RowColumn.UNIT),
)
# The progress handler is called every this many virtual-machine instructions.
_STEP = 100


def _statements(accounts: list[str]) -> dict[str, str]:
    metric, account = METRIC_TABLE.c, ACCOUNT_TABLE.c
    shape = tuple(
        (field.column, field.type_name, rows_json._key(position, field.name, "sqlite"))
        for position, field in enumerate(_FIELDS)
    )
    row = rows_json._row_json(shape, "sqlite")
    on = [
        metric.level == Level.ACCOUNT,
        metric.entity_id == account.account_id,
        metric.metric_name == DEFINITION_TABLE.c.name,
    ]
    order = (metric.metric_name, metric.effective_date)

    def whole(rows: object) -> str:
        text = type_coerce(
            rows_json._quoted("[")
            .concat(func.coalesce(rows, rows_json._quoted("")))
            .concat(rows_json._quoted("]")),
            String(),
        )
        statement = (
            select(*ACCOUNT_COLUMNS, text.label("rows"))
            .where(account.account_id.in_(IDS), account_visible(INTERNAL))
            .order_by(account.account_id)
        )
        with warnings.catch_warnings():  # the account ids are written in below
            warnings.simplefilter("ignore")
            compiled = str(
                statement.compile(
                    dialect=sqlite.dialect(),
                    compile_kwargs={"literal_binds": True, "render_postcompile": True},
                )
            )
        listed = "(" + ",".join(f"'{account_id}'" for account_id in accounts) + ")"
        return compiled.replace("IN (NULL)", "IN " + listed)

    base = select(row.label("r")).select_from(METRIC_TABLE, DEFINITION_TABLE).where(and_(*on))
    ordered = base.order_by(*order).correlate(ACCOUNT_TABLE).subquery()
    numbered = (
        base.add_columns(func.row_number().over(order_by=order).label("n"))
        .order_by(*order)
        .correlate(ACCOUNT_TABLE)
        .subquery()
    )
    window = (
        select(func.group_concat(row, ",").over(order_by=order, rows=(None, None)))
        .select_from(METRIC_TABLE, DEFINITION_TABLE)
        .where(and_(*on))
        .correlate(ACCOUNT_TABLE)
        .limit(1)
    )
    beside = (
        func.group_concat(numbered.c.r, ",")
        .concat(literal_column("char(30)"))
        .concat(func.group_concat(numbered.c.n, ","))
    )
    return {
        "subquery": whole(select(func.group_concat(ordered.c.r, ",")).scalar_subquery()),
        "window": whole(window.scalar_subquery()),
        "row number": whole(select(beside).scalar_subquery()),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="/root/.cache/profiling-bench/peers.db")
    parser.add_argument("--accounts", type=int, default=100)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "peers.db"
        shutil.copyfile(arguments.db, copy)
        connection = sqlite3.connect(copy)
        accounts = [
            found
            for (found,) in connection.execute(
                "SELECT account_id FROM account ORDER BY account_id LIMIT ?", (arguments.accounts,)
            )
        ]
        rows = connection.execute(
            "SELECT count(*) FROM metric_value WHERE level = 'account' AND entity_id IN "
            f"({','.join('?' * len(accounts))})",
            accounts,
        ).fetchone()[0]
        print(f"SQLite {sqlite3.sqlite_version}, {len(accounts)} accounts, {rows:,} rows")
        answers = {}
        for name, statement in _statements(accounts).items():
            steps = [0]

            def count(steps: list[int] = steps) -> int:
                steps[0] += 1
                return 0

            connection.execute(statement).fetchall()  # warm: pages in the cache
            connection.set_progress_handler(count, _STEP)
            answers[name] = connection.execute(statement).fetchall()
            connection.set_progress_handler(None, _STEP)
            print(f"{name:>12}: {steps[0] * _STEP:>12,} VM instructions")
        assert answers["subquery"] == answers["window"], "the orders differ"


if __name__ == "__main__":
    main()
