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
2. `observed`: the /graphql route's app (the metrics' wrapper), past GraphQLFirst's shortcut
   and its ServerErrorMiddleware;
3. `below-observed`: what the metrics' wrapper wraps (the body cap and the key check);
4. `posts`: server/graphql_posts.py's app, given a scope with the credential already in it;
5. `execute`: the GraphQL steps and `ProfilingSchema.execute` and orjson, without ASGI;
6. `null`: small_request.post into an app that answers `{}` (the harness's own part).

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


def _inner(app: Any, name: str) -> Any:
    """The first app named `name` down the chain of wrapped apps from `app`."""
    while True:
        app = getattr(app, "__self__", app)  # a bound __call__ (server/direct_calls.py)
        if type(app).__name__ == name:
            return app
        app = getattr(app, "_app", None) or app.app


async def measure(url: str, requests: int) -> None:
    os.environ["DATABASE_URL"] = url
    from server.app import create_app
    from server.graphql_posts import _POST_OPERATIONS
    from settings import load_settings
    from store.scope import INTERNAL

    app = create_app(settings=load_settings(), require_keys=False)
    observed = _inner(app._first[1], "Observed")  # type: ignore[attr-defined]
    below = observed._app
    posts = _inner(below, "GraphQLPosts")
    schema, steps = posts._schema, posts._steps

    async def whole(number: int) -> object:
        return await post(app, body(number))

    async def observed_only(number: int) -> object:
        return await post(observed, body(number))

    async def below_observed(number: int) -> object:
        return await post(below, body(number))

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

        await posts(scope, receive, send)

    async def execute(number: int) -> bytes:
        request = orjson.loads(body(number))
        result = await schema.execute(
            request["query"],
            variable_values=request["variables"],
            context_value=steps.context(INTERNAL),
            operation_name=None,
            allowed_operation_types=_POST_OPERATIONS,
        )
        return orjson.dumps(await steps.answer(result, None))

    async def answers_nothing(_scope: Any, receive: Any, send: Any) -> None:
        await receive()
        headers = [(b"content-length", b"2"), (b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    async def null(number: int) -> object:
        return await post(answers_nothing, body(number))

    layers: list[tuple[str, Layer]] = [
        ("whole", whole),
        ("observed", observed_only),
        ("below-observed", below_observed),
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
