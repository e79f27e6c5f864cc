"""The small query's instructions a request inside chosen functions, one function at a time.

    PYTHONHASHSEED=0 PYTHONPATH=$PWD valgrind --tool=callgrind --collect-atstart=no \\
        --callgrind-out-file=/tmp/layers.out .venv/bin/python bench/layer_instructions.py \\
        --sqlite-path PEERS.sqlite [--requests 200] [module:qualified.name ...]
    # then, for each part file: its trigger (the function) and its totals / requests
    for f in /tmp/layers.out.*; do grep -a '^desc: Trigger' $f; grep totals $f; done

Runs bench/small_request.py's request through the whole ASGI app, over a SQLite file (a copy of
bench/peers.py's): there the request runs in one go (its read inline, nothing awaited), so a
function's instructions are those collected while it runs. Each function given (by default the
layers from the fast POST path down to the driver) is wrapped in turn, callgrind collects only
inside it (`CALLGRIND_TOGGLE_COLLECT`, a client request of a few lines of C built here with
the system's `cc` into a temporary folder) for `--requests` requests, and the part is dumped
under the function's name; the last part is the wrapper's own cost (an empty coroutine).
A function imported by name elsewhere is wrapped where it is looked up (`schema.build:sizes_told`,
not `schema.audience:sizes_told`). Without callgrind the client requests do nothing: the
script then only runs the requests. On PostgreSQL a request awaits its read, and the loop's
other work would be collected with it: these figures are SQLite's."""

from __future__ import annotations

import argparse
import ctypes
import functools
import importlib
import inspect
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from small_request import body, database_url, post, run_in_uvloop  # noqa: E402

LAYERS = (
    "server.graphql_posts:GraphQLPosts.__call__",
    "server.graphql_steps:GraphQLSteps.context",
    "server.graphql_steps:GraphQLSteps.answer",
    "schema.build:ProfilingSchema.execute",
    "schema.execution.prepared:PreparedQueries.operation",
    "schema.execution.variable_coercion:VariableCoercer.coerce",
    "schema.execution.account_rows:AccountRowsPlan.execute",
    "resolvers.loaders:Loaders.account_rows_json_at_once",
    "store.reads.account_metrics_json:accounts_with_rows_json",
    "store.running.sqlite_connection:SQLiteConnection.fetch",
)
WARM_UP = 300

_CLIENT_REQUESTS = """
#include <valgrind/callgrind.h>
void toggle_collect(void) { CALLGRIND_TOGGLE_COLLECT; }
void dump(const char *name) { CALLGRIND_DUMP_STATS_AT(name); }
"""


def _client_requests(folder: Path) -> ctypes.CDLL:
    source, library = folder / "requests.c", folder / "requests.so"
    source.write_text(_CLIENT_REQUESTS)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", "-o", library, source], check=True)
    return ctypes.CDLL(str(library))


def _found(target: str) -> tuple[Any, str]:
    module, _, qualified = target.partition(":")
    owner: Any = importlib.import_module(module)
    *path, name = qualified.split(".")
    for part in path:
        owner = getattr(owner, part)
    return owner, name


def _collected(function: Callable[..., Any], toggle: Callable[[], None]) -> Callable[..., Any]:
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def wrapped_coroutine(*args: Any, **kwargs: Any) -> Any:
            toggle()
            try:
                return await function(*args, **kwargs)
            finally:
                toggle()

        return wrapped_coroutine

    @functools.wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        toggle()
        try:
            return function(*args, **kwargs)
        finally:
            toggle()

    return wrapped


async def measure(database: Path, targets: list[str], requests: int, calls: ctypes.CDLL) -> None:
    os.environ["DATABASE_URL"] = database_url(database)
    from server.app import create_app
    from settings import load_settings

    app = create_app(settings=load_settings(), require_keys=False)
    async with app.router.lifespan_context(app):
        for number in range(WARM_UP):
            await post(app, body(number))
        for target in targets:
            owner, name = _found(target)
            original = owner.__dict__[name]
            setattr(owner, name, _collected(original, calls.toggle_collect))
            try:
                for number in range(requests):
                    await post(app, body(number))
            finally:
                setattr(owner, name, original)
            calls.dump(target.encode())

        async def nothing() -> None:
            return None

        empty = _collected(nothing, calls.toggle_collect)
        for _ in range(requests):
            await empty()
        calls.dump(b"the wrapper alone")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("targets", nargs="*", help="module:qualified.name (default: the layers)")
    parser.add_argument("--sqlite-path", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=200)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        calls = _client_requests(Path(folder))
        run_in_uvloop(
            measure(
                arguments.sqlite_path.expanduser().resolve(),
                arguments.targets or list(LAYERS),
                arguments.requests,
                calls,
            )
        )


if __name__ == "__main__":
    main()
