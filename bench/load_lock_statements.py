"""The statements (through SQLAlchemy) of one industries load and one metrics load, and how
many of them are SQLite's no-op write that takes the write lock (`store.write_locks`): counted,
not timed. On a fresh database in a temporary folder, or on DATABASE_URL's (PostgreSQL: a
scratch database, which gets a definition, an industry and a value).

    PYTHONPATH=$PWD .venv/bin/python bench/load_lock_statements.py
    DATABASE_URL=postgresql+asyncpg://... PYTHONPATH=$PWD .venv/bin/python \\
        bench/load_lock_statements.py
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import event

from store.engine import create_engine
from store.ingest import IngestKind, ingest_file
from store.migrate import migrate

_FILES = {
    "definitions.csv": "name,unit\nrevenue,EUR\n",
    "industries.csv": "industry_id,name\nretail,Retail\n",
    "metrics.csv": "level,entity_id,metric_name,effective_date,value\n"
    "industry,retail,revenue,2024-01-01,1\n",
}


async def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="load-locks-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite+aiosqlite:///{folder / 'count.db'}"
    engine = create_engine(url)
    await migrate(engine)
    for name, text in _FILES.items():
        (folder / name).write_text(text)
    await ingest_file(engine, kind=IngestKind.DEFINITIONS, path=folder / "definitions.csv")
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    print(f"{engine.dialect.name}: statements of a load (of them, the no-op write)")
    for kind, name in (
        (IngestKind.INDUSTRIES, "industries.csv"),
        (IngestKind.METRICS, "metrics.csv"),
    ):
        seen.clear()
        await ingest_file(engine, kind=kind, path=folder / name)
        noop = sum("WHERE 0" in statement for statement in seen)
        print(f"  {kind.value:<12} {len(seen):>3} ({noop})")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
