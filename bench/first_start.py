"""How long the Docker image's first start takes: `profiling serve --demo` on an empty SQLite
file, from start until `GET /healthz` answers 200 (the image's HEALTHCHECK), with its CPU.

    .venv/bin/python bench/first_start.py [--port 19100]

The demo is loaded and its months published before the server listens, so the CPU seconds are
what any machine must spend; the wall seconds grow with how busy the machine is (the load
average is printed beside them). The Dockerfile's `--start-period` must cover the wall seconds
of a busy machine. It prints figures and asserts nothing."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def _profiling() -> str:
    found = shutil.which("profiling", path=str(Path(sys.executable).parent))
    if found is None:
        sys.exit("profiling is not installed beside this Python: run `make install` first")
    return found


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    arguments = parser.parse_args()
    url = f"http://127.0.0.1:{arguments.port}/healthz"
    with tempfile.TemporaryDirectory() as folder:
        environment = {
            **os.environ,
            "DATABASE_URL": f"sqlite+aiosqlite:///{Path(folder) / 'profiling.db'}",
        }
        command = [_profiling(), "serve", "--host", "127.0.0.1"]
        command += ["--port", str(arguments.port), "--demo"]
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        server = subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        while not _healthy(url):
            if server.poll() is not None:
                sys.exit(f"the server exited with status {server.returncode} before it was healthy")
            time.sleep(0.25)
        wall = time.perf_counter() - started
        load_after = os.getloadavg()[0]
        server.send_signal(signal.SIGINT)
        # The server's own CPU, up to its exit (its shutdown is a fraction of a second of it).
        _, _, usage = os.wait4(server.pid, 0)
    print(f"healthy after {wall:.1f} s wall")
    print(f"server CPU {usage.ru_utime + usage.ru_stime:.1f} s (user {usage.ru_utime:.1f} s)")
    print(f"load average {load_before:.2f} at start, {load_after:.2f} when healthy")


if __name__ == "__main__":
    main()
