"""A keyed request's key check alone on SQLite: its instructions a check under callgrind, against
the same statement, digest and credential written bare on `sqlite3`.

    PYTHONHASHSEED=0 PYTHONPATH=$PWD valgrind --tool=callgrind --callgrind-out-file=/tmp/k.out \\
        .venv/bin/python bench/key_check.py check|bare [--checks 2000] --sqlite-path KEYED \\
        --key KEY
    # and the same with --checks 0: (N checks' - 0 checks') / N from `grep totals /tmp/k.out`

- `check`: `BearerKeys.credential` (server/auth.py), what the server asks for a request's
  Authorization header: the header's parsing, the key's row (store/keys.py `KeyCheck`), the
  secret's SHA-256 compared, the credential;
- `bare`: the same SQL text on a plain `sqlite3` connection (`execute`, `fetchall`), the same
  digest, comparison and credential: what SQLite and the check's own work cost. `check` less
  `bare` is the Python around them.

KEYED: a copy of bench/peers_data.py's SQLite file (the bench's own is never written) given an
internal key KEY by `DATABASE_URL=sqlite:///KEYED profiling keys create --role internal`.
200 checks of warm-up, then `--checks` more."""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server.auth import BearerKeys
from store.engine import create_serving_engine
from store.keys import PREFIX, Credential
from store.scope import Role, Scope

WARM_UP = 200
SQL = (
    "SELECT api_key.secret_sha256, api_key.role, api_key.app_id, api_key.account_id "
    "FROM api_key WHERE api_key.key_id = ? AND api_key.revoked_at IS NULL"
)


def _bare(path: Path) -> object:
    connection = sqlite3.connect(path)
    cursor = connection.cursor()

    async def credential(header: str) -> Credential | None:
        key_id, _, secret = header[len("Bearer ") + len(PREFIX) :].partition("_")
        rows = cursor.execute(SQL, (key_id,)).fetchall()
        digest = hashlib.sha256(secret.encode()).hexdigest()
        if not rows or not hmac.compare_digest(rows[0][0], digest):
            return None
        row = rows[0]
        return Credential(key_id, Scope(Role(row[1]), app_id=row[2], account_id=row[3]))

    return credential


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("mode", choices=["check", "bare"])
    parser.add_argument("--checks", type=int, default=2000)
    parser.add_argument("--sqlite-path", type=Path, required=True)
    parser.add_argument(
        "--key", required=True, help="a key of the file, as `keys create` printed it"
    )
    arguments = parser.parse_args()
    path = arguments.sqlite_path.expanduser().resolve()
    header = f"Bearer {arguments.key}"

    async def run() -> None:
        if arguments.mode == "check":
            engine = create_serving_engine(f"sqlite+aiosqlite:///{path}", statement_timeout=5)
            credential = BearerKeys(_no_app, engine=engine, require_keys=True).credential
        else:
            credential = _bare(path)  # type: ignore[assignment]
        for _ in range(WARM_UP):
            if await credential(header) is None:
                raise SystemExit("the key is refused: give one of this file")
        for _ in range(arguments.checks):
            await credential(header)

    asyncio.run(run())


async def _no_app(*_: object) -> None:
    raise AssertionError("nothing is served here")


if __name__ == "__main__":
    main()
