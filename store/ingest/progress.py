"""How ingest reports progress without knowing who draws it (the CLI adapts it to Rich)."""

from __future__ import annotations

from typing import Protocol


class IngestProgress(Protocol):
    def start(self, phase: str, total: int | None = None) -> None:
        """A new phase begins; `total` is in the units `advance` will count, if known."""

    def advance(self, amount: int) -> None:
        """`amount` more units of the current phase are done."""


class NoProgress:
    """Progress that goes nowhere, for callers that do not show any."""

    def start(self, phase: str, total: int | None = None) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass
