"""An industry cell names an existing industry by its id or by its name (case, whitespace and
Unicode forms folded); only a cell that names none creates one, and the load says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.names import name_key
from store.ingest import IngestKind, IngestRejected
from tests.store.ingest.support import load_text, table_rows


def _full_width(text: str) -> str:
    """`text` in full-width forms (U+FF01..U+FF5E), as East Asian input methods type it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


INDUSTRIES = "industry_id,name\nretail,Retail & E-commerce\nenergy,Energy & Utilities\n"


async def test_an_industry_given_by_name_joins_the_sector_of_that_name(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await load_text(engine, tmp_path, IngestKind.INDUSTRIES, INDUSTRIES)
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.ACCOUNTS,
        "account_id,name,industry\n"
        "A1,Sharma Traders,Retail & E-commerce\n"
        "A2,Gupta Stores,retail\n"
        'A3,Rao Mart,"  RETAIL  &  e-commerce "\n'
        "A4,Volt,ENERGY\n"
        f"A5,Wide Mart,{_full_width('Retail & E-commerce')}\n",
    )
    assert report.created["industries"] == []
    assert not any("industry" in note for note in report.notes)
    assert await table_rows(engine, "industry") == [
        ("energy", "Energy & Utilities"),
        ("retail", "Retail & E-commerce"),
    ]
    industries = {row[0]: row[3] for row in await table_rows(engine, "account")}
    assert industries == {
        "A1": "retail",
        "A2": "retail",
        "A3": "retail",
        "A4": "energy",
        "A5": "retail",
    }


async def test_a_new_industry_is_created_once_and_named_in_the_report(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await load_text(engine, tmp_path, IngestKind.INDUSTRIES, INDUSTRIES)
    report = await load_text(
        engine,
        tmp_path,
        IngestKind.ACCOUNTS,
        "account_id,name,industry\nA1,One,Retial\nA2,Two,retial\nA3,Three,Retail & E-commerce\n",
    )
    assert report.created["industries"] == ["Retial"]
    assert [note for note in report.notes if "Retial" in note] == [
        "New industry 'Retial' created: if it is a sector you have already, write that "
        "sector's id or name instead (as your industries file gives them) and load the file "
        "again"
    ]
    industries = {row[0]: row[3] for row in await table_rows(engine, "account")}
    assert industries == {"A1": "Retial", "A2": "Retial", "A3": "retail"}
    # A company's industry follows the same rule.
    companies = await load_text(
        engine,
        tmp_path,
        IngestKind.COMPANIES,
        "company_id,account_id,name,industry\nC1,A1,Shop,energy & utilities\n",
    )
    assert companies.created == {"industries": []}
    assert [row[3] for row in await table_rows(engine, "company")] == ["energy"]


async def test_a_name_two_sectors_share_is_a_bad_row(engine: AsyncEngine, tmp_path: Path) -> None:
    await load_text(
        engine, tmp_path, IngestKind.INDUSTRIES, "industry_id,name\nr1,Retail\nr2,retail\n"
    )
    with pytest.raises(IngestRejected) as rejected:
        await load_text(
            engine, tmp_path, IngestKind.ACCOUNTS, "account_id,name,industry\nA1,One,RETAIL\n"
        )
    assert [problem.reason for problem in rejected.value.problems] == [
        "industry 'RETAIL' names 2 industries ('r1', 'r2'): give one of their ids"
    ]
    # An id as written is never ambiguous.
    await load_text(engine, tmp_path, IngestKind.ACCOUNTS, "account_id,name,industry\nA1,One,r2\n")
    assert [row[3] for row in await table_rows(engine, "account")] == ["r2"]


@given(
    st.lists(st.text(alphabet=st.characters(categories=["L", "N", "P"]), min_size=1), max_size=5),
    st.lists(st.sampled_from([" ", "  ", "\t", "\u00a0"]), min_size=6, max_size=6),
)
def test_the_normal_form_ignores_spacing(words: list[str], spaces: list[str]) -> None:
    spaced = spaces[0] + "".join(
        word + space for word, space in zip(words, spaces[1:], strict=False)
    )
    assert name_key(spaced) == name_key(" ".join(words))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz &-", max_size=30))
def test_the_normal_form_ignores_ascii_case(text: str) -> None:
    assert name_key(text.upper()) == name_key(text.title()) == name_key(text)
