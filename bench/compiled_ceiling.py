"""How fast the small query could be served by the tightest path this architecture allows.

    PYTHONPATH=$PWD .venv/bin/python bench/compiled_ceiling.py [--sqlite-path PATH]
        [--rounds 3] [--seconds 3] [--port 18300] [--connections 1] [--old PATH]

A throwaway ceiling, not a path of the server: the hot operation (bench/peers.py's small
query) answered by hand, by what a compiled plan could not do without: the body read and
decoded with orjson, the document found by its text, the variables checked, the same
scope-checked statement the store issues (`accounts_with_metrics` through the request's
reader, as the DataLoader batch runs it), the records turned into the answer with the scalars'
serializers, orjson, send. Measured under uvicorn (uvloop, httptools), each a process of its
own, interleaved by rounds with wrk (one thread, `--connections` keep-alive connections):

- `floor`: bench/peers_floor.py;
- `ours`: `serve --no-auth` of this checkout, access log off (and with `--old PATH`, the
  same of another checkout: `git archive <rev> | tar -x -C PATH`);
- `ceiling inside`: our whole app (error middleware, metrics, body cap, key check, the plain
  POST path, the context, the deadline) with only the GraphQL execution replaced by the tight
  path;
- `ceiling bare`: a bare ASGI app doing the tight path with the same reader, before any of
  our middleware.

Prints req/s (median, min-max), the ratio to the floor, and the server process's CPU a
request (from /proc)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from functools import partial
from pathlib import Path
from typing import Any

import orjson

BENCH = Path(__file__).resolve().parent
REPOSITORY = BENCH.parent
sys.path.insert(0, str(REPOSITORY))

SMALL = (
    "query ($id: String!, $month: Date!) { account(accountId: $id) { "
    "metrics(effectiveDates: [$month]) { metricName value unit effectiveDate } } }"
)


def _tight(reader: Any, scope: Any) -> Any:
    """The tight path: variables -> the store's read -> the answer's bytes, or None."""
    from resolvers.loaders import _ACCOUNTS_WITH_METRICS, _account_rows_at_most
    from resolvers.loaders import _accounts_with_metrics_of as of
    from resolvers.metrics import _filter_of

    async def answer(variables: Any) -> bytes | None:
        if type(variables) is not dict or len(variables) != 2:
            return None
        account_id = variables.get("id")
        month = variables.get("month")
        if type(account_id) is not str or type(month) is not str:
            return None
        try:
            day = dt.date.fromisoformat(month)
        except ValueError:
            return None
        metric_filter = _filter_of(None, (day,), None)
        found = await reader.read_keys(
            (_ACCOUNTS_WITH_METRICS, scope, metric_filter),
            [account_id],
            partial(of, metric_filter, scope),
            rows_at_most=partial(_account_rows_at_most, metric_filter),
        )
        one = found.get(account_id)
        if one is None:
            return None
        return orjson.dumps(
            {
                "data": {
                    "account": {
                        "metrics": [
                            {
                                "metricName": row.metric_name,
                                "value": str(row.value),
                                "unit": row.unit,
                                "effectiveDate": row.effective_date.isoformat(),
                            }
                            for row in one[1]
                        ]
                    }
                }
            }
        )

    return answer


async def _send(send: Any, content: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-length", str(len(content)).encode()),
                (b"content-type", b"application/json"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})


def _app() -> Any:
    from server.app import create_app
    from settings import load_settings

    return create_app(settings=load_settings(), require_keys=False)


def inside() -> Any:
    """Our whole app, the GraphQL execution of the hot operation replaced by the tight path."""
    from schema.request_deadline import RequestDeadline
    from server import graphql_posts
    from server.graphql_posts import _read_body, _replay
    from server.observability import STATUS

    original = graphql_posts.GraphQLPosts.post
    answers: dict[int, Any] = {}

    async def post(self: Any, scope: Any, receive: Any, send: Any, measured: Any) -> None:
        messages, body = await _read_body(await receive(), receive)
        request = orjson.loads(body) if body else {}
        if request.get("query") == SMALL and request.get("operationName") is None:
            read = scope["state"]["read_scope"]
            context = self._steps.context(read)
            key = id(context.reader)
            answer = answers.get(key)
            if answer is None:
                answer = answers[key] = _tight(context.reader, read)
            with RequestDeadline(self._schema.request_timeout or 10.0):
                content = await answer(request.get("variables"))
            if content is not None:
                if measured is not None:
                    measured[STATUS] = 200
                await _send(send, content)
                return
        await original(self, scope, _replay(messages, receive), send, measured)

    graphql_posts.GraphQLPosts.post = post  # type: ignore[method-assign]
    return _app()


def bare() -> Any:
    """A bare ASGI app: the tight path before any of our middleware, the rest to our app."""
    from server.graphql_posts import _read_body, _replay
    from settings import load_settings
    from store.running.reader import reader_for
    from store.scope import INTERNAL

    app = _app()
    settings = load_settings()
    state: dict[str, Any] = {}

    async def asgi(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/graphql":
            messages, body = await _read_body(await receive(), receive)
            data = orjson.loads(body)
            if type(data) is dict and data.get("query") == SMALL:
                answer = state.get("answer")
                if answer is None:
                    from store.engine import create_serving_engine

                    engine = create_serving_engine(settings.database_url, statement_timeout=10.0)
                    reader = reader_for(engine, driver_reads=settings.driver_reads)
                    answer = state["answer"] = _tight(reader, INTERNAL)
                content = await answer(data.get("variables"))
                if content is not None:
                    await _send(send, content)
                    return
            await app(scope, _replay(messages, receive), send)
            return
        await app(scope, receive, send)

    return asgi


async def run(arguments: argparse.Namespace) -> None:
    sys.path.insert(0, str(BENCH))
    from peers_data import ensure_sqlite
    from peers_load import wrk_or_exit
    from small_ceilings import (
        _UVICORN_APP,
        UVICORN,
        Measure,
        Process,
        _body,
        _ours,
        floor_process,
        measure_rounds,
    )

    wrk = wrk_or_exit()
    path = arguments.sqlite_path.expanduser().resolve()
    print(f"SQLite data ({path}): {ensure_sqlite(path, False)}")
    url, floor_url = f"sqlite+aiosqlite:///{path}", f"sqlite:///{path}"
    folder: Path = arguments.logs
    port = arguments.port
    ours_env = {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(REPOSITORY),
        "PROFILING_ACCESS_LOG_SAMPLE": "0",
    }
    floor = floor_process(floor_url, port + 1, folder)
    processes = [floor]
    ours = _ours("ours", REPOSITORY, url, port + 2, folder, False)
    processes.append(ours)
    if arguments.old is not None:
        processes.append(_ours("old", Path(arguments.old), url, port + 5, folder, False))
    for number, name in ((3, "inside"), (4, "bare")):
        processes.append(
            Process(
                f"ceiling {name}",
                [
                    *_UVICORN_APP,
                    f"compiled_ceiling:{name}",
                    "--port",
                    str(port + number),
                    *UVICORN,
                ],
                ours_env,
                REPOSITORY,
                port + number,
                folder / f"ceiling-{name}.log",
            )
        )
    small = _body(SMALL, True)
    measures = [Measure("floor: small", floor, "/small", small)]
    measures += [Measure(f"{p.name}: small", p, "/graphql", small) for p in processes[1:]]
    await measure_rounds(
        processes,
        measures,
        wrk,
        rounds=arguments.rounds,
        seconds=arguments.seconds,
        connections=arguments.connections,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--sqlite-path", type=Path, default=Path.home() / ".cache/profiling-bench/peers.db"
    )
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--port", type=int, default=18300)
    parser.add_argument("--old", help="another checkout of ours to measure beside")
    parser.add_argument("--logs", default="/tmp/compiled-ceiling")
    arguments = parser.parse_args()
    arguments.logs = Path(arguments.logs)
    arguments.logs.mkdir(parents=True, exist_ok=True)
    asyncio.run(run(arguments))


if __name__ == "__main__":
    main()
