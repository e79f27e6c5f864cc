"""Reading a file's rows: CSV (comma, semicolon or tab, sniffed from the header) or JSON Lines;
for exports of any shape (sales, ledger) also pipes, whitespace-aligned text, a title above
the header, no header at all, and Excel workbooks.

Rows come out as `{field: text}` keyed by the kind's field names, text stripped and empty
cells as None, each with its line in the file. Values stay text: the kinds parse them, so a
JSON number keeps its digits exactly as written (parsed as text, never through a float).

Whatever the format, a value holding a control character (other than a tab or a line break),
or an id longer than `MAX_ID_LENGTH`, makes its row a bad row (SQLite would store it and
PostgreSQL refuse it: both refuse it here), and so does a row that cannot be parsed (invalid
JSON, JSON nested too deep): nothing a file holds ends in a traceback. Blank lines and rule
lines (`-----`) are skipped, and the row right under a rule line says so (`BELOW_RULE`):
exports put the figures of a total there.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

from analytics.counts import counted
from analytics.export_text import (
    CONTROL_CHARACTERS,
    RULE_STARTS,
    control_character,
    is_rule_line,
)
from store.ingest.applied_payments import AppliedPayments, applied_payments
from store.ingest.blocks import (
    BlockLines,
    ColumnBlock,
    collection_paused,
    column_block,
    row_column_block,
)
from store.ingest.columns import ColumnMatcher
from store.ingest.encoding import (
    UTF8,
    TextEncoding,
    detect_encoding,
    holds_control_characters,
)
from store.ingest.errors import FileRejected, RowProblem
from store.ingest.guessing import ROW_LABEL
from store.ingest.json_blocks import json_column_block
from store.ingest.layout import (
    DELIMITER_NAMES,
    AlignedHeader,
    ContentGuess,
    Headerless,
    HeaderScore,
    find_header_row,
    find_headerless,
    find_layout,
    single_spaces_fit,
)
from store.ingest.outline_columns import OUTLINE, fold_outline
from store.ingest.progress import IngestProgress
from store.ingest.two_cell_particulars import PARTICULARS_CONTINUED, join_particulars
from store.ingest.xlsx import Workbook, is_legacy_workbook, is_workbook

Row = dict[str, str | None]
T = TypeVar("T")
Record = tuple[int, Row]
# Rows read a block at a time: as columns, or (lines that are not plain) as records.
Block = ColumnBlock | list[Record]

# The key a row read right under a rule line carries (no field is named so).
BELOW_RULE = "_below_rule"

JSON_LINES_SUFFIXES = frozenset({".jsonl", ".ndjson"})
DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
# Enough of the file to find its first line and see whether it is JSON.
_SNIFF_BYTES = 64 * 1024
# Rows between two progress reports: often enough for a smooth bar, rare enough to be free.
_PROGRESS_ROWS = 8192
# Fields that hold ids (keys of their tables), and how long one may be: PostgreSQL cannot
# index a key of more than about 2,700 bytes, and nobody types an id of 200 characters.
ID_FIELDS = (
    "account_id",
    "company_id",
    "contract_id",
    "industry_id",
    "industry",
    "entity_id",
    "metric_name",
    "app",
    "customer",
    "invoice",
)
MAX_ID_LENGTH = 200
# How deep a JSON line may nest (a row is one flat object: anything nested is a bad row
# anyway, but Python's parser recurses and must not be driven to its limit).
MAX_JSON_DEPTH = 32
_HAS_CONTROL = CONTROL_CHARACTERS.search
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_JSON_BRACKETS = re.compile(r"[\[\]{}]")
# Numbers and NaN/Infinity stay as written; the kinds decide what they accept.
_JSON_DECODER = json.JSONDecoder(parse_float=str, parse_int=str, parse_constant=str)


class SourceFormat(StrEnum):
    CSV = "CSV"
    JSON_LINES = "JSON Lines"
    ALIGNED = "whitespace-aligned text"
    XLSX = "Excel workbook"


@dataclass(frozen=True, slots=True)
class TableFile:
    path: Path
    format: SourceFormat
    delimiter: str | None
    size: int
    # The header's line (row of a workbook), when lines above it are a title to skip.
    header_line: int | None = None
    # Guesses the header among a workbook's first rows (exports of any shape).
    header_score: HeaderScore | None = None
    encoding: TextEncoding = UTF8
    # Whitespace-aligned text whose single spaces separate columns too.
    single_spaces: bool = False
    # A file whose first line is data: how it splits, what its columns give.
    headerless: Headerless | None = None
    # Delimited or aligned text known to hold no control character: its rows need no check.
    control_free: bool = False
    # A header on two rows (`header_line` the lower): its names read as one, and, in aligned
    # text, its columns placed.
    header_names: tuple[str, ...] | None = None
    aligned_header: AlignedHeader | None = None

    def describe(self) -> str:
        where = f", header on line {self.header_line}" if (self.header_line or 1) > 1 else ""
        if self.header_names is not None and self.header_line:
            where = f", header on lines {self.header_line - 1} and {self.header_line}"
        if self.headerless is not None:
            where = ", no header row: columns by position"
        if self.delimiter is None:
            return f"{self.format}{where}"
        return f"{self.format}, {DELIMITER_NAMES[self.delimiter]}-separated{where}"

    def encoding_note(self) -> str | None:
        """What the report says of the file's encoding (a workbook has none of its own)."""
        if self.format is SourceFormat.XLSX:
            return None
        return f"Text read as {self.encoding.name}"


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most columns (comma on a tie)."""

    def width(delimiter: str) -> int:
        return len(next(csv.reader([header_line], delimiter=delimiter), []))

    return max(DELIMITERS, key=width)


def open_table_file(
    path: Path,
    *,
    header_score: HeaderScore | None = None,
    content_guess: ContentGuess | None = None,
    fallback_encoding: bool = False,
) -> TableFile:
    """Find the file's format (and delimiter) from its name and first bytes.

    With `header_score` (exports of any shape), the header is the line of the first ones
    that names the most columns, split by a comma, semicolon, tab, pipe or runs of spaces;
    with `content_guess` too, a file without such a line whose first line is data is read
    without a header, its columns recognised by their values. `fallback_encoding` reads a
    file that is not UTF-8 as Windows-1252.
    """
    try:
        with path.open("rb") as file:
            head = file.read(_SNIFF_BYTES)
        size = path.stat().st_size
    except OSError as exc:
        raise FileRejected(f"cannot read it: {exc.strerror or exc}") from exc
    if is_legacy_workbook(head):
        raise FileRejected(
            "this is a workbook in the old Excel format (.xls, Excel 97-2003) or one saved "
            "with a password, which is not read: open it in Excel and save it as .xlsx (Excel "
            "Workbook, without a password) or as CSV UTF-8, and load that"
        )
    if head.startswith(b"%PDF-"):
        # A report printed to PDF (Tally, QuickBooks and Zoho all offer it beside Excel): its
        # table is drawn, not stored as cells.
        raise FileRejected(
            "this is a PDF, a printed report, whose tables cannot be read: export the report "
            "as Excel (.xlsx) or CSV instead, and load that"
        )
    if is_workbook(path, head):
        return TableFile(path, SourceFormat.XLSX, None, size, header_score=header_score)
    encoding = detect_encoding(path, head, fallback=fallback_encoding)
    text = encoding.decode_head(head)
    first = _first_line(text)
    if not first:
        raise FileRejected("the file is empty: expected a header row, or JSON Lines")
    stripped = first.lstrip()
    if path.suffix.lower() in JSON_LINES_SUFFIXES or stripped.startswith("{"):
        return TableFile(path, SourceFormat.JSON_LINES, None, size, encoding=encoding)
    if stripped.startswith("["):
        raise FileRejected(
            "the file holds a JSON array: write one JSON object per line (JSON Lines)"
        )
    control_free = not holds_control_characters(path, encoding)
    if header_score is not None:
        lines = text.splitlines()
        if len(head) == _SNIFF_BYTES and len(lines) > 1:
            lines.pop()  # cut short by the sniffed block
        numbered = list(enumerate(lines, start=1))
        layout = find_layout(numbered, header_score)
        if layout is not None:
            file_format = SourceFormat.CSV if layout.delimiter else SourceFormat.ALIGNED
            single = (
                layout.delimiter is None
                and layout.cells is None
                and single_spaces_fit(lines[layout.header_line - 1], numbered[layout.header_line :])
            )
            return TableFile(
                path,
                file_format,
                layout.delimiter,
                size,
                layout.header_line,
                encoding=encoding,
                single_spaces=single,
                control_free=control_free,
                header_names=layout.names,
                aligned_header=None if layout.cells is None else AlignedHeader(layout.cells, True),
            )
        headerless = None if content_guess is None else find_headerless(numbered, content_guess)
        if headerless is not None:
            file_format = SourceFormat.CSV if headerless.delimiter else SourceFormat.ALIGNED
            return TableFile(
                path,
                file_format,
                headerless.delimiter,
                size,
                encoding=encoding,
                single_spaces=headerless.single_spaces,
                headerless=headerless,
                control_free=control_free,
            )
    return TableFile(
        path,
        SourceFormat.CSV,
        sniff_delimiter(first),
        size,
        encoding=encoding,
        control_free=control_free,
    )


def _first_line_not_utf8(path: Path) -> int | None:
    # Text is decoded in blocks, so the decoding error does not know its line: find it.
    with path.open("rb") as file:
        for line, content in enumerate(file, start=1):
            try:
                content.decode("utf-8")
            except UnicodeDecodeError:
                return line
    return None


def _json_depth(content: str) -> int:
    """How deep a JSON text nests its objects and arrays (strings left out)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub("", content)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _too_deep(content: str) -> bool:
    """Whether a line of JSON nests deeper than a row may (told by a count of its brackets
    first: a flat object has one)."""
    return content.count("[") + content.count("{") > MAX_JSON_DEPTH and (
        _json_depth(content) > MAX_JSON_DEPTH
    )


def _suspect(text: str) -> bool:
    """Whether a line's text (its cells joined) may hold a value a store cannot take: a
    control character, or an id too long (no id is longer than the whole line). Printable
    text, the common case, is told by one quick test."""
    return len(text) > MAX_ID_LENGTH or (not text.isprintable() and _HAS_CONTROL(text) is not None)


def _text_problem(line: int, row: Row) -> RowProblem | None:
    """The problem of a row with a control character in a value, or an id too long to be a
    key on every store, if it has one (rows of a `_suspect` line only: the hot path is the
    one check of the line)."""
    reasons = [
        f"{name} holds a control character ({found})"
        for name, value in row.items()
        if value and (found := control_character(value)) is not None
    ]
    if reasons:
        reasons = ["; ".join(reasons) + ": remove it (values hold no control characters)"]
    reasons += [
        f"{name} is {len(value):,} characters long, more than the {MAX_ID_LENGTH} an id may have"
        for name in ID_FIELDS
        if (value := row.get(name)) is not None and len(value) > MAX_ID_LENGTH
    ]
    return RowProblem(line, "; ".join(reasons)) if reasons else None


class TableReader:
    """Iterates the rows of a file; rows that cannot even be read land in `problems`."""

    def __init__(self, table: TableFile, matcher: ColumnMatcher, progress: IngestProgress) -> None:
        self.table = table
        self.matcher = matcher
        self.progress = progress
        self.problems: list[RowProblem] = []
        self.rows_read = 0
        # Whether the last line read was a rule line (the next row is right under it).
        self._below_rule = False
        # Whether rows read a Particulars printed over two cells (decided by the header).
        self._two_cell_particulars = False
        self._outline = False
        # Zoho's Customer Payments, a row per invoice a payment is set against.
        self._applied: AppliedPayments | None = None

    def _match_header(self, header: Sequence[str]) -> list[tuple[str, int]]:
        pairs = self.matcher.match_header(header)
        self._two_cell_particulars = any(name == PARTICULARS_CONTINUED for name, _ in pairs)
        self._outline = any(name.startswith(OUTLINE) for name, _ in pairs)
        self._applied = applied_payments(pairs)
        return pairs

    def _checked(self, line: int, row: Row) -> bool:
        """Whether a row of a suspect line is fit to keep (else its problem is kept)."""
        problem = _text_problem(line, row)
        if problem is not None:
            self.problems.append(problem)
        return problem is None

    def __iter__(self) -> Iterator[Record]:
        if self.table.format is SourceFormat.XLSX:
            yield from self._workbook_records()
            return
        yield from self._read_text(self._text_records, report_every=_PROGRESS_ROWS)
        # JSON Lines none of whose lines could be read name no column: the lines' own problems
        # ("not valid JSON") say why, not "the file's columns are: none".
        if self.matcher.columns or not self.problems:
            self.matcher.check_required()

    def blocks(self, size: int) -> Iterator[Block]:
        """The rows a block of about `size` at a time: a `ColumnBlock` of plain CSV or JSON
        lines, or the records of the others (the same rows, problems and line numbers as
        iterating)."""
        if self.table.format is SourceFormat.JSON_LINES:
            yield from self._read_text(lambda text: self._json_blocks(text, size), report_every=1)
            if self.matcher.columns or not self.problems:
                self.matcher.check_required()
            return
        if self.table.format is not SourceFormat.CSV or not self.table.control_free:
            records = iter(self)
            while chunk := list(islice(records, size)):
                yield chunk
            return
        yield from self._read_text(lambda text: self._csv_blocks(text, size), report_every=1)
        self.matcher.check_required()

    def _text_records(self, text: io.TextIOWrapper) -> Iterator[Record]:
        if self.table.format is SourceFormat.CSV:
            return self._csv_records(text)
        if self.table.format is SourceFormat.ALIGNED:
            return self._aligned_records(text)
        return self._json_lines_records(text)

    def _read_text(
        self, read: Callable[[io.TextIOWrapper], Iterator[T]], *, report_every: int
    ) -> Iterator[T]:
        """What `read` makes of the file's text, the bytes read so far reported to the progress
        after each item read when `rows_read` is a multiple of `report_every` (and the rest at
        the end); text the file's encoding cannot decode rejects the file."""
        try:
            raw = self.table.path.open("rb")
        except OSError as exc:
            raise FileRejected(f"cannot read it: {exc.strerror or exc}") from exc
        with raw, io.TextIOWrapper(raw, encoding=self.table.encoding.codec, newline="") as text:
            reported = 0
            try:
                for item in read(text):
                    yield item
                    if self.rows_read % report_every == 0:
                        position = raw.tell()
                        self.progress.advance(position - reported)
                        reported = position
            except UnicodeDecodeError as exc:
                raise self._not_decoded(exc) from exc
            self.progress.advance(max(self.table.size - reported, 0))

    def _csv_blocks(self, text: io.TextIOWrapper, size: int) -> Iterator[Block]:
        assert self.table.delimiter is not None
        delimiter = self.table.delimiter
        reader = self._csv_reader(text)
        header = self._csv_header(reader)
        pairs = self._match_header(header)
        width = len(header)
        lines_before = reader.line_num
        while lines := list(islice(text, size)):
            block_lines = BlockLines(
                first_line=lines_before + 1,
                lines=lines,
                text="".join(lines),
                pairs=pairs,
                width=width,
                max_line=MAX_ID_LENGTH,
                delimiter=delimiter,
            )
            quoted = '"' in block_lines.text
            block = None
            if not quoted and not self._below_rule:
                block = column_block(block_lines)
            rows: list[list[str]] | None = None
            if block is None:
                # The rows that become columns are dropped before the collector is back.
                with collection_paused():
                    rows = self._block_rows(lines, quoted)
                    if quoted and rows is not None and not self._below_rule:
                        block = row_column_block(block_lines, rows)
                        if block is not None:
                            rows = None
            if block is not None:
                self.rows_read += block.size
                yield block
                lines_before += len(lines)
                continue
            if rows is None or len(rows) != len(lines):
                # A quoted value may span lines (or a line is one csv refuses): the rest of
                # the file row by row, as csv reads it.
                rest = self._csv_rows(
                    self._csv_reader(chain(lines, text)), pairs, width, lines_before
                )
                while chunk := list(islice(rest, size)):
                    yield chunk
                return
            records = [
                self._csv_record(line, cells, pairs, width)
                for line, cells in enumerate(rows, start=lines_before + 1)
            ]
            yield [record for record in records if record is not None]
            lines_before += len(lines)

    def _block_rows(self, lines: list[str], quoted: bool) -> list[list[str]] | None:
        """The rows csv reads from a block's lines alone; None if it refuses one, or if a
        quote the block's last line leaves open made csv cut a row there."""
        try:
            rows = list(self._csv_reader(lines))
        except csv.Error:
            return None
        if quoted and (not rows or any("\n" in cell or "\r" in cell for cell in rows[-1])):
            return None
        return rows

    def _not_decoded(self, exc: UnicodeDecodeError) -> FileRejected:
        if self.table.encoding.codec != UTF8.codec:
            return FileRejected(
                f"not {self.table.encoding.name} text as its byte order mark says: save it as UTF-8"
            )
        line = _first_line_not_utf8(self.table.path)
        return FileRejected(
            f"not UTF-8 text (line {line} is not): save it as UTF-8, with or without BOM"
        )

    def _csv_reader(self, lines: Iterable[str]) -> Any:
        assert self.table.delimiter is not None
        return csv.reader(lines, delimiter=self.table.delimiter, skipinitialspace=True)

    def _csv_header(self, reader: Any) -> list[str]:
        header: list[str] = []
        header_line = self.table.header_line or 0
        if self.table.headerless is not None:
            return self.table.headerless.names
        try:
            # Blank lines (and a title) before the header are skipped; lines keep their
            # numbers.
            while not "".join(header).strip() or reader.line_num < header_line:
                header = next(reader)
        except csv.Error as exc:
            raise FileRejected(f"line {reader.line_num}: {exc}") from exc
        except StopIteration:
            header = []
        # A header on two rows (the reader is past both) is read as one.
        return list(self.table.header_names or header)

    def _csv_records(self, text: io.TextIOWrapper) -> Iterator[Record]:
        reader = self._csv_reader(text)
        header = self._csv_header(reader)
        yield from self._csv_rows(reader, self._match_header(header), len(header), 0)

    def _csv_rows(
        self, reader: Any, pairs: list[tuple[str, int]], width: int, lines_before: int
    ) -> Iterator[Record]:
        """The records of a csv reader whose first line is line `lines_before` + 1 of the file
        (or the line after the header, when the reader read it)."""
        end = lines_before + reader.line_num
        while True:
            try:
                cells = next(reader, None)
            except csv.Error as exc:
                raise FileRejected(f"line {end + 1}: {exc} (is a quote left open?)") from exc
            if cells is None:
                return
            line, end = end + 1, lines_before + reader.line_num
            record = self._csv_record(line, cells, pairs, width)
            if record is not None:
                yield record

    def _csv_record(
        self, line: int, cells: list[str], pairs: list[tuple[str, int]], width: int
    ) -> Record | None:
        """The record of one row's cells; None for a blank or rule line, or a bad row (its
        problem kept)."""
        joined = "".join(cells)
        if not joined.strip():
            return None
        if joined[0] in RULE_STARTS and is_rule_line(joined):
            self._below_rule = True
            return None
        self.rows_read += 1
        count = len(cells)
        if count > width and "".join(cells[width:]).strip():
            self.problems.append(
                RowProblem(
                    line,
                    f"{count} values but the header has {counted(width, 'column', 'columns')} "
                    f"(quote values that contain the delimiter)",
                )
            )
            return None
        if count >= width:
            row = {name: cells[index].strip() or None for name, index in pairs}
        else:
            row = {
                name: (cells[index].strip() or None) if index < count else None
                for name, index in pairs
            }
        if self._below_rule:
            row[BELOW_RULE] = "yes"
            self._below_rule = False
        if self._two_cell_particulars:
            join_particulars(row)
        if self._applied is not None:
            self._applied.fold(row)
        if self._outline:
            fold_outline(row, ROW_LABEL)
        if (
            len(joined) > MAX_ID_LENGTH or (not self.table.control_free and _suspect(joined))
        ) and not self._checked(line, row):
            return None
        return line, row

    def _cell_records(
        self, header: list[str], rows: Iterator[tuple[int, list[str | None] | None]]
    ) -> Iterator[Record]:
        """Records of rows already split into cells (None: cells that do not line up)."""
        pairs = self._match_header(header)
        width = len(header)
        below_rule = False
        headerless = self.table.headerless is not None
        for line, cells in rows:
            if cells is not None:
                joined = "".join([cell for cell in cells if cell])
                if not joined.strip():
                    continue
                if is_rule_line(joined):
                    below_rule = True
                    continue
            self.rows_read += 1
            if cells is None:
                reason = (
                    f"its values do not split into the {width} columns of the file's other lines"
                    if headerless
                    else "its values do not line up under the header's columns"
                )
                self.problems.append(RowProblem(line, reason))
                continue
            count = len(cells)
            if count > width and any(cell and cell.strip() for cell in cells[width:]):
                self.problems.append(
                    RowProblem(
                        line,
                        f"{count} values but the header has {counted(width, 'column', 'columns')}",
                    )
                )
                continue
            row = {
                name: ((cells[index] or "").strip() or None) if index < count else None
                for name, index in pairs
            }
            if below_rule:
                row[BELOW_RULE] = "yes"
                below_rule = False
            if self._two_cell_particulars:
                join_particulars(row)
            if self._applied is not None:
                self._applied.fold(row)
            if self._outline:
                fold_outline(row, ROW_LABEL)
            if _suspect(joined) and not self._checked(line, row):
                continue
            yield line, row

    def _aligned_records(self, text: io.TextIOWrapper) -> Iterator[Record]:
        header_line = self.table.header_line or 0
        lines = enumerate(text, start=1)
        single = self.table.single_spaces
        if self.table.headerless is not None:
            layout = AlignedHeader.by_position(self.table.headerless.width, single_spaces=single)
        else:
            layout = AlignedHeader(cells=(), wide_gaps=True)
            for line, content in lines:
                if content.strip() and line >= header_line:
                    layout = self.table.aligned_header or AlignedHeader.parse(
                        content.rstrip("\r\n"), single_spaces=single
                    )
                    break

        def split() -> Iterator[tuple[int, list[str | None] | None]]:
            for line, content in lines:
                if not content.strip():
                    yield line, []
                    continue
                content = content.rstrip("\r\n")
                if is_rule_line(content):
                    yield line, [content]
                    continue
                cells = layout.split(content)
                yield line, None if cells is None else list(cells)

        yield from self._cell_records(layout.names, split())

    def _workbook_records(self) -> Iterator[Record]:
        workbook = Workbook(self.table.path)
        try:
            rows = workbook.rows()
            header: list[str] = []
            header_line, names = _workbook_header(workbook, self.table.header_score)
            for line, cells in rows:
                if line >= header_line and any(cells):
                    header = list(names or [cell or "" for cell in cells])
                    break
            while header and not header[-1]:
                header.pop()
            total = max(workbook.row_count, 1)
            reported = 0

            def numbered() -> Iterator[tuple[int, list[str | None] | None]]:
                nonlocal reported
                for line, cells in rows:
                    yield line, list(cells)
                    if line % _PROGRESS_ROWS == 0:
                        done = self.table.size * line // total
                        self.progress.advance(done - reported)
                        reported = done

            yield from self._cell_records(header, numbered())
            self.progress.advance(max(self.table.size - reported, 0))
        finally:
            workbook.close()
        self.matcher.check_required()

    def _json_lines_records(self, text: io.TextIOWrapper) -> Iterator[Record]:
        for line, content in enumerate(text, start=1):
            record = self._json_record(line, content)
            if record is not None:
                yield record

    def _json_blocks(self, text: io.TextIOWrapper, size: int) -> Iterator[Block]:
        lines_before = 0
        while lines := list(islice(text, size)):
            block = json_column_block(
                lines_before + 1,
                lines,
                field_for=self.matcher.field_for,
                id_fields=ID_FIELDS,
                max_id_length=MAX_ID_LENGTH,
                too_deep=_too_deep,
            )
            if block is not None:
                self.rows_read += block.size
                yield block
            else:
                numbered = enumerate(lines, start=lines_before + 1)
                yield [
                    record
                    for line, content in numbered
                    if (record := self._json_record(line, content)) is not None
                ]
            lines_before += len(lines)

    def _json_record(self, line: int, content: str) -> Record | None:
        """The record of one line of JSON Lines; None for a blank line, or a bad row (its
        problem kept)."""
        if not content.strip():
            return None
        self.rows_read += 1
        if _too_deep(content):
            self.problems.append(
                RowProblem(
                    line,
                    f"JSON nested deeper than {MAX_JSON_DEPTH} levels: a row is one flat "
                    f"object {{...}}",
                )
            )
            return None
        try:
            value = _JSON_DECODER.decode(content)
        except json.JSONDecodeError as exc:
            self.problems.append(
                RowProblem(line, f"not valid JSON: {exc.msg} (column {exc.colno})")
            )
            return None
        except (RecursionError, ValueError) as exc:
            self.problems.append(RowProblem(line, f"not valid JSON: {exc}"))
            return None
        if not isinstance(value, dict):
            self.problems.append(RowProblem(line, "expected a JSON object {...}"))
            return None
        row = self._json_row(line, value)
        if row is None:
            return None
        if _suspect("".join([text for text in row.values() if text])) and not self._checked(
            line, row
        ):
            return None
        return line, row

    def _json_row(self, line: int, value: dict[str, Any]) -> Row | None:
        row: Row = {}
        nested: list[str] = []
        for key, item in value.items():
            name = self.matcher.field_for(key)
            if name is None:
                continue
            if isinstance(item, str):
                row[name] = item.strip() or None
            elif item is None:
                row[name] = None
            elif isinstance(item, bool):
                row[name] = "true" if item else "false"
            else:
                nested.append(key)
        if nested:
            keys = ", ".join(nested)
            self.problems.append(
                RowProblem(line, f"{keys}: expected a plain value, not an object or a list")
            )
            return None
        return row


def _workbook_header(
    workbook: Workbook, score: HeaderScore | None
) -> tuple[int, tuple[str, ...] | None]:
    """The row of the header (the first non-empty one, or the best of the first ones; the
    lower of two), and the names of a header on two rows."""
    found = None if score is None else find_header_row(workbook.rows(), score)
    return (1, None) if found is None else (found.header_line, found.names)
