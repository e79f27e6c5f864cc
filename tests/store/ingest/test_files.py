"""Whole files that cannot be loaded, and how a file's format and delimiter are found."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, ingest_file
from store.ingest.columns import normalize_column_name
from store.ingest.reading import SourceFormat, open_table_file, sniff_delimiter
from tests.store.ingest.support import all_tables, load_text


async def refused(
    engine: AsyncEngine, folder: Path, kind: IngestKind, text: str | bytes, name: str
) -> str:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    before = await all_tables(engine)
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=kind, path=path)
    assert await all_tables(engine) == before
    # The file is named as it was given (here a path in `folder`): said here once, the tests
    # read the rest.
    message = str(caught.value)
    assert message.startswith(f"{folder}/{name}: ")
    return message.removeprefix(f"{folder}/")


async def test_a_missing_column_is_named_with_the_columns_seen(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    message = await refused(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "Level,Entity,Metric,Value\naccount,A1,revenue,1\n",
        "metrics.csv",
    )
    assert message == (
        "metrics.csv: missing required column(s) effective_date; the file's columns are: "
        "'Level', 'Entity', 'Metric', 'Value'"
    )


async def test_a_missing_key_in_every_json_line_is_a_missing_column(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    message = await refused(
        engine,
        tmp_path,
        IngestKind.INDUSTRIES,
        '{"industry_id": "a", "label": "A"}\n{"industry_id": "b"}\n',
        "industries.jsonl",
    )
    assert message == (
        "industries.jsonl: missing required column(s) name; the file's columns are: "
        "'industry_id', 'label'"
    )


async def test_an_unknown_delimiter_gets_a_hint(engine: AsyncEngine, tmp_path: Path) -> None:
    message = await refused(
        engine, tmp_path, IngestKind.INDUSTRIES, "industry_id|name\na|A\n", "industries.csv"
    )
    assert "the file's columns are: 'industry_id|name'" in message
    assert "comma, semicolon or tab" in message


async def test_two_columns_for_one_field_are_refused(engine: AsyncEngine, tmp_path: Path) -> None:
    message = await refused(
        engine,
        tmp_path,
        IngestKind.ACCOUNTS,
        "account_id,name,industry,Industry ID\nA1,Acme,retail,energy\n",
        "accounts.csv",
    )
    assert message == (
        "accounts.csv: columns 'industry' and 'Industry ID' both give industry: keep only one"
    )


async def test_a_column_given_twice_is_refused(engine: AsyncEngine, tmp_path: Path) -> None:
    message = await refused(
        engine, tmp_path, IngestKind.INDUSTRIES, "industry_id,name,name\na,A,B\n", "i.csv"
    )
    assert message == "i.csv: column 'name' appears twice: keep only one"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"\n \n", "the file is empty"),
        (b'[{"industry_id": "a"}]\n', "holds a JSON array"),
        (b"industry_id,name\nretail,Caf\xe9\n", "not UTF-8 text (line 2 is not)"),
    ],
)
async def test_unreadable_files_are_refused(
    engine: AsyncEngine, tmp_path: Path, content: bytes, expected: str
) -> None:
    message = await refused(engine, tmp_path, IngestKind.INDUSTRIES, content, "industries.csv")
    assert message.startswith("industries.csv: ")
    assert expected in message


async def test_a_missing_file_is_refused(engine: AsyncEngine, tmp_path: Path) -> None:
    absent = tmp_path / "absent.csv"
    with pytest.raises(FileRejected, match=rf"^{re.escape(str(absent))}: cannot read it: No such"):
        await ingest_file(engine, kind=IngestKind.INDUSTRIES, path=absent)


async def test_a_byte_order_mark_is_not_part_of_the_first_column(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = tmp_path / "industries.csv"
    path.write_bytes("\ufeffindustry_id;name\r\nretail;Café\r\n".encode())
    report = await ingest_file(engine, kind=IngestKind.INDUSTRIES, path=path)
    assert report.columns == {"industry_id": "industry_id", "name": "name"}
    assert (await all_tables(engine))["industry"] == [("retail", "Café")]


async def test_cells_are_trimmed_and_ids_kept_as_written(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await load_text(engine, tmp_path, IngestKind.INDUSTRIES, "industry_id, name\n 007 , Ab C \n")
    assert (await all_tables(engine))["industry"] == [("007", "Ab C")]


@pytest.mark.parametrize(
    ("header", "delimiter"),
    [
        ("a,b,c", ","),
        ("a;b;c", ";"),
        ("a\tb\tc", "\t"),
        ("name;note, with comma;unit", ";"),
        ('"a;x",b,c', ","),
        ("single", ","),
    ],
)
def test_the_delimiter_is_the_one_that_splits_the_header_most(header: str, delimiter: str) -> None:
    assert sniff_delimiter(header) == delimiter


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.csv", "x,y\n", SourceFormat.CSV),
        ("a.jsonl", "x,y\n", SourceFormat.JSON_LINES),
        ("a.NDJSON", '{"x": 1}\n', SourceFormat.JSON_LINES),
        ("a.txt", '\n  {"x": 1}\n', SourceFormat.JSON_LINES),
        ("a.json", '\ufeff{"x": 1}\n', SourceFormat.JSON_LINES),
    ],
)
def test_the_format_comes_from_the_name_or_the_content(
    tmp_path: Path, name: str, content: str, expected: SourceFormat
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert open_table_file(path).format is expected


@pytest.mark.parametrize(
    "written", ["entity_id", "Entity ID", "ENTITY-ID", "entityId", " entity__id ", "Entity\tId"]
)
def test_column_names_ignore_case_spaces_underscores_and_dashes(written: str) -> None:
    assert normalize_column_name(written) == normalize_column_name("entity_id") == "entityid"


@pytest.mark.parametrize("name", ["Day Book.pdf", "sales.csv"])
@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.LEDGER, IngestKind.ACCOUNTS])
async def test_a_pdf_is_refused_with_what_to_export_instead(
    engine: AsyncEngine, tmp_path: Path, name: str, kind: IngestKind
) -> None:
    """A report printed to PDF, whatever its name says: one line saying to export it as Excel
    or CSV, not its first line taken for a header of columns (`'%PDF-1.4'`)."""
    message = await refused(
        engine,
        tmp_path,
        kind,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n",
        name,
    )
    assert message == f"{name}: " + (
        "this is a PDF, a printed report, whose tables cannot be read: export the report as "
        "Excel (.xlsx) or CSV instead, and load that"
    )


@pytest.mark.parametrize("name", ["sales.xls", "sales.xlsx", "sales.csv"])
@pytest.mark.parametrize("kind", [IngestKind.SALES, IngestKind.ACCOUNTS])
async def test_an_old_excel_workbook_is_refused_with_what_to_save_it_as(
    engine: AsyncEngine, tmp_path: Path, name: str, kind: IngestKind
) -> None:
    """Excel 97-2003's .xls (an OLE2 compound file, D0 CF 11 E0 A1 B1 1A E1), whatever its
    name says: not a text file in an unknown encoding, but a format to save otherwise."""
    path = tmp_path / name
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(range(256)) * 2)
    with pytest.raises(FileRejected) as refused:
        await ingest_file(engine, kind=kind, path=path)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: this is a workbook in the old Excel format (.xls")
    assert "save it as .xlsx (Excel Workbook, without a password) or as CSV UTF-8" in message
    assert "UTF-16" not in message
    assert all(rows == [] for rows in (await all_tables(engine)).values())
