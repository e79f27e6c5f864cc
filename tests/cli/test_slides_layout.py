"""The deck as LibreOffice draws it: no line of text runs into another (a long customer name
into the month under it, the insight sentences into the footnote), none leaves the slide, every
table cell's text stays inside its row, and a French chart's axis groups thousands the French
way. Read back from the PDF's word boxes (pdftotext -bbox-layout); the pages go to
test-artifacts/slides/ as PNGs."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Emu
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from analytics.months import last_full_month
from cli.slides.chart_numbers import grouped_whole_number_format
from cli.slides.drawing import EMU_PER_INCH
from demo.dataset import load_demo
from store.jobs.publish import publish_month
from store.keys import create_key
from store.scope import Role
from store.tables import ACCOUNT_TABLE
from tests.cli.test_slides import TODAY, _render, _renderers, run_slides, serving, world

__all__ = ["world"]  # test_slides' seeded, published database

LONG_NAME = (
    "Sri Venkateshwara Agro Industries and Cold Storage Private Limited "
    "(formerly Venkateshwara Cold Chain Logistics Partnership Firm)"
)
POINTS_PER_EMU = 72 / EMU_PER_INCH
SLACK = 0.75  # points: a renderer's rounding


@dataclass(frozen=True)
class Line:
    text: str
    block: int
    left: float
    top: float
    right: float
    bottom: float


def _pages(pdf: Path) -> tuple[list[list[Line]], float, float]:
    """Each page's lines of text, with the block (a text box, a cell) each belongs to; and the
    page's width and height in points."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext is not None, "pdftotext comes with pdftoppm (poppler-utils)"
    xhtml = subprocess.run(
        [pdftotext, "-bbox-layout", str(pdf), "-"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout  # fmt: skip
    root = ET.fromstring(re.sub(r'\sxmlns="[^"]+"', "", xhtml, count=1))
    pages = []
    width = height = 0.0
    for page in root.iter("page"):
        width, height = float(page.get("width", 0)), float(page.get("height", 0))
        lines = []
        for number, block in enumerate(page.iter("block")):
            for line in block.iter("line"):
                words = " ".join(word.text or "" for word in line.iter("word"))
                lines.append(
                    Line(
                        words,
                        number,
                        *(float(line.get(edge, 0)) for edge in ("xMin", "yMin", "xMax", "yMax")),
                    )
                )
        pages.append(lines)
    return pages, width, height


def _overlap(a: Line, b: Line) -> float:
    across = min(a.right, b.right) - max(a.left, b.left)
    down = min(a.bottom, b.bottom) - max(a.top, b.top)
    return min(across, down)


def _check_page(lines: list[Line], width: float, height: float, where: str) -> None:
    for line in lines:
        assert line.right <= width + SLACK, (where, line)
        assert line.bottom <= height + SLACK, (where, line)
    for index, first in enumerate(lines):
        for second in lines[index + 1 :]:
            if first.block != second.block:
                assert _overlap(first, second) <= SLACK, (where, first, second)


def _check_tables(deck: Path, pages: list[list[Line]]) -> None:
    """Every line inside a table lies inside the row it starts in."""
    for number, slide in enumerate(Presentation(str(deck)).slides):
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            left = shape.left * POINTS_PER_EMU
            right = left + sum(column.width for column in shape.table.columns) * POINTS_PER_EMU
            edges = [shape.top * POINTS_PER_EMU]
            for row in shape.table.rows:
                edges.append(edges[-1] + Emu(row.height) * POINTS_PER_EMU)
            for line in pages[number]:
                if not (left <= line.left < right and edges[0] <= line.top < edges[-1]):
                    continue
                row = max(i for i, edge in enumerate(edges[:-1]) if edge <= line.top + SLACK)
                assert line.bottom <= edges[row + 1] + SLACK, (
                    f"slide {number + 1}, {shape.name}, row {row}",
                    line,
                    edges[row + 1],
                )


async def _long_name(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            update(ACCOUNT_TABLE).where(ACCOUNT_TABLE.c.account_id == "R1").values(name=LONG_NAME)
        )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_no_text_runs_into_another_as_libreoffice_draws_it(
    world: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    _renderers()
    await _long_name(world)
    _record, key = await create_key(world, role=Role.ACCOUNT, account_id="R1", name="layout")
    decks = []
    # French, from the database; English with an account key (private, imprecise figures and
    # the longest footnote) through a server.
    french = tmp_path / "layout-fr.pptx"
    result = await run_slides(database_url, "--account", "R1", "--locale", "fr", "-o", str(french))
    assert result.exit_code == 0, result.output
    decks.append(french)
    private = tmp_path / "layout-acckey.pptx"
    with serving(database_url) as url:
        result = await run_slides(
            database_url, "--account", "R1", "--url", url, "--key", key, "-o", str(private)
        )
    assert result.exit_code == 0, result.output
    decks.append(private)
    for deck in decks:
        await asyncio.to_thread(_render, deck, deck.stem, tmp_path)
        pages, width, height = _pages(tmp_path / f"{deck.stem}.pdf")
        assert len(pages) == 6
        for number, lines in enumerate(pages, start=1):
            _check_page(lines, width, height, f"{deck.stem} slide {number}")
        _check_tables(deck, pages)
        # The customer's whole name is on its title slide.
        title = " ".join(line.text for line in pages[0])
        assert " ".join(LONG_NAME.split()) in " ".join(title.split())

    # The French revenue axis: thousands grouped with a (narrow no-break) space, not a comma.
    pages, _, _ = _pages(tmp_path / "layout-fr.pdf")
    sales = " ".join(line.text for line in pages[3])
    assert re.search(r"\b\d{1,3}[\s\u202f]000\b", sales), sales
    assert not re.search(r"\b\d{1,3},000\b", sales), sales


def test_the_axis_format_follows_the_locale() -> None:
    assert grouped_whole_number_format("en") == '[>=1000000]#","###","##0;[>=1000]#","##0;0'
    assert grouped_whole_number_format("fr") == (
        '[>=1000000]#"\u202f"###"\u202f"##0;[>=1000]#"\u202f"##0;0'
    )
    # Indian grouping: 1,00,000.
    assert grouped_whole_number_format("hi_IN") == '[>=100000]#","##","##0;[>=1000]#","##0;0'


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_demos_private_deck_fits_its_slides(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    """A tenth of the demo, its last month published, and an account key: twelve metrics whose
    sector figures are all too imprecise to show, said once on one sector position slide,
    and every other slide's text within its box."""
    _renderers()
    today = dt.date.fromisoformat(TODAY)
    await load_demo(engine, today=today, scale=0.1)
    await publish_month(engine, month=last_full_month(today), today=today, min_cohort=5)
    _record, key = await create_key(engine, role=Role.ACCOUNT, account_id="ACC-00002")
    deck = tmp_path / "layout-demo-acckey.pptx"
    with serving(database_url) as url:
        result = await run_slides(
            database_url, "--account", "ACC-00002", "--url", url, "--key", key, "-o", str(deck)
        )
    assert result.exit_code == 0, result.output
    await asyncio.to_thread(_render, deck, deck.stem, tmp_path)
    pages, width, height = _pages(tmp_path / f"{deck.stem}.pdf")
    titles = [lines[0].text if lines else "" for lines in pages]
    assert sum(title.startswith("Sector position") for title in titles) == 1, titles
    for number, lines in enumerate(pages, start=1):
        _check_page(lines, width, height, f"{deck.stem} slide {number}")
    _check_tables(deck, pages)
