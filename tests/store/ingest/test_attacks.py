"""Files built to do harm (issue 12): each attack is played on SQLite and PostgreSQL, and must
end in a refusal that names the line and the reason, with nothing written."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import FileRejected, IngestKind, IngestRejected, ingest_file
from store.ingest import xlsx as xlsx_module
from store.ingest.reading import MAX_ID_LENGTH, MAX_JSON_DEPTH
from tests.factories import Seed
from tests.store.ingest.support import all_tables
from tests.store.sales_support import LEDGER_TABLES, SALES_TABLES, tables_of

SALES, LEDGER = IngestKind.SALES, IngestKind.LEDGER
EVERYTHING = (*{*SALES_TABLES, *LEDGER_TABLES}, "company", "contract", "metric_value")


async def _seed_two_apps(engine: AsyncEngine) -> None:
    """alpha: account ACME, company C1, contract K1; beta: account BOLT, company D1, contract L1."""
    seed = Seed()
    seed.industry("retail")
    seed.account("ACME", app="alpha", industry="retail")
    seed.account("BOLT", app="beta", industry="retail")
    seed.company("C1", account="ACME")
    seed.company("D1", account="BOLT")
    seed.contract("K1", company="C1")
    seed.contract("L1", company="D1")
    seed.definition("revenue", unit="EUR")
    await seed.write(engine)


async def _refused(
    engine: AsyncEngine,
    path: Path,
    kind: IngestKind,
    app: str | None = None,
) -> list[str]:
    """The bad lines of a load that must be refused, checking that it wrote nothing."""
    before = await tables_of(engine, EVERYTHING)
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=kind, path=path, app=app)
    assert await tables_of(engine, EVERYTHING) == before
    return [str(problem) for problem in caught.value.problems]


async def _file_refused(engine: AsyncEngine, path: Path, kind: IngestKind = SALES) -> str:
    before = await tables_of(engine, EVERYTHING)
    with pytest.raises(FileRejected) as caught:
        await ingest_file(engine, kind=kind, path=path)
    # Named as given (a path in the test's folder); the tests read the rest.
    assert await tables_of(engine, EVERYTHING) == before
    message = str(caught.value)
    assert "\n" not in message
    # Named as given (a path in the test's folder); the tests read the rest.
    assert message.startswith(f"{path}: ")
    return message.removeprefix(f"{path.parent}/")


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- 1. A file of one app naming another app's entities ------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "lines"),
    [
        (
            SALES,
            "Date,Customer,Amount\n2024-01-05,BOLT,10\n2024-01-06,ACME,99\n",
            "sale_line",
        ),
        (
            LEDGER,
            "Date,Customer,Type,Amount\n2024-01-05,BOLT,Sales,10\n2024-01-06,ACME,Sales,99\n",
            "ledger_entry",
        ),
    ],
)
async def test_an_export_line_naming_another_apps_account_never_reaches_it(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind, text: str, lines: str
) -> None:
    """Apps are tenants: beta's party ACME is an account of beta's own, whatever alpha has."""
    await _seed_two_apps(engine)
    path = _write(tmp_path, "export.csv", text)

    report = await ingest_file(engine, kind=kind, path=path, app="beta")

    assert report.created["accounts"] == ["beta:ACME"]
    stored = await tables_of(engine, ["account", lines])
    assert [row[:2] for row in stored["account"]] == [
        ("ACME", "alpha"),
        ("BOLT", "beta"),
        ("beta:ACME", "beta"),
    ]
    assert sorted(row[0] for row in stored[lines]) == ["BOLT", "beta:ACME"]


async def test_without_app_an_export_belongs_to_the_default_app(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _seed_two_apps(engine)
    path = _write(tmp_path, "export.csv", "Date,Customer,Amount\n2024-01-06,ACME,99\n")

    report = await ingest_file(engine, kind=SALES, path=path)

    assert report.created == {"apps": ["default"], "accounts": ["default:ACME"]}
    assert (
        "Ids of 1 new account are app:party, since other accounts (of other apps) have their "
        "parties' values as ids: two apps' parties of one name are two accounts (no --app "
        "given: they are accounts of app 'default'): default:ACME"
    ) in report.notes
    assert [row[0] for row in (await tables_of(engine, ["sale_line"]))["sale_line"]] == [
        "default:ACME"
    ]


async def test_the_same_export_loads_for_its_own_app(engine: AsyncEngine, tmp_path: Path) -> None:
    await _seed_two_apps(engine)
    path = _write(tmp_path, "export.csv", "Date,Customer,Amount\n2024-01-06,ACME,99\n")

    report = await ingest_file(engine, kind=SALES, path=path, app="alpha")

    assert report.rows_written == 1
    assert [row[:2] for row in (await tables_of(engine, ["account"]))["account"]] == [
        ("ACME", "alpha"),
        ("BOLT", "beta"),
    ]


async def test_an_accounts_file_never_moves_an_account_to_another_app(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await _seed_two_apps(engine)
    path = _write(tmp_path, "accounts.csv", "account_id,name\nNEW,New\nACME,Taken Over\n")

    problems = await _refused(engine, path, IngestKind.ACCOUNTS, app="beta")

    assert problems == [
        "line 3: account 'ACME' belongs to app 'alpha'; this row would move it to app 'beta' "
        "(a load never moves anything from one app to another)"
    ]


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            IngestKind.COMPANIES,
            "company_id,account_id,name\nD2,BOLT,Fine\nC9,ACME,Planted\n",
            ["line 3: account 'ACME' belongs to app 'alpha', not to app 'beta' (--app)"],
        ),
        (
            IngestKind.CONTRACTS,
            "contract_id,company_id,name\nL2,D1,Fine\nK9,C1,Planted\n",
            ["line 3: company 'C1' belongs to app 'alpha', not to app 'beta' (--app)"],
        ),
        (
            IngestKind.METRICS,
            "level,entity_id,metric_name,effective_date,value\n"
            "account,BOLT,revenue,2024-01,1\n"
            "account,ACME,revenue,2024-01,2\n"
            "company,C1,revenue,2024-01,3\n"
            "contract,K1,revenue,2024-01,4\n"
            "industry,retail,revenue,2024-01,5\n",
            [
                "line 3: account 'ACME' belongs to app 'alpha', not to app 'beta' (--app)",
                "line 4: company 'C1' belongs to app 'alpha', not to app 'beta' (--app)",
                "line 5: contract 'K1' belongs to app 'alpha', not to app 'beta' (--app)",
                "line 6: industry 'retail': industry-level values are shared by every app; "
                "load them without --app",
            ],
        ),
    ],
)
async def test_with_app_a_file_names_only_that_apps_entities(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind, text: str, expected: list[str]
) -> None:
    await _seed_two_apps(engine)
    path = _write(tmp_path, f"{kind}.csv", text)

    problems = await _refused(engine, path, kind, app="beta")

    assert [problem.split(": a file loaded")[0] for problem in problems] == expected


async def test_the_same_files_load_for_their_own_app(engine: AsyncEngine, tmp_path: Path) -> None:
    await _seed_two_apps(engine)
    files = {
        IngestKind.COMPANIES: "company_id,account_id,name\nD2,BOLT,Fine\n",
        IngestKind.CONTRACTS: "contract_id,company_id,name\nL2,D1,Fine\n",
        IngestKind.METRICS: "level,entity_id,metric_name,effective_date,value\n"
        "account,BOLT,revenue,2024-01,1\ncompany,D1,revenue,2024-01,2\n",
    }
    for kind, text in files.items():
        report = await ingest_file(
            engine, kind=kind, path=_write(tmp_path, f"{kind}.csv", text), app="beta"
        )
        assert report.rows_written == text.count("\n") - 1


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            IngestKind.COMPANIES,
            "company_id,account_id,name\nC1,BOLT,Moved\n",
            "line 2: company 'C1' belongs to app 'alpha'; this row would move it to app 'beta' "
            "(a load never moves anything from one app to another)",
        ),
        (
            IngestKind.CONTRACTS,
            "contract_id,company_id,name\nK1,D1,Moved\n",
            "line 2: contract 'K1' belongs to app 'alpha'; this row would move it to app "
            "'beta' (a load never moves anything from one app to another)",
        ),
    ],
)
async def test_companies_and_contracts_never_move_to_another_app(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind, text: str, expected: str
) -> None:
    await _seed_two_apps(engine)
    problems = await _refused(engine, _write(tmp_path, f"{kind}.csv", text), kind)
    assert problems == [expected]


# --- 2. Workbooks that unpack to gigabytes or expand entities ------------------------------


def _workbook(folder: Path, name: str, parts: Mapping[str, bytes] | None = None) -> Path:
    """A small sales workbook, with some of its parts replaced."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Date", "Customer", "Amount"])
    sheet.append(["2024-01-05", "C1", 10])
    plain = folder / "plain.xlsx"
    book.save(plain)
    with zipfile.ZipFile(plain) as source:
        contents = {item.filename: source.read(item) for item in source.infolist()}
    contents.update(parts or {})
    path = folder / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in contents.items():
            archive.writestr(part, data)
    return path


def _huge_cell_workbook(folder: Path, size: int) -> Path:
    """A workbook whose sheet holds one cell of `size` bytes: a few hundred KB on disk."""
    path = _workbook(folder, "plain-copy.xlsx")
    with zipfile.ZipFile(path) as source:
        contents = {item.filename: source.read(item) for item in source.infolist()}
    bomb = folder / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in contents.items():
            if part != "xl/worksheets/sheet1.xml":
                archive.writestr(part, data)
                continue
            with archive.open(part, "w", force_zip64=True) as stream:
                stream.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                    b'main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
                )
                block = b"A" * (1 << 20)
                for _ in range(size // len(block) + 1):
                    stream.write(block)
                stream.write(b"</t></is></c></row></sheetData></worksheet>")
    return bomb


async def test_a_workbook_part_that_unpacks_too_large_is_refused_unread(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = _huge_cell_workbook(tmp_path, xlsx_module.MAX_PART_BYTES)
    assert path.stat().st_size < 1024 * 1024

    message = await _file_refused(engine, path)

    assert message.startswith(
        "bomb.xlsx: part xl/worksheets/sheet1.xml of the workbook unpacks to 101.0 MB, more "
        "than the 100.0 MB a part may have"
    )


async def test_a_workbook_too_large_in_all_is_refused_unread(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every part is small; together they pass the (here lowered) cap of a whole workbook.
    monkeypatch.setattr(xlsx_module, "MAX_WORKBOOK_BYTES", 8 * 1024)
    message = await _file_refused(engine, _workbook(tmp_path, "many.xlsx"))
    assert "many.xlsx: the workbook unpacks to" in message
    assert message.endswith("more than the 8 KB a workbook may have: save it as CSV")


_ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
async def test_a_workbook_declaring_xml_entities_is_refused(
    engine: AsyncEngine, tmp_path: Path, part: str
) -> None:
    plain = _workbook(tmp_path, "plain-copy.xlsx")
    with zipfile.ZipFile(plain) as source:
        original = source.read(part)
    path = _workbook(tmp_path, "lol.xlsx", {part: _ENTITIES + original})

    message = await _file_refused(engine, path)

    assert message == (
        f"lol.xlsx: part {part} of the workbook declares a DTD (XML entities), which a "
        f"workbook never needs: refused"
    )


_HEADER_ROW = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>Date</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>Customer</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>Amount</t></is></c></row>'
)
_SHEET = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'


async def test_a_cut_sheet_is_one_line(engine: AsyncEngine, tmp_path: Path) -> None:
    sheet = _SHEET + _HEADER_ROW + b'<row r="2"><c r="A2" t="inlineStr"><is><t>2024-01-05'
    path = _workbook(tmp_path, "cut.xlsx", {"xl/worksheets/sheet1.xml": sheet})

    message = await _file_refused(engine, path)

    assert message.startswith("cut.xlsx: not a readable Excel workbook (ParseError: ")


async def test_a_damaged_row_is_one_line_naming_the_row(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # Row 3 names shared string 99 of a workbook that has none.
    good = b'<row r="2"><c r="A2" t="inlineStr"><is><t>2024-01-05</t></is></c>'
    good += b'<c r="B2" t="inlineStr"><is><t>C1</t></is></c><c r="C2"><v>10</v></c></row>'
    bad = b'<row r="3"><c r="A3" t="s"><v>99</v></c></row>'
    sheet = _SHEET + _HEADER_ROW + good + bad + b"</sheetData></worksheet>"
    path = _workbook(tmp_path, "damaged.xlsx", {"xl/worksheets/sheet1.xml": sheet})

    message = await _file_refused(engine, path)

    assert message.startswith("damaged.xlsx: row 3 of sheet 'Sheet' cannot be read (")


# --- 3. Parser errors are bad lines, not tracebacks ----------------------------------------


async def test_json_nested_too_deep_is_a_bad_line(engine: AsyncEngine, tmp_path: Path) -> None:
    good = json.dumps({"Date": "2024-01-05", "Customer": "C1", "Amount": "10"})
    deep = "[" * 100_000 + "]" * 100_000
    shallow_but_nested = json.dumps(
        {"Date": "2024-01-05", "Customer": json.loads("[" * 40 + "]" * 40)}
    )
    path = _write(tmp_path, "deep.jsonl", f"{good}\n{deep}\n{shallow_but_nested}\n")

    problems = await _refused(engine, path, SALES)

    too_deep = f"JSON nested deeper than {MAX_JSON_DEPTH} levels: a row is one flat object {{...}}"
    assert problems == [f"line 2: {too_deep}", f"line 3: {too_deep}"]


async def test_a_bracket_inside_a_json_string_is_not_nesting(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    row = {"Date": "2024-01-05", "Customer": "[{" * 50, "Amount": "10"}
    path = _write(tmp_path, "brackets.jsonl", json.dumps(row) + "\n")
    report = await ingest_file(engine, kind=SALES, path=path)
    assert report.rows_written == 1


# --- 4. Text a store cannot hold ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "nul.csv",
            "Date,Customer,Amount\n2024-01-05,C\x001,10\n2024-01-06,C2,\x1b[2J10\n2024-01-07,C3,5\n",
            [
                "line 2: customer holds a control character (U+0000)",
                "line 3: amount holds a control character (U+001B)",
            ],
        ),
        (
            "nul.jsonl",
            '{"Date": "2024-01-05", "Customer": "C\\u00001", "Amount": "10"}\n'
            '{"Date": "2024-01-06", "Customer": "C\\ud800", "Amount": "10"}\n'
            '{"Date": "2024-01-07", "Customer": "C3", "Amount": "5"}\n',
            [
                "line 1: customer holds a control character (U+0000)",
                "line 2: customer holds a control character (U+D800)",
            ],
        ),
    ],
)
async def test_control_characters_are_bad_lines_on_every_store(
    engine: AsyncEngine, tmp_path: Path, name: str, text: str, expected: list[str]
) -> None:
    path = _write(tmp_path, name, text)
    problems = await _refused(engine, path, SALES)
    suffix = ": remove it (values hold no control characters)"
    assert problems == [f"{line}{suffix}" for line in expected]


async def test_control_characters_are_bad_rows_of_every_kind(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    path = _write(
        tmp_path, "accounts.csv", 'account_id,name\nA1,Acme\x00\nA2,Beta\tLtd\nA3,"Multi\nline"\n'
    )
    before = await all_tables(engine)
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=path)
    assert await all_tables(engine) == before
    assert [str(problem) for problem in caught.value.problems] == [
        "line 2: name holds a control character (U+0000): remove it (values hold no control "
        "characters)"
    ]


async def test_ids_too_long_for_a_key_and_counts_too_large_are_bad_rows(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    long_id = "A" * (MAX_ID_LENGTH + 1)
    path = _write(
        tmp_path,
        "accounts.csv",
        f"account_id,name,n_employees\n{long_id},Long,1\nA2,Many,99999999999\nA3,Fine,2\n",
    )
    before = await all_tables(engine)
    with pytest.raises(IngestRejected) as caught:
        await ingest_file(engine, kind=IngestKind.ACCOUNTS, path=path)
    assert await all_tables(engine) == before
    assert [str(problem) for problem in caught.value.problems] == [
        f"line 2: account_id is {MAX_ID_LENGTH + 1} characters long, more than the "
        f"{MAX_ID_LENGTH} an id may have",
        "line 3: n_employees '99999999999' is too large (at most 2,147,483,647)",
    ]
