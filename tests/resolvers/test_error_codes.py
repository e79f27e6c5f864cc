"""The catalogue of error codes and the README's error table say the same."""

from __future__ import annotations

import re
from pathlib import Path

from resolvers.error_codes import ErrorCode

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_table() -> dict[str, int]:
    """code -> HTTP status, from the rows of the table under "### Errors"."""
    text = README.read_text()
    section = text[text.index("### Errors") :]
    section = section[: section.index("\n## ")]
    documented: dict[str, int] = {}
    for row in section.splitlines():
        if not row.startswith("| `"):
            continue
        cell = row.split("|")[1]
        status = re.search(r"HTTP (\d{3})", cell)
        for code in re.findall(r"`([A-Z_]+)`", cell):
            documented[code] = int(status.group(1)) if status else 200
    return documented


def test_the_readme_lists_every_code_with_its_status() -> None:
    assert _readme_table() == {code.value: code.http_status for code in ErrorCode}


def test_only_refusals_before_execution_leave_with_another_status() -> None:
    assert {code for code in ErrorCode if code.http_status != 200} == {
        ErrorCode.UNAUTHENTICATED,
        ErrorCode.FORBIDDEN,
        ErrorCode.BAD_REQUEST,
        ErrorCode.METHOD_NOT_ALLOWED,
        ErrorCode.PAYLOAD_TOO_LARGE,
        ErrorCode.RATE_LIMITED,
    }
