"""Property: any metric values written to a file come back exactly, on the first of their month."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from store.tables import METADATA
from tests.store.ingest.support import seed_entities, table_rows

ENTITIES = [
    ("account", "A1"),
    ("account", "A2"),
    ("company", "C1"),
    ("contract", "K1"),
    ("industry", "retail"),
]
METRICS = ["revenue", "handling_time"]

# Exact decimals of up to 40 digits, with up to 20 after the point, of either sign.
decimals = st.builds(
    lambda digits, places: Decimal(f"{digits}E-{places}"),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.integers(min_value=0, max_value=20),
)
Key = tuple[tuple[str, str], str, dt.date]
Rows = dict[Key, tuple[int, Decimal]]

rows = st.dictionaries(
    keys=st.tuples(
        st.sampled_from(ENTITIES),
        st.sampled_from(METRICS),
        st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2060, 12, 31)).map(
            lambda day: day.replace(day=1)
        ),
    ),
    values=st.tuples(st.integers(min_value=1, max_value=28), decimals),
    min_size=1,
    max_size=25,
)


def _write(folder: Path, file_format: str, values: Rows) -> Path:
    lines = []
    for ((level, entity), metric, month), (day, value) in values.items():
        date = month.replace(day=day).isoformat()
        text = format(value, "f")  # plain notation: the digits as a user writes them
        if file_format == "jsonl":
            # The value as a JSON number, not a string: it must not pass through a float.
            head = json.dumps(
                {"level": level, "entity_id": entity, "metric_name": metric, "effective_date": date}
            )
            lines.append(f'{head[:-1]}, "value": {text}}}')
        else:
            lines.append(f"{level};{entity};{metric};{date};{text}")
    if file_format == "jsonl":
        path = folder / "metrics.jsonl"
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    else:
        path = folder / "metrics.csv"
        header = "level;entity_id;metric_name;effective_date;value\n"
        path.write_text(header + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=rows, file_format=st.sampled_from(["csv", "jsonl"]))
async def test_metric_values_come_back_exactly(
    engine: AsyncEngine,
    tmp_path: Path,
    values: Rows,
    file_format: str,
) -> None:
    await seed_entities(engine, tmp_path)  # idempotent: the same entities every example
    async with engine.begin() as connection:
        await connection.execute(delete(METADATA.tables["metric_value"]))
    path = _write(tmp_path, file_format, values)

    report = await ingest_file(engine, kind=IngestKind.METRICS, path=path)

    assert report.rows_written == len(values)
    stored = {
        ((level, entity), metric, month): value
        for level, entity, metric, month, value in await table_rows(engine, "metric_value")
    }
    expected = {key: value for key, (_day, value) in values.items()}
    assert stored == expected
    for key, value in expected.items():
        # Equal, and with the same digits and scale (zero's sign aside).
        assert stored[key].as_tuple()[1:] == value.as_tuple()[1:]
