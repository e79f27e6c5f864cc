"""The small request's instructions layer by layer of the server, under callgrind.

    REQUEST_COUNTS_CALLGRIND=1 PYTHONHASHSEED=0 PROFILING_REQUEST_TIMEOUT=600 \\
    PYTHONPATH=. valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/l.out \\
        .venv/bin/python bench/http_layers.py --requests 200 \\
        [--sqlite-path PEERS.sqlite | --postgres-url postgresql://.../DB]
    grep totals /tmp/l.out.*    # one part file a layer, in the order printed

Runs bench/small_request.py's request (the peer benchmark's small query, `--no-auth`) `--requests`
times into each of these, after a warm-up of each, and dumps callgrind's counts after each, so
that each part file holds one layer's requests (less about 271,000 instructions, the dump's
own call: `--requests 0` measures it):

1. `whole`: the app, as uvicorn calls it (small_request.post builds the ASGI scope);
2. `plain`: the shortcut's app past GraphQLFirst's check of the path (server/plain_posts.py:
   the metrics, the body cap's, key check's and content type's looks in one frame);
3. `posts`: server/graphql_posts.py's `post`, given a scope with the credential already in it;
4. `execute`: the GraphQL steps and `ProfilingSchema.execute_post` and orjson, without ASGI;
5. `null`: small_request.post into an app that answers `{}` (the harness's own part).

A layer's instructions are the difference of two parts. Without callgrind it runs the same
requests and prints nothing but the check of the first answer."""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from small_request import body, database_url, post  # noqa: E402

WARM_UP = 300
Layer = Callable[[int], Awaitable[object]]


def _callgrind(*command: str) -> None:
    if os.environ.get("REQUEST_COUNTS_CALLGRIND"):
        subprocess.run(["callgrind_control", *command, str(os.getpid())], check=True)


async def measure(url: str, requests: int) -> None:
    os.environ["DATABASE_URL"] = url
    from server.app import create_app
    from server.graphql_posts import _POST_OPERATIONS
    from settings import load_settings
    from store.scope import INTERNAL

    app = create_app(settings=load_settings(), require_keys=False)
    plain = app._first[1]  # type: ignore[attr-defined]
    posts = plain.__self__._post.__self__
    schema, steps = posts._schema, posts._steps

    async def whole(number: int) -> object:
        return await post(app, body(number))

    async def plain_only(number: int) -> object:
        return await post(plain, body(number))

    async def posts_only(number: int) -> None:
        content = body(number)
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/graphql",
            "headers": [(b"content-type", b"application/json")],
            "state": {"read_scope": INTERNAL},
        }

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": content, "more_body": False}

        async def send(_message: dict[str, Any]) -> None:
            pass

        await posts.post(scope, receive, send, None)

    async def execute(number: int) -> bytes:
        request = orjson.loads(body(number))
        result = await schema.execute_post(
            request["query"], request["variables"], steps.context(INTERNAL), None, _POST_OPERATIONS
        )
        # What `post` answers: the data alone when there are no errors.
        return orjson.dumps(
            {"data": result.data}
            if not result.errors and not result.extensions
            else steps.counted_answer(result)
        )

    async def answers_nothing(_scope: Any, receive: Any, send: Any) -> None:
        await receive()
        headers = [(b"content-length", b"2"), (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    async def null(number: int) -> object:
        return await post(answers_nothing, body(number))

    layers: list[tuple[str, Layer]] = [
        ("whole", whole),
        ("plain", plain_only),
        ("posts", posts_only),
        ("execute", execute),
        ("null", null),
    ]
    async with app.router.lifespan_context(app):
        answer = await post(app, body(1))
        if answer[0]["status"] != 200 or b'"metrics":[{' not in answer[1]["body"]:
            raise SystemExit(f"unexpected answer: {answer}")
        for _, layer in layers:
            for number in range(WARM_UP):
                await layer(number)
        _callgrind("-i", "on")
        for name, layer in layers:
            for number in range(requests):
                await layer(number)
            _callgrind("-d")
            print(f"part: {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--postgres-url", default="postgresql://postgres@127.0.0.1:5432/bench_peers"
    )
    parser.add_argument("--sqlite-path", type=Path, help="measure SQLite (a file) instead")
    arguments = parser.parse_args()
    if arguments.sqlite_path is not None:
        url = database_url(arguments.sqlite_path.expanduser().resolve())
    else:
        url = database_url(arguments.postgres_url)
    import uvloop

    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(measure(url, arguments.requests))


if __name__ == "__main__":
    main()
