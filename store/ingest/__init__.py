"""Ingest of files: CSV or JSON Lines, checked whole, then written all or nothing."""

from __future__ import annotations

from store.ingest.date_setting import DatesOption
from store.ingest.entry import ingest_file
from store.ingest.errors import FileRejected, IngestError, IngestRejected, RowProblem
from store.ingest.kind import IngestKind
from store.ingest.progress import IngestProgress, NoProgress
from store.ingest.report import IngestReport

__all__ = [
    "DatesOption",
    "FileRejected",
    "IngestError",
    "IngestKind",
    "IngestProgress",
    "IngestRejected",
    "IngestReport",
    "NoProgress",
    "RowProblem",
    "ingest_file",
]
