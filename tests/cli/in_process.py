"""`profiling` run in this process (Typer's runner), answering like a finished subprocess.

A subprocess of the installed command spends about 1.5 s of CPU importing the app before it
does anything: a test of what a command says (its lines, its exit status, the files it leaves)
gets the same answer in process at a tenth of that. Each family of commands keeps one test
through the real console script (tests/cli/test_main.py's `run`), which is what shows that the
installed command starts and exits as this runner says."""

from __future__ import annotations

import asyncio
import contextlib
import traceback
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from cli.main import app


@dataclass(frozen=True)
class Finished:
    """What subprocess.CompletedProcess holds of a run, for the same assertions."""

    returncode: int
    stdout: str
    stderr: str


def profiling_in_process(*args: str, env: dict[str, str], cwd: Path | None = None) -> Finished:
    """Run `profiling ARGS` with `env` over this process's environment (as a subprocess given
    `{**os.environ, **env}` sees it), in `cwd` when given. An exception the command let out is
    written to stderr as its traceback, as the console script would print it: a test that
    says "never a traceback" still sees one."""
    with contextlib.chdir(cwd) if cwd is not None else contextlib.nullcontext():
        result = CliRunner().invoke(
            app, list(args), env=env, catch_exceptions=True, prog_name="profiling"
        )
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return Finished(result.exit_code, result.stdout, stderr)


async def profiling_in_thread(*args: str, env: dict[str, str], cwd: Path | None = None) -> Finished:
    """`profiling_in_process` from a test's running event loop: the command starts a loop of
    its own (asyncio.run), which it cannot do on a thread where one is running already."""
    return await asyncio.to_thread(profiling_in_process, *args, env=env, cwd=cwd)
