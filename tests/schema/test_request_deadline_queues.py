"""The requests of a server share one queue of deadlines (schema/request_deadline.py keeps one
per event loop and limit, for good): a request that the compiled account-and-rows plan tried
inline and left to the other paths (an account the key does not see, a metric name to check)
runs there under the request's own limit, counted from when it started, not under a limit of
its own (what was left of it), which would add a queue, and a timer, for every such request."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from schema import request_deadline
from tests.api_client import GraphQLClient
from tests.schema.execution.differential.support import ACCOUNTS, MONTHS, seed

SMALL = """query ($id: String!, $month: Date!) {
  account(accountId: $id) {
    metrics(effectiveDates: [$month]) { metricName value unit effectiveDate }
  }
}"""


async def test_requests_left_to_the_other_paths_add_no_deadline_queue(
    client: GraphQLClient, engine: AsyncEngine
) -> None:
    await seed(engine)
    loop = asyncio.get_running_loop()
    await client.data(SMALL, {"id": ACCOUNTS[1], "month": MONTHS[0]})  # prepared from now on
    for n in range(30):
        missing = await client.post(SMALL, {"id": f"missing-{n}", "month": MONTHS[0]})
        assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        unknown = await client.post(
            SMALL.replace("effectiveDates: [$month]", 'names: ["nope"], effectiveDates: [$month]'),
            {"id": ACCOUNTS[1], "month": MONTHS[0]},
        )
        assert unknown["errors"]
    # One limit, one queue: however many requests ran.
    assert len(request_deadline._by_loop.get(loop, {})) == 1
