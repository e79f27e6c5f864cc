"""Bad rows: every one is reported with its line in the file and why, and nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, IngestRejected, RowProblem
from tests.store.ingest.support import all_tables, load_text, seed_entities


async def rejected(
    engine: AsyncEngine, folder: Path, kind: IngestKind, text: str, name: str | None = None
) -> list[RowProblem]:
    """The problems of a file that must be refused, checking that it wrote nothing."""
    before = await all_tables(engine)
    with pytest.raises(IngestRejected) as caught:
        await load_text(engine, folder, kind, text, name=name)
    assert await all_tables(engine) == before
    return caught.value.problems


def lines(problems: list[RowProblem]) -> list[int]:
    return [problem.line for problem in problems]


def reason(problems: list[RowProblem], line: int) -> str:
    return next(problem.reason for problem in problems if problem.line == line)


async def test_every_bad_metric_row_is_reported_with_its_line(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_entities(engine, tmp_path)
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value,unit\n"  # 1
        "account,A1,revenue,2024-01-05,10,\n"  # 2 good
        "account,A9,revenue,2024-01-05,10,\n"  # 3 unknown account
        "company,A1,revenue,2024-01-05,10,\n"  # 4 unknown company (A1 is an account)
        "contract,K9,revenue,2024-01-05,10,\n"  # 5 unknown contract
        "industry,mining,revenue,2024-01-05,10,\n"  # 6 unknown industry
        "account,A1,revenue,2024-13-01,10,\n"  # 7 bad date
        'account,A2,revenue,2024-01-05,"1,5,5",\n'  # 8 not a number
        "account,A2,revenue,2024-02-05,NaN,\n"  # 9 NaN
        "account,A2,revenue,2024-03-05,-Infinity,\n"  # 10 Infinity
        "region,A1,revenue,2024-01-05,10,\n"  # 11 unknown level
        "account,A1,visits,2024-01-05,10,parsecs\n"  # 12 unknown unit
        "account,A1,handling_time,2024-01-05,,\n"  # 13 missing value
        "account,A1,revenue,2024-01-28,11,\n"  # 14 same month as line 2
        "account,A1,revnue,2024-01-05,10,\n"  # 15 undefined metric
        "account,A2,revenue,2024-04-05,10,USD\n"  # 16 unit contradicts the definition
        "account,A2,visits,2024-04-05,10,count\n"  # 17 good: defines visits
        "account,A1,visits,2024-04-05,10,hours\n"  # 18 contradicts line 17
        "\n"  # 19 blank: skipped
        "account,A2,handling_time,2024-05-01,1,min\n",  # 20 good (min = minutes)
    )
    assert lines(problems) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18]
    assert "unknown account 'A9'" in reason(problems, 3)
    assert "unknown company 'A1'" in reason(problems, 4)
    assert "unknown contract 'K9'" in reason(problems, 5)
    assert "unknown industry 'mining'" in reason(problems, 6)
    assert "effective_date '2024-13-01' is not a valid date" in reason(problems, 7)
    assert "value '1,5,5' is not a number" in reason(problems, 8)
    assert "value 'NaN' is not a finite number" in reason(problems, 9)
    assert "value '-Infinity' is not a finite number" in reason(problems, 10)
    assert reason(problems, 11) == (
        "unknown level 'region': use one of account, company, contract, industry"
    )
    assert "Unknown unit 'parsecs'" in reason(problems, 12)
    assert reason(problems, 13) == "missing required value for value"
    assert reason(problems, 14) == (
        "duplicate of line 2: same account 'A1', metric 'revenue' and month 2024-01"
    )
    assert "metric 'revnue' is not defined" in reason(problems, 15)
    assert "did you mean 'revenue'?" in reason(problems, 15)
    assert "unit 'USD' contradicts the definition of metric 'revenue', whose unit is EUR" in (
        reason(problems, 16)
    )
    assert "unit 'hours' contradicts unit count given for metric 'visits' on line 17" in (
        reason(problems, 18)
    )


async def test_months_outside_the_years_a_month_can_be_stored_in_are_bad_lines(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    # Year 0 raised ValueError while reading; December 9999 raised OverflowError on PostgreSQL,
    # whose month partition ends on the next month's first day.
    await seed_entities(engine, tmp_path)
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value,unit\n"
        "account,A1,revenue,2024-01-05,10,\n"
        "account,A1,revenue,0000-03,10,\n"
        "account,A1,revenue,Mar-0000,10,\n"
        "account,A1,revenue,9999-12-15,10,\n",
    )
    assert lines(problems) == [3, 4, 5]
    assert all("between year 1 and 9998" in problem.reason for problem in problems)


async def test_all_reasons_of_one_row_are_given_together(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_entities(engine, tmp_path)
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value\naccount,A9,nope,someday,ten\n",
    )
    assert lines(problems) == [2]
    for part in ("unknown account 'A9'", "'someday'", "'ten'", "metric 'nope' is not defined"):
        assert part in problems[0].reason


async def test_a_metric_defined_by_a_later_row_is_not_undefined(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_entities(engine, tmp_path)
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value,unit\n"
        "account,A1,visits,2024-01,3,\n"
        "account,A2,visits,2024-01,4,count\n",
    )
    assert report.rows_written == 2


async def test_bad_account_rows(engine: AsyncEngine, tmp_path: Path) -> None:
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.ACCOUNTS,
        "account_id,name,is_key_account,n_employees\n"
        "A1,Acme,yes,10\n"  # 2 good
        "A2,Beta,maybe,10\n"  # 3 bad boolean
        "A3,Gamma,no,-4\n"  # 4 negative
        "A4,Delta,0,2.5\n"  # 5 not whole
        "A5,,1,1\n"  # 6 missing name
        "A1,Acme again,no,1\n"  # 7 duplicate of 2
        ",Nobody,no,1\n",  # 8 missing id
    )
    assert lines(problems) == [3, 4, 5, 6, 7, 8]
    assert "is_key_account 'maybe' is not a boolean" in reason(problems, 3)
    assert "n_employees '-4' is not a whole number" in reason(problems, 4)
    assert "n_employees '2.5' is not a whole number" in reason(problems, 5)
    assert reason(problems, 6) == "missing required value for name"
    assert reason(problems, 7) == "duplicate account_id 'A1': line 2 has the same"
    assert reason(problems, 8) == "missing required value for account_id"


async def test_bad_company_rows(engine: AsyncEngine, tmp_path: Path) -> None:
    await seed_entities(engine, tmp_path)
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.COMPANIES,
        "company_id;account_id;name;n_employees\n"
        "C7;A1;Good;5\n"
        "C8;A404;Orphan;5\n"
        "C9;A1;Many;lots\n"
        "C7;A2;Twice;1\n",
    )
    assert lines(problems) == [3, 4, 5]
    assert "unknown account 'A404'" in reason(problems, 3)
    assert "n_employees 'lots' is not a whole number" in reason(problems, 4)
    assert reason(problems, 5) == "duplicate company_id 'C7': line 2 has the same"


async def test_bad_contract_rows(engine: AsyncEngine, tmp_path: Path) -> None:
    await seed_entities(engine, tmp_path)
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.CONTRACTS,
        "contract_id\tcompany_id\tname\tstart_date\tend_date\n"
        "K5\tC1\tGood\t2024-01-01\t2024-01-01\n"
        "K6\tC404\tOrphan\t\t\n"
        "K7\tC1\tLate\t2024-02-30\t\n"
        "K8\tC1\tBackwards\t2024-05-01\t2024-04-30\n"
        "K9\tC1\tMonth only\t2024-05\t\n",
    )
    assert lines(problems) == [3, 4, 5, 6]
    assert "unknown company 'C404'" in reason(problems, 3)
    assert "start_date '2024-02-30' is not a valid date (read as YYYY-MM-DD)" in reason(problems, 4)
    assert reason(problems, 5) == "end_date 2024-04-30 is before start_date 2024-05-01"
    assert "start_date '2024-05' is not a date: write it like 2024-03-31" in reason(problems, 6)


async def test_bad_definition_rows(engine: AsyncEngine, tmp_path: Path) -> None:
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.DEFINITIONS,
        "name,unit,higher_is_better,aggregation\n"
        "revenue,EUR,true,sum\n"
        "speed,furlongs,true,mean\n"
        "churn,percent,sometimes,mean\n"
        "nps,count,true,average\n"
        "revenue,USD,true,sum\n"
        "latency,,false,max\n",
    )
    assert lines(problems) == [3, 4, 5, 6, 7]
    assert "Unknown unit 'furlongs'" in reason(problems, 3)
    assert "higher_is_better 'sometimes' is not a boolean" in reason(problems, 4)
    assert reason(problems, 5) == (
        "unknown aggregation 'average': use one of sum, mean, median, min, max"
    )
    assert reason(problems, 6) == "duplicate metric name 'revenue': line 2 has the same"
    assert reason(problems, 7) == "missing required value for unit"


async def test_bad_industry_rows(engine: AsyncEngine, tmp_path: Path) -> None:
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.INDUSTRIES,
        "industry_id,name\nretail,Retail\nenergy,\nretail,Retail again\n",
    )
    assert lines(problems) == [3, 4]
    assert reason(problems, 3) == "missing required value for name"
    assert reason(problems, 4) == "duplicate industry_id 'retail': line 2 has the same"


async def test_csv_line_numbers_count_physical_lines(engine: AsyncEngine, tmp_path: Path) -> None:
    # A quoted value spanning lines and blank lines still leave every row at its real line.
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.INDUSTRIES,
        'industry_id,name\nretail,"Retail\nand more"\n\n\nenergy,\nmining,Mining,extra\n',
    )
    assert lines(problems) == [6, 7]
    assert reason(problems, 7) == (
        "3 values but the header has 2 columns (quote values that contain the delimiter)"
    )


async def test_blank_lines_before_the_header_keep_their_numbers(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    problems = await rejected(
        engine, tmp_path, IngestKind.INDUSTRIES, "\n\nindustry_id,name\nretail,\n"
    )
    assert lines(problems) == [4]


async def test_json_lines_line_numbers_start_at_the_first_object(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.INDUSTRIES,
        '{"industry_id": "retail", "name": "Retail"}\n'  # 1
        "\n"  # 2
        '{"industry_id": "energy"}\n'  # 3 missing name
        '{"industry_id": "mining", "name": \n'  # 4 broken JSON
        '["not", "an", "object"]\n'  # 5
        '{"industry_id": "x", "name": {"nested": true}}\n'  # 6
        '{"industry_id": "retail", "name": "Again"}\n',  # 7 duplicate
        name="industries.jsonl",
    )
    assert lines(problems) == [3, 4, 5, 6, 7]
    assert reason(problems, 3) == "missing required value for name"
    assert reason(problems, 4).startswith("not valid JSON")
    assert reason(problems, 5) == "expected a JSON object {...}"
    assert "name: expected a plain value" in reason(problems, 6)
    assert reason(problems, 7) == "duplicate industry_id 'retail': line 1 has the same"


@pytest.mark.parametrize("kind", [IngestKind.METRICS, IngestKind.INDUSTRIES])
async def test_a_truncated_json_lines_file_says_its_line_is_not_json(
    engine: AsyncEngine, tmp_path: Path, kind: IngestKind
) -> None:
    # Cut short as a copy that stopped: no line is an object, so no column is known.
    problems = await rejected(
        engine, tmp_path, kind, '{"level":"account","entity_id":"SGD-006",', name="cut.jsonl"
    )
    assert [str(problem) for problem in problems] == [
        "line 1: not valid JSON: Expecting property name enclosed in double quotes (column 42)"
    ]


async def test_one_bad_row_among_many_writes_nothing(engine: AsyncEngine, tmp_path: Path) -> None:
    await seed_entities(engine, tmp_path)
    rows = "".join(
        f"account,A1,revenue,{2000 + n // 12}-{n % 12 + 1:02d},{n}\n" for n in range(300)
    )
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value,unit\n"
        + rows
        + "account,A1,brand_new,2024-01,1,count\n"  # 302: would create a definition
        + "account,A1,revenue,2030-01,oops\n",  # 303
    )
    assert lines(problems) == [303]
    assert reason(problems, 303) == (
        "value 'oops' is not a number: write it like 1234.5, -0.25, 1,234.5 or 12,34,567.5"
    )


async def test_metric_values_grouped_by_lakhs_or_thousands_are_read_exactly(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_entities(engine, tmp_path)
    await load_text(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value\n"
        'account,A1,revenue,2024-01,"1,23,456.78"\n'
        'account,A1,revenue,2024-02,"1,00,00,000"\n'
        'account,A2,revenue,2024-01,"-1,234,567.50"\n',
    )
    values = {row[1:4]: str(row[4]) for row in (await all_tables(engine))["metric_value"]}
    assert values == {
        ("A1", "revenue", dt.date(2024, 1, 1)): "123456.78",
        ("A1", "revenue", dt.date(2024, 2, 1)): "10000000",
        ("A2", "revenue", dt.date(2024, 1, 1)): "-1234567.50",
    }


async def test_malformed_grouping_is_a_bad_row_naming_its_line_and_column(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_entities(engine, tmp_path)
    problems = await rejected(
        engine,
        tmp_path,
        IngestKind.METRICS,
        "level,entity_id,metric_name,effective_date,value\n"
        'account,A1,revenue,2024-01,"1,23,456.78"\n'  # 2: good
        'account,A1,revenue,2024-02,"123,45,678"\n'  # 3: lakhs after a group of three
        'account,A1,revenue,2024-03,"1,234"\n'  # 4: good, 1234 (the file has a point)
        'account,A1,revenue,2024-04,"1.234,50"\n',  # 5: a decimal comma in a point file
    )
    assert [str(problem) for problem in problems] == [
        "line 3: value '123,45,678' is not a number: write it like 1234.5, -0.25, 1,234.5 or "
        "12,34,567.5",
        "line 5: value '1.234,50' is not a number: write it like 1234.5, -0.25, 1,234.5 or "
        "12,34,567.5",
    ]


async def test_the_rejection_summary_counts_bad_rows(engine: AsyncEngine, tmp_path: Path) -> None:
    with pytest.raises(IngestRejected) as caught:
        await load_text(engine, tmp_path, IngestKind.INDUSTRIES, "industry_id,name\na,\nb,\nc,C\n")
    assert caught.value.summary == (
        f"{tmp_path / 'industries.csv'}: 2 bad rows out of 3; nothing was written "
        "(fix the listed lines and load the file again)"
    )
    assert [str(problem) for problem in caught.value.problems] == [
        "line 2: missing required value for name",
        "line 3: missing required value for name",
    ]
