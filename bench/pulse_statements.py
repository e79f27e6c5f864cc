"""How many SQL statements one public `pulseReport { methodology }` request runs: its privacy
sentence reads the month's revisions and the past epsilon declared for it (docs/performance.md).
Counts statements, so the figure does not depend on the machine's load.

    PYTHONPATH=. .venv/bin/python bench/pulse_statements.py
"""

from __future__ import annotations

import asyncio
import datetime as dt
import tempfile
from pathlib import Path

import httpx
from sqlalchemy import event

from server.app import create_app
from settings import load_settings
from store.engine import create_engine
from store.jobs.publish import publish_month
from store.keys import create_key
from store.migrate import migrate
from store.scope import Role
from tests.factories import Seed  # the tests' data builder: six accounts need no more

QUERY = '{ pulseReport(month: "2023-03-01") { methodology } }'


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'pulse.db'}")
        await migrate(engine)
        seed = Seed()
        seed.definition("csat", "percent", aggregation="mean", bounds=("0", "100"))
        seed.industry("retail")
        for n in range(6):
            seed.account(f"r{n}", industry="retail")
            seed.metric("account", f"r{n}", "csat", "2023-03-01", str(50 + n))
        await seed.write(engine)
        await publish_month(
            engine, month=dt.date(2023, 3, 1), today=dt.date(2023, 4, 10), min_cohort=5
        )
        _, key = await create_key(engine, role=Role.PUBLIC)
        app = create_app(settings=load_settings({"PROFILING_TODAY": "2023-04-10"}), engine=engine)
        statements = 0

        def counted(*_: object) -> None:
            nonlocal statements
            statements += 1

        event.listen(engine.sync_engine, "before_cursor_execute", counted)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            for request in (1, 2):
                statements = 0
                response = await client.post(
                    "/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {key}"}
                )
                if "errors" in response.json():
                    raise SystemExit(response.text)
                print(f"request {request}: {statements} statements")
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main())
