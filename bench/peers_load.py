"""Load from `wrk`: keep-alive connections, one thread, a POST body per request.

wrk is written in C with an event loop per thread, so on a 2-core machine one wrk thread takes
far less CPU than the servers it drives (a Python client would take about as much as the
server). Install it with `apt-get install -y wrk` (Debian, Ubuntu) or `brew install wrk`.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

ACCOUNT_MARK = "@ACCOUNT@"
RESULT_MARK = "PEERS-RESULT "

# The script wrk runs: the small query's body names a different account on each request
# (acc-00000 to acc-00999 in turn), and `done` prints the figures as one JSON line.
LUA = """
wrk.method = "POST"
wrk.path = "{path}"
wrk.headers["Content-Type"] = "application/json"
{body}
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{mark}{{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"errors": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.status + errors.timeout))
end
"""
STATIC_BODY = """wrk.body = [==[{body}]==]
"""
ROTATING_BODY = """local prefix = [==[{prefix}]==]
local suffix = [==[{suffix}]==]
local count = 0
request = function()
  count = count + 1
  local account = string.format("acc-%05d", count % {accounts})
  return wrk.format(nil, nil, nil, prefix .. account .. suffix)
end
"""


@dataclass(frozen=True)
class Load:
    """One measurement: requests answered in the time, latency percentiles, failures."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_or_exit() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "wrk is missing: install it with `apt-get install -y wrk` (Debian, Ubuntu) "
            "or `brew install wrk`, then run again"
        )
    return found


def lua_script(path: str, body: str, accounts: int) -> str:
    prefix, mark, suffix = body.partition(ACCOUNT_MARK)
    request = (
        ROTATING_BODY.format(prefix=prefix, suffix=suffix, accounts=accounts)
        if mark
        else STATIC_BODY.format(body=body)
    )
    return LUA.format(path=path, body=request, mark=RESULT_MARK)


async def run_wrk(
    wrk: str, port: int, path: str, body: str, *, connections: int, seconds: int, accounts: int
) -> Load:
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "request.lua"
        script.write_text(lua_script(path, body, accounts), encoding="utf-8")
        process = await asyncio.create_subprocess_exec(
            wrk,
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "30s",
            "--script",
            str(script),
            f"http://127.0.0.1:{port}",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
    for line in out.decode().splitlines():
        if line.startswith(RESULT_MARK):
            figures = json.loads(line.removeprefix(RESULT_MARK))
            return Load(
                requests=figures["requests"],
                seconds=figures["duration_us"] / 1e6,
                p50_ms=figures["p50_us"] / 1000,
                p99_ms=figures["p99_us"] / 1000,
                errors=figures["errors"],
            )
    raise SystemExit(f"wrk gave no figures: {out.decode()[-500:]}{err.decode()[-500:]}")
