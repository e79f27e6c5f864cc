"""`profiling slides`: a customer's ROI deck built from a seeded, published database, in
process and against a real server with a real key, opened again with python-pptx and checked
number by number against the API's own answers; its words in the locale's language (French,
German; English words with the locale's numbers where no catalogue is shipped); the refusals and
notes; no file on an error; and a rendering through LibreOffice (PDF, then PNGs under
test-artifacts/slides/), Devanagari included."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
import uvicorn
from pptx import Presentation
from pptx.chart.chart import Chart
from pptx.shapes.graphfrm import GraphicFrame
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner, Result

from analytics.formatting import format_day, format_month, format_statistic, format_value
from analytics.insights import insight, unplaced
from analytics.quarters import Quarter
from cli.slides.text import sentence_start
from cli.slides.words import Words, speaks_english, words_for
from cli.slides_command import slides
from server.app import create_app
from settings import load_settings
from store.jobs.publish import publish_month
from store.jobs.segment import segment_apps
from store.keys import create_key
from store.scope import Role
from store.tables import COHORT_TABLE, LEDGER_TABLE, SALE_LINE_TABLE
from store.upsert import upsert
from tests.api_client import GraphQLClient
from tests.factories import Seed

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "slides"
TODAY = "2023-05-17"
MONTH = dt.date(2023, 4, 1)
MONTHS = [dt.date(2022 + (3 + k) // 12, (3 + k) % 12 + 1, 1) for k in range(13)]  # 2022-04..
RETAIL = [f"R{n}" for n in range(1, 7)]
EVIL_NAME = '=HYPERLINK("http://evil.example","Click")'
METRIC_NAMES = ["minutes_saved", "response_time", "revenue", "tickets_resolved"]
REQUIRE_LIBREOFFICE = os.environ.get("PROFILING_REQUIRE_LIBREOFFICE") == "1"


def _app() -> typer.Typer:
    app = typer.Typer(add_completion=False)

    @app.callback()
    def main() -> None:
        """The slides command, alone (cli/main.py registers it with the others)."""

    app.command("slides")(slides)
    return app


APP = _app()


async def run_slides(
    database_url: str, *arguments: str, env: dict[str, str] | None = None
) -> Result:
    """The command in a thread of its own: it runs its own event loop, as from a shell."""
    return await asyncio.to_thread(
        CliRunner().invoke,
        APP,
        ["slides", *arguments],
        env={"DATABASE_URL": database_url, "PROFILING_TODAY": TODAY, **(env or {})},
    )


# -- the data --------------------------------------------------------------------------------


def _value(metric: str, account: int, k: int) -> str:
    """Account `account`'s value of `metric` in MONTHS[k]."""
    if metric == "revenue":
        return f"{10_000 + 1_000 * account + 150 * k}.25"
    if metric == "minutes_saved":
        return str(600 + 60 * account + 7 * k)
    if metric == "response_time":
        return f"{30 + 2 * account}.{k % 10}"
    return str(account * k)  # tickets_resolved: always 0 for R1


def _sale(account: str, day: dt.date, amount: str, invoice: str) -> dict[str, Any]:
    return {
        "account_id": account,
        "sale_date": day,
        "invoice": invoice,
        "line": 1,
        "amount": Decimal(amount),
        "quantity": None,
        "cost": None,
        "profit": None,
    }


def _entry(account: str, day: dt.date, kind: str, amount: str, ref: str) -> dict[str, Any]:
    return {
        "account_id": account,
        "entry_date": day,
        "kind": kind,
        "reference": ref,
        "line": 1,
        "amount": Decimal(amount),
        "due_date": None,
    }


@pytest.fixture
async def world(engine: AsyncEngine) -> AsyncEngine:
    """Six retail accounts of app north with thirteen months of four metrics (R1, named like
    a formula, misses its response time a year earlier and its revenue in 2022-09), sales and
    a ledger; two accounts of a tiny sector; April 2023 published, March not."""
    seed = Seed()
    seed.industry("retail", "Retail & E-commerce")
    seed.industry("tiny", "Tiny Sector")
    seed.definition("revenue", "EUR", aggregation="sum", bounds=("0", "1000000"))
    seed.definition("minutes_saved", "minutes", aggregation="sum", bounds=("0", "100000"))
    seed.definition(
        "response_time", "minutes", higher_is_better=False, aggregation="median",
        bounds=("0", "1440"),
    )  # fmt: skip
    seed.definition("tickets_resolved", "count", aggregation="sum", bounds=("0", "10000"))
    for i, account in enumerate(RETAIL):
        seed.account(account, app="north", industry="retail")
        for metric in METRIC_NAMES:
            for k, month in enumerate(MONTHS):
                if account == "R1" and (metric, k) in {("response_time", 0), ("revenue", 5)}:
                    continue
                seed.metric("account", account, metric, month.isoformat(), _value(metric, i, k))
    seed.accounts[0]["name"] = EVIL_NAME
    for account in ("T1", "T2"):
        seed.account(account, app="north", industry="tiny")
        seed.metric("account", account, "revenue", MONTH.isoformat(), "5000")
    await seed.write(engine)
    sales = [
        _sale(account, dt.date(2022, 7 + 3 * q, 5) if q < 2 else dt.date(2023, 3 * q - 5, 5),
              f"{100 * (i + 1) * (q + 1)}.50", f"{account}-{q}-{n}")
        for i, account in enumerate(RETAIL)
        for q in range(4)
        for n in range((i + q) % 3 + 1)
    ]  # fmt: skip
    ledger = [
        _entry("R1", dt.date(2023, 1, 10), "invoice", "1000", "INV1"),
        _entry("R1", dt.date(2023, 3, 1), "payment", "600", "INV1"),
        _entry("R1", dt.date(2023, 3, 15), "invoice", "500", "INV2"),
        _entry("R2", dt.date(2023, 1, 10), "invoice", "800", "INV3"),
        _entry("R2", dt.date(2023, 1, 30), "payment", "800", "INV3"),
    ]
    async with engine.begin() as connection:
        await upsert(connection, SALE_LINE_TABLE, sales)
        await upsert(connection, LEDGER_TABLE, ledger)
        await segment_apps(connection)
    await publish_month(engine, month=MONTH, today=dt.date.fromisoformat(TODAY), min_cohort=5)
    return engine


# -- reading a deck back ---------------------------------------------------------------------


@dataclass
class SlideContent:
    texts: dict[str, str] = field(default_factory=dict)
    tables: dict[str, list[list[str]]] = field(default_factory=dict)
    charts: dict[str, Chart] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return self.texts.get("title", "")

    def series(self, chart: str) -> tuple[list[str], dict[str, list[float | None]]]:
        plot = self.charts[chart].plots[0]
        return list(plot.categories), {s.name: list(s.values) for s in plot.series}

    def all_text(self) -> str:
        cells = [" ".join(row) for table in self.tables.values() for row in table]
        return "\n".join([*self.texts.values(), *cells])


def read_deck(path: Path) -> list[SlideContent]:
    contents = []
    for slide in Presentation(str(path)).slides:
        content = SlideContent()
        for shape in slide.shapes:
            if isinstance(shape, GraphicFrame) and shape.has_chart:
                content.charts[shape.name] = shape.chart
            elif isinstance(shape, GraphicFrame) and shape.has_table:
                content.tables[shape.name] = [
                    [cell.text for cell in row.cells] for row in shape.table.rows
                ]
            elif shape.has_text_frame and shape.text_frame.text:
                content.texts[shape.name] = shape.text_frame.text
        contents.append(content)
    return contents


# -- what the API says, and what the deck should then say ------------------------------------

COMPARISON = (
    "{ customerValue sectorP50 sectorP90 customerPercentile insight figureKind informative }"
)
API_QUERY = (
    """
query ($id: String!, $months: [Date!]!, $locale: String!, $month: Date!, $creditAsOf: Date) {
  account(accountId: $id) {
    name app industry { name }
    metrics(effectiveDates: $months) {
      metricName value effectiveDate formattedValue(locale: $locale)
    }
    salesProfile {
      firstPurchase lastPurchase isRecent daysSinceLastPurchase recencyAsOf
      quarters { quarter orders revenue frequencySegment monetarySegment monetaryIsProfit }
    }
    creditRisk(asOf: $creditAsOf) {
      score segment daysSalesOutstanding overdueShare averageDaysLate asOf invoiced outstanding
    }
"""
    + "\n".join(
        f'    {name}: comparison(metric: "{name}", effectiveDate: $month) {COMPARISON}'
        for name in METRIC_NAMES
    )
    + """
  }
  metricDefinitions { name unit higherIsBetter }
}
"""
)


def api_variables(account: str, locale: str, credit_as_of: str | None = None) -> dict[str, Any]:
    """The API's variables for what a deck shows: its credit risk as of `credit_as_of` (a
    past month's deck asks for the month's last day), else the API's default."""
    return {
        "id": account,
        "months": [m.isoformat() for m in MONTHS],
        "locale": locale,
        "month": MONTH.isoformat(),
        "creditAsOf": credit_as_of,
    }


def label(name: str) -> str:
    words = name.replace("_", " ")
    return words[0].upper() + words[1:]


def formatted(value: float | str, unit: str, locale: str, places: int | None = None) -> str:
    exact = Decimal(str(value))
    if places is not None:
        exact = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    return format_value(exact, unit, locale)


def expected_change(
    current: str, earlier: str | None, higher_is_better: bool, locale: str, words: Words
) -> str:
    _ = words.gettext
    if earlier is None:
        return _("no value a year earlier")
    if Decimal(earlier) == 0:
        return _("was zero a year earlier")
    percent = (Decimal(current) - Decimal(earlier)) / abs(Decimal(earlier)) * 100
    rounded = percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    if rounded == 0:
        return _("► flat")
    size = format_value(abs(rounded), "percent", locale)
    tone = "better" if (rounded > 0) == higher_is_better else "worse"
    arrow = "▲ up" if rounded > 0 else "▼ down"
    return _(f"{arrow} {{size}} · {tone}").format(size=size)


def expected_insight(
    comparison: dict[str, Any], name: str, definition: dict[str, Any], locale: str, words: Words
) -> str:
    """The API's sentence in English; in another locale the same rule's sentence, with the
    deck's words and the locale's numbers."""
    if speaks_english(locale):
        return str(comparison["insight"])
    shown = format_value(Decimal(str(comparison["customerValue"])), definition["unit"], locale)
    sector = "Retail & E-commerce"
    if not comparison["informative"]:
        return unplaced(metric=name, formatted_value=shown, sector=sector, gettext=words.gettext)
    return insight(
        metric=name,
        formatted_value=shown,
        sector=sector,
        percentile=comparison["customerPercentile"],
        higher_is_better=definition["higherIsBetter"],
        locale=locale,
        gettext=words.gettext,
    )


def count(value: int | str, locale: str) -> str:
    return format_value(Decimal(value), "count", locale)


def check_sector_slide(
    sector: SlideContent,
    account: dict[str, Any],
    definitions: dict[str, dict[str, Any]],
    names: list[str],
    locale: str,
    words: Words,
) -> None:
    """The sector position slide of a deck with a figure precise enough to show."""
    _ = words.gettext
    table = sector.tables["comparison table"]
    percentiles: list[float | None] = []
    for r, name in enumerate(names, start=1):
        comparison, unit = account[name], definitions[name]["unit"]
        assert comparison["customerPercentile"] is not None
        # A sector's figure of counts keeps at most one fraction digit.
        sector_figures = [
            format_statistic(Decimal(str(comparison[f])), unit, locale)
            for f in ("sectorP50", "sectorP90")
        ]
        shown = count(comparison["customerPercentile"], locale)
        if comparison["informative"]:
            percentiles.append(float(comparison["customerPercentile"]))
        else:
            # Too imprecise to place the value: said in the table, no bar drawn.
            imprecise = _("too imprecise")
            sector_figures = [imprecise, imprecise]
            shown = imprecise
            percentiles.append(None)
        assert table[r] == [
            label(name),
            formatted(comparison["customerValue"], unit, locale),
            *sector_figures,
            shown,
        ]
    if any(percentile is not None for percentile in percentiles):
        chart_categories, chart_series = sector.series("percentile chart")
        assert chart_categories == [label(name) for name in names]
        assert chart_series == {_("Percentile in the sector"): percentiles}
    else:
        # No bar to draw: no empty chart.
        assert "percentile chart" not in sector.charts
    if not all(account[name]["informative"] for name in names):
        assert sentence_start(_("too imprecise")) in sector.texts["footnote"]
    assert sector.texts["insights"].splitlines() == [
        expected_insight(account[name], name, definitions[name], locale, words) for name in names
    ]
    kinds = {account[name]["figureKind"] for name in names}
    assert len(kinds) == 1
    kind = kinds.pop()
    notes = {"EXACT": _(EXACT_NOTE), "DIFFERENTIALLY_PRIVATE": _(PRIVATE_NOTE)}
    assert notes[kind] in sector.texts["footnote"]


IMPRECISE_NOTE = (
    "At this privacy budget the private sector figures of {sector} for {month} are too "
    "imprecise to place any of your metrics: at {confidence} confidence they may lie further "
    "than a quarter of the sector's accounts from the exact ones, so this deck shows none of them."
)


def check_imprecise_sector_slide(
    sector: SlideContent, account: dict[str, Any], month: str, locale: str, words: Words
) -> None:
    """Nothing precise enough to show: one slide, one sentence, no table of "too imprecise"
    cells, no insight sentences saying it again metric by metric."""
    _ = words.gettext
    assert sector.texts["note"] == _(IMPRECISE_NOTE).format(
        sector=account["industry"]["name"],
        month=format_month(dt.date.fromisoformat(month), locale),
        confidence=format_value(Decimal(95), "percent", locale),
    )
    assert sector.tables == {}
    assert sector.charts == {}
    assert "insights" not in sector.texts
    assert "footnote" not in sector.texts
    # Said once: in the note, not again in a cell, an insight or a footnote.
    assert sector.all_text().lower().count(_("too imprecise")) == 1


def check_deck_against_api(deck: list[SlideContent], data: dict[str, Any], locale: str) -> None:
    """Every number of the deck is the API's, formatted as the deck promises, among the deck's
    words in the locale's language."""
    words = words_for(locale)
    _ = words.gettext
    account = data["account"]
    definitions = {d["name"]: d for d in data["metricDefinitions"]}
    rows: dict[str, dict[str, dict[str, str]]] = {}
    for row in account["metrics"]:
        rows.setdefault(row["metricName"], {})[row["effectiveDate"]] = row
    month, earlier = MONTH.isoformat(), MONTHS[0].isoformat()
    names = sorted(name for name, by_month in rows.items() if month in by_month)
    assert names == METRIC_NAMES

    title, headline, *rest = deck
    # Names as given: a slide is not a spreadsheet.
    assert title.texts["customer"] == account["name"]
    assert title.texts["product"] == account["app"]
    assert title.texts["details"] == "\n".join(
        [
            _("Account {account}").format(account="R1"),
            _("Sector: {sector}").format(sector=account["industry"]["name"]),
        ]
    )

    assert headline.tables["headline table"][1:] == [
        [
            label(name),
            rows[name][month]["formattedValue"],
            rows[name][earlier]["formattedValue"] if earlier in rows[name] else "—",
            expected_change(
                rows[name][month]["value"],
                rows[name][earlier]["value"] if earlier in rows[name] else None,
                definitions[name]["higherIsBetter"],
                locale,
                words,
            ),
            "",
        ]
        for name in names
    ]
    for name in names:
        categories, series = headline.series(f"trend {name}")
        assert len(categories) == 12
        trend = [m.isoformat() for m in MONTHS[1:]]
        assert series == {
            label(name): [float(rows[name][m]["value"]) if m in rows[name] else None for m in trend]
        }
    # The trend lines have their gap where the account has no value.
    assert headline.series("trend revenue")[1]["Revenue"][4] is None

    sector = rest[0]
    assert sector.title == _("Sector position")
    if any(account[name]["informative"] for name in names):
        check_sector_slide(sector, account, definitions, names, locale, words)
    else:
        check_imprecise_sector_slide(sector, account, month, locale, words)

    sales_slide, credit_slide, method = rest[1:]
    profile = account["salesProfile"]
    # The day the recency counts to: the app's latest sale, or today for an account key (told
    # no date of another customer's).
    counted_to = dt.date.fromisoformat(profile["recencyAsOf"])
    so_far = _("so far: to {day}").format(day=format_day(counted_to, locale))

    def quarter_cell(quarter: str) -> str:
        # A quarter not over on that day says so, as the dashboard does.
        if Quarter.parse(quarter).last_day > counted_to:
            return f"{quarter}\n{so_far}"
        return quarter

    def segment(name: str) -> str:
        return _(name.replace("_", " ").capitalize())

    assert sales_slide.tables["quarters table"][1:] == [
        [
            quarter_cell(q["quarter"]),
            formatted(q["orders"], "count", locale),
            formatted(q["revenue"], "count", locale),
            segment(q["frequencySegment"]),
            segment(q["monetarySegment"]) + (f" {_('(profit)')}" if q["monetaryIsProfit"] else ""),
        ]
        for q in profile["quarters"]
    ]
    assert sales_slide.series("revenue chart") == (
        [q["quarter"] for q in profile["quarters"]],
        {_("Revenue"): [float(q["revenue"]) for q in profile["quarters"]]},
    )
    # The days count to the day the API names (the app's latest sale; today for an account key).
    as_of = dt.date.fromisoformat(profile["recencyAsOf"])
    last = dt.date.fromisoformat(profile["lastPurchase"])
    assert (as_of - last).days == profile["daysSinceLastPurchase"]
    subtitle = sales_slide.texts["subtitle"]
    assert f"{count(profile['daysSinceLastPurchase'], locale)} " in subtitle
    assert format_day(as_of, locale) in subtitle
    if words.language is None:
        assert (
            f"{profile['daysSinceLastPurchase']} days before {format_day(as_of, locale)}"
        ) in subtitle

    risk = account["creditRisk"]
    assert credit_slide.texts["credit score"] == f"{count(risk['score'], locale)} / 100"
    assert credit_slide.series("credit score chart")[1] == {
        _("Credit score"): [float(risk["score"]), float(100 - risk["score"])]
    }
    assert credit_slide.tables["credit table"][1:] == [
        [_("Days sales outstanding"), formatted(risk["daysSalesOutstanding"], "days", locale, 1)],
        [_("Overdue share"), formatted(risk["overdueShare"] * 100, "percent", locale, 1)],
        [_("Average days late"), formatted(risk["averageDaysLate"], "days", locale, 1)],
        [_("Invoiced in the DSO period"), formatted(risk["invoiced"], "count", locale)],
        [_("Outstanding"), formatted(risk["outstanding"], "count", locale)],
    ]
    cohort_rule = words.ngettext(COHORT_RULE.replace("accounts", "account"), COHORT_RULE, 5)
    assert cohort_rule.format(minimum=count(5, locale), refusal=_("not enough peers to compare"))\
        in method.texts["method"]  # fmt: skip
    kind_words = {
        "EXACT": _("This deck's sector figures are exact."),
        "DIFFERENTIALLY_PRIVATE": _("This deck's sector figures are differentially private."),
    }
    (kind,) = {account[name]["figureKind"] for name in names}
    assert kind_words[kind] in method.texts["method"]


EXACT_NOTE = "Sector median and p90 are exact (internal access)."
PRIVATE_NOTE = (
    "Sector median and p90 are differentially private: drawn with calibrated noise when the "
    "month was published, so that no other customer's value can be recovered; they can differ "
    "from the exact figures."
)
COHORT_RULE = (
    "Cohort rule: no sector figure is derived from fewer than {minimum} distinct accounts; "
    "below that the API refuses it and this deck says \u201c{refusal}\u201d."
)


# -- the tests -------------------------------------------------------------------------------


def _names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def _sizes(paths: list[Path]) -> list[int]:
    return [path.stat().st_size for path in paths]


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty directory for the decks (the SQLite database lives beside it)."""
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


# Words no French or German sentence of the deck has: the deck's own English left untranslated.
ENGLISH = re.compile(r"\b(the|of|and|your|is|are|to|from|than|with|not|no|so far)\b", re.I)


def own_words(deck: list[SlideContent]) -> str:
    """The deck's text without the data's own English: metric names, the app, the customer."""
    everything = "\n".join(slide.all_text() for slide in deck)
    for data in (EVIL_NAME, *(name.replace("_", " ") for name in METRIC_NAMES)):
        everything = re.sub(re.escape(data), "", everything, flags=re.I)
    return everything


async def test_deck_shows_the_apis_numbers(
    world: AsyncEngine, database_url: str, client: GraphQLClient, out: Path
) -> None:
    output = out / "deck.pptx"
    result = await run_slides(
        database_url, "--account", "R1", "--month", "2023-04", "--locale", "fr", "--internal",
        "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        f"Wrote {output}: 6 slides for {EVIL_NAME} (R1), 2023-04 (internal: do not share)"
    )
    assert "note:" not in result.stderr  # French is shipped
    assert _names(out) == ["deck.pptx"]  # no temporary file left

    deck = read_deck(output)
    assert [slide.title for slide in deck] == [
        "",
        "Indicateurs clés",
        "Position dans le secteur",
        "Historique d'achats (RFM)",
        "Risque de crédit",
        "Comment ces chiffres sont établis",
    ]
    # The customer's name as given: the guard against formulas belongs to spreadsheets.
    assert deck[0].texts["customer"] == EVIL_NAME
    assert deck[0].texts["month"] == "Bilan du ROI · avril 2023"
    assert (
        deck[1].texts["subtitle"] == "Avril 2023 comparé à avril 2022, et les douze derniers mois"
    )
    # Sentences in French, their numbers French: 11 h 24 min, 17 %, 5 avr. 2023.
    assert deck[2].texts["insights"].splitlines()[0] == (
        "Votre valeur de minutes saved, 11\u202fh 24\xa0min, se situe dans le quartile inférieur "
        "de Retail & E-commerce\xa0: égale ou supérieure à celle de 17\xa0% des comptes du "
        "secteur."
    )
    assert deck[3].texts["subtitle"] == (
        "Client depuis le 5 juil. 2022\xa0; dernier achat le 5 avr. 2023, 0 jour avant le "
        "5 avr. 2023\xa0: un client récent"
    )
    assert deck[3].tables["quarters table"][-1][0] == "2023-Q2\nen cours\xa0: jusqu'au 5 avr. 2023"
    assert "part en retard (0,4)" in deck[4].texts["footnote"]
    assert ENGLISH.findall(own_words(deck)) == []
    # The month's deck measures the risk on the month's last day, as the customer's does.
    data = await client.data(API_QUERY, api_variables("R1", "fr", "2023-04-30"))
    check_deck_against_api(deck, data, "fr")
    assert "(la base de données locale)" in deck[-1].texts["method"]


async def test_a_german_deck_with_swiss_numbers(
    world: AsyncEngine, database_url: str, client: GraphQLClient, out: Path
) -> None:
    """de_CH finds the German catalogue (as gettext looks: de_CH, then de); its numbers are
    Swiss (an apostrophe between thousands)."""
    output = out / "deck.pptx"
    result = await run_slides(
        database_url, "--account", "R1", "--locale", "de_CH", "--internal", "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    deck = read_deck(output)
    assert [slide.title for slide in deck][1:] == [
        "Kennzahlen im Überblick",
        "Position in der Branche",
        "Kaufhistorie (RFM)",
        "Kreditrisiko",
        "Wie diese Zahlen entstehen",
    ]
    assert deck[2].tables["comparison table"][3][1] == "EUR\xa011\u2019800.25"
    assert deck[3].tables["quarters table"][-1][0] == "2023-Q2\nbisher: bis 05.04.2023"
    assert ENGLISH.findall(own_words(deck)) == []
    check_deck_against_api(
        deck, await client.data(API_QUERY, api_variables("R1", "de_CH")), "de_CH"
    )


SMALLEST_POINTS = 10  # the smallest text a projected slide still shows legibly


def text_sizes(path: Path) -> dict[str, set[float]]:
    """Every size, in points, named for text in the deck's slides and charts (runs, a chart's
    default text, a paragraph's end), by the part that names it."""
    sizes: dict[str, set[float]] = {}
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            if re.fullmatch(r"ppt/(slides/slide|charts/chart)\d+\.xml", name):
                found = re.findall(r'<a:(?:rPr|defRPr|endParaRPr)\b[^>]*\bsz="(\d+)"',
                                   package.read(name).decode())  # fmt: skip
                sizes[name] = {int(size) / 100 for size in found}
    return sizes


IMPRECISE_SENTENCES = {
    "en": (
        "At this privacy budget the private sector figures of Retail & E-commerce for April "
        "2023 are too imprecise to place any of your metrics: at 95% confidence they may lie "
        "further than a quarter of the sector's accounts from the exact ones, so this deck "
        "shows none of them."
    ),
    "fr": (
        "Avec ce budget de confidentialité, les chiffres privés de Retail & E-commerce pour "
        "avril 2023 sont trop imprécis pour situer vos indicateurs\xa0: avec une confiance de "
        "95\xa0%, ils peuvent s'écarter des chiffres exacts de plus d'un quart des comptes du "
        "secteur\xa0; cette présentation n'en montre donc aucun."
    ),
    "de_CH": (
        "Bei diesem Datenschutzbudget sind die privaten Branchenzahlen für April 2023 in "
        "Retail & E-commerce zu ungenau, um eine Ihrer Kennzahlen einzuordnen: Mit 95% "
        "Konfidenz können sie um mehr als ein Viertel der Konten der Branche von den exakten "
        "abweichen; diese Präsentation zeigt daher keine davon."
    ),
}


@pytest.mark.parametrize("locale", ["en", "fr", "de_CH"])
async def test_a_sector_with_nothing_precise_is_said_once(
    world: AsyncEngine, database_url: str, out: Path, locale: str
) -> None:
    """The customer's own deck (private figures): none of R1's sector figures is precise enough
    to show, so one sector slide says so in one sentence, in the deck's language, instead of a
    table of "too imprecise" cells and a sentence per metric repeating it."""
    output = out / "deck.pptx"
    result = await run_slides(
        database_url, "--account", "R1", "--locale", locale, "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    deck = read_deck(output)
    words = words_for(locale)
    sectors = [slide for slide in deck if slide.title == words.gettext("Sector position")]
    assert len(sectors) == 1
    assert sectors[0].texts["note"] == IMPRECISE_SENTENCES[locale]
    # Said once: no cell, insight or footnote says it again.
    imprecise = words.gettext("too imprecise")
    assert sum(slide.all_text().lower().count(imprecise) for slide in deck) == 1


@pytest.mark.parametrize("internal", [False, True], ids=["customer", "internal"])
async def test_no_text_is_too_small_to_read_projected(
    world: AsyncEngine, database_url: str, out: Path, internal: bool
) -> None:
    """Every text of the deck, a chart's included, is at least SMALLEST_POINTS (the mark under
    a quarter not over, the footnotes, the insight sentences, the sparklines' text)."""
    output = out / "deck.pptx"
    which = ["--internal"] if internal else []
    result = await run_slides(
        database_url, "--account", "R1", "--locale", "de_CH", *which, "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    sizes = text_sizes(output)
    assert any(name.startswith("ppt/charts/") for name in sizes)
    small = {
        name: found for name, found in sizes.items() if min(found, default=99) < SMALLEST_POINTS
    }
    assert small == {}


def complex_script_fonts(path: Path) -> dict[str, set[str | None]]:
    """For each run of the deck with text, its text -> the complex-script fonts named on it."""
    fonts: dict[str, set[str | None]] = {}
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    for slide in Presentation(str(path)).slides:
        for run in slide.element.iterfind(".//a:r", ns):
            font = run.find("a:rPr/a:cs", ns)
            text = run.findtext("a:t", default="", namespaces=ns)
            fonts.setdefault(text, set()).add(None if font is None else font.get("typeface"))
    return fonts


async def test_a_locale_without_a_catalogue_keeps_english_words(
    world: AsyncEngine, database_url: str, client: GraphQLClient, out: Path
) -> None:
    """hi_IN: no Hindi catalogue is shipped. English words, Hindi numbers and dates, a note on
    stderr that says so; Devanagari runs name a family that has its letters."""
    output = out / "deck.pptx"
    result = await run_slides(
        database_url, "--account", "R1", "--locale", "hi_IN", "--internal", "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    assert (
        "note: the deck's words are in English: there is no translation for hi_IN (shipped: "
        "de, fr); its numbers and dates follow hi_IN"
    ) in result.stderr.splitlines()
    deck = read_deck(output)
    assert [slide.title for slide in deck][1:3] == ["Headline metrics", "Sector position"]
    assert deck[0].texts["month"] == f"ROI review · {format_month(MONTH, 'hi_IN')}"
    assert deck[0].texts["month"] == "ROI review · अप्रैल 2023"
    check_deck_against_api(
        deck, await client.data(API_QUERY, api_variables("R1", "hi_IN")), "hi_IN"
    )

    fonts = complex_script_fonts(output)
    devanagari = {text for text in fonts if re.search("[\u0900-\u097f]", text)}
    assert "ROI review · अप्रैल 2023" in devanagari
    assert all(fonts[text] == {"Noto Sans Devanagari"} for text in devanagari)
    assert all(fonts[text] == {None} for text in set(fonts) - devanagari)


async def test_the_month_defaults_to_the_last_full_month(
    world: AsyncEngine, database_url: str, out: Path
) -> None:
    output = out / "deck.pptx"
    result = await run_slides(database_url, "--account", "R2", "-o", str(output))
    assert result.exit_code == 0, result.output
    deck = read_deck(output)
    assert deck[0].texts["month"] == "ROI review · April 2023"
    rows = {row[0]: row[1:4] for row in deck[1].tables["headline table"][1:]}
    assert rows == {
        "Minutes saved": ["12h 24min", "11h", "▲ up 12.7% · better"],
        # Lower is better: up is worse. The seconds show the 0.6% (whole minutes read equal).
        "Response time": ["32min 12s", "32min", "▲ up 0.6% · worse"],
        "Revenue": ["€12,800.25", "€11,000.25", "▲ up 16.4% · better"],
        "Tickets resolved": ["12", "0", "was zero a year earlier"],
    }


async def test_a_deck_of_a_past_month_tells_the_story_as_it_stood_then(
    world: AsyncEngine, database_url: str, client: GraphQLClient, out: Path
) -> None:
    """R1 bought in 2022-Q3, 2022-Q4, 2023-Q1 and 2023-Q2, was invoiced 1000 on 2023-01-10 and
    paid 600 of it on 2023-03-01: its January 2023 deck shows neither the quarter after
    January nor the payment of March."""
    output = out / "january.pptx"
    result = await run_slides(
        database_url, "--account", "R1", "--month", "2023-01", "--internal", "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    _title, _headline, _sector, sales_slide, credit_slide, _method = read_deck(output)
    assert [row[0] for row in sales_slide.tables["quarters table"][1:]] == [
        "2022-Q3",
        "2022-Q4",
        "2023-Q1",
    ]
    assert (
        "1 later quarter with orders, after January 2023, is not shown."
        in sales_slide.texts["footnote"]
    )
    # The recency measures count to the latest sale on record (April 2023): not said.
    assert sales_slide.texts["subtitle"] == "Customer since Jul 5, 2022"
    january = await client.data(
        'query { account(accountId: "R1") { creditRisk(asOf: "2023-01-31") '
        "{ asOf invoiced outstanding } } }"
    )
    assert january["account"]["creditRisk"] == {
        "asOf": "2023-01-31",
        "invoiced": "1000.00",
        "outstanding": "1000.00",
    }
    assert credit_slide.texts["subtitle"] == "As of Jan 31, 2023"
    rows = dict(credit_slide.tables["credit table"][1:])
    assert (rows["Invoiced in the DSO period"], rows["Outstanding"]) == ("1,000", "1,000")

    # Before its first order, the story says so.
    output = out / "june.pptx"
    result = await run_slides(
        database_url, "--account", "R1", "--month", "2022-06", "--internal", "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    sales_slide, credit_slide = read_deck(output)[3:5]
    assert "No orders by the end of June 2022" in sales_slide.texts["note"]
    assert "No ledger entries by the end of June 2022" in credit_slide.texts["note"]


async def test_refusals_and_missing_data_are_said(
    world: AsyncEngine, database_url: str, client: GraphQLClient, out: Path
) -> None:
    output = out / "tiny.pptx"
    result = await run_slides(database_url, "--account", "T1", "-o", str(output))
    assert result.exit_code == 0, result.output
    _title, headline, sector, sales_slide, credit_slide, _method = read_deck(output)
    answer = await client.post(
        'query { account(accountId: "T1") { comparison(metric: "revenue") '
        "{ customerValue sectorP50 customerPercentile figureKind } } }"
    )
    assert answer["data"]["account"]["comparison"]["sectorP50"] is None
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"COHORT_TOO_SMALL"}
    assert sector.tables["comparison table"][1] == ["Revenue", "€5,000", "—", "—", "—"]
    assert not sector.charts  # nothing to chart
    assert sector.texts["insights"] == "Revenue: not enough peers to compare (the cohort rule)."
    assert "differentially private" not in sector.texts["footnote"]
    assert "No sales were ingested" in sales_slide.texts["note"]
    assert "No ledger entries were ingested" in credit_slide.texts["note"]
    assert headline.tables["headline table"][1][2:4] == ["—", "no value a year earlier"]

    # March 2023 has data but is not published.
    output = out / "march.pptx"
    result = await run_slides(
        database_url, "--account", "R3", "--month", "2023-03", "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    sector = read_deck(output)[2]
    assert sector.texts["note"].startswith("The sector figures of March 2023 are not published")
    assert not sector.charts


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--account", "NOPE"], "error: there is no account 'NOPE'"),
        (
            ["--account", "R1", "--month", "2021-01"],
            # Its latest metrics and its latest sale are both of April 2023: metrics say it.
            "error: account 'R1' has no metrics, sales or ledger entries for 2021-01; its latest "
            "data is of 2023-04, the month of its latest metrics",
        ),
        (["--account", "R1", "--month", "April"], "error: --month must be a month as YYYY-MM"),
        (["--account", "R1", "--locale", "xx_YY"], "error: Unknown locale 'xx_YY'"),
        (["--account", "R1", "--key", "k"], "error: --key goes with --url"),
        (["--account", "R1", "--url", "ftp://x"], "error: --url must be an http(s) URL"),
    ],
)
async def test_errors_are_one_line_and_write_nothing(
    world: AsyncEngine,
    database_url: str,
    out: Path,
    arguments: list[str],
    message: str,
) -> None:
    output = out / "deck.pptx"
    result = await run_slides(database_url, *arguments, "-o", str(output))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(message), result.stderr
    assert result.stderr.splitlines()[-1] == errors[0]
    assert _names(out) == []


@pytest.mark.parametrize("internal", [False, True], ids=["customer", "internal"])
async def test_a_deck_is_built_in_process_under_cors_any_origin(
    world: AsyncEngine, database_url: str, out: Path, internal: bool
) -> None:
    """`*` is an ordinary setting of a server with keys; the in-process app serves no
    browser, so the refusal of `*` without keys (`serve --no-auth`) is not its own."""
    output = out / "deck.pptx"
    which = ["--internal"] if internal else []
    result = await run_slides(
        database_url, "--account", "R1", "--month", "2023-04", *which, "-o", str(output),
        env={"PROFILING_CORS_ORIGINS": "*"},
    )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Wrote {output}: 6 slides for"), result.stdout
    assert _names(out) == ["deck.pptx"]


async def test_an_error_leaves_an_earlier_deck_as_it_was(
    world: AsyncEngine, database_url: str, out: Path
) -> None:
    output = out / "deck.pptx"
    await asyncio.to_thread(output.write_bytes, b"the earlier deck")
    result = await run_slides(database_url, "--account", "NOPE", "-o", str(output))
    assert result.exit_code == 1
    assert await asyncio.to_thread(output.read_bytes) == b"the earlier deck"
    assert _names(out) == ["deck.pptx"]


# -- a deck for the customer ------------------------------------------------------------------

TINY_REVENUES = {"T-1": "1000", "T-2": "2000", "T-3": "3333", "T-4": "4444", "T-5": "5555"}


@pytest.fixture
async def tiny_sector(engine: AsyncEngine) -> AsyncEngine:
    """The new-user trial's sector: five accounts of two apps, one revenue each, published."""
    seed = Seed()
    seed.industry("tiny", "Tiny Sector")
    seed.definition("revenue", "EUR", aggregation="sum", bounds=("0", "10000"))
    for account, revenue in TINY_REVENUES.items():
        app = "kaveri" if account in ("T-1", "T-2") else "otherapp"
        seed.account(account, app=app, industry="tiny")
        seed.metric("account", account, "revenue", MONTH.isoformat(), revenue)
    await seed.write(engine)
    # Two customers of kaveri bought in the quarter: too few to segment for T-1's key.
    async with engine.begin() as connection:
        await upsert(
            connection,
            SALE_LINE_TABLE,
            [
                _sale("T-1", dt.date(2023, 2, 1), "100", "T1-1"),
                _sale("T-2", dt.date(2023, 2, 2), "900", "T2-1"),
            ],
        )
        await segment_apps(connection)
    await publish_month(engine, month=MONTH, today=dt.date.fromisoformat(TODAY), min_cohort=5)
    return engine


def deck_words(path: Path) -> str:
    """Everything a reader of the deck can see: its texts, tables and charts' numbers."""
    deck = read_deck(path)
    numbers = [
        str(value)
        for slide in deck
        for chart in slide.charts.values()
        for plot in chart.plots
        for series in plot.series
        for value in series.values
    ]
    return "\n".join([*(slide.all_text() for slide in deck), *numbers])


async def test_a_deck_for_the_customer_tells_nothing_of_other_customers(
    tiny_sector: AsyncEngine, database_url: str, out: Path
) -> None:
    """By default the deck reads what T-1's own key sees; only --internal reads the exact
    sector figures, and then every slide says it is internal."""
    others = [revenue for account, revenue in TINY_REVENUES.items() if account != "T-1"]
    exact = [
        *(formatted(revenue, "EUR", "en") for revenue in others),
        *others,
        formatted("3333", "EUR", "en"),  # the exact median: T-3's value
    ]
    output = out / "customer.pptx"
    result = await run_slides(database_url, "--account", "T-1", "-o", str(output))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Wrote {output}: 6 slides for Account T-1 (T-1), 2023-04"
    seen = deck_words(output)
    assert formatted("1000", "EUR", "en") in seen  # its own value
    assert [value for value in exact if value in seen] == []
    assert "Internal" not in seen
    assert "exact (internal access)" not in seen
    assert not re.search(r"\b20\b", read_deck(output)[2].all_text())  # T-1's exact rank
    # Its quarter's segment would rank it against T-2 alone: the deck says so instead.
    quarters = read_deck(output)[3].tables["quarters table"]
    assert quarters[1][0].startswith("2023-Q1")
    assert quarters[1][3:] == ["Too few customers this quarter to compare", ""]
    assert "Below average" not in seen
    assert "Low value" not in seen

    output = out / "internal.pptx"
    result = await run_slides(database_url, "--account", "T-1", "--internal", "-o", str(output))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("2023-04 (internal: do not share)")
    seen = deck_words(output)
    assert formatted("3333", "EUR", "en") in seen
    assert read_deck(output)[3].tables["quarters table"][1][3] != (
        "Too few customers this quarter to compare"
    )
    assert "exact (internal access)" in seen
    assert all(
        slide.texts.get("internal") == "Internal: do not share" for slide in read_deck(output)
    )


async def test_internal_goes_without_url(world: AsyncEngine, database_url: str, out: Path) -> None:
    result = await run_slides(
        database_url, "--account", "R1", "--internal", "--url", "http://127.0.0.1:9",
        "-o", str(out / "d.pptx"),
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: --internal goes without --url")
    assert _names(out) == []


# -- against a server ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def serving(database_url: str) -> Iterator[str]:
    """The app (keys required, an engine of its own) under uvicorn on a free loopback port,
    in a thread; its base URL."""
    settings = load_settings({"DATABASE_URL": database_url, "PROFILING_TODAY": TODAY})
    config = uvicorn.Config(
        create_app(settings=settings),
        host="127.0.0.1",
        port=_free_port(),
        loop="asyncio",
        ws="none",
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                pytest.fail("the server did not start within 30 s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(30)


async def test_a_deck_from_a_server_with_an_account_key(
    world: AsyncEngine, database_url: str, out: Path
) -> None:
    _record, key = await create_key(world, role=Role.ACCOUNT, account_id="R1", name="slides")
    output = out / "deck.pptx"
    with serving(database_url) as url:
        result = await run_slides(
            database_url, "--account", "R1", "--url", url, "--key", key, "-o", str(output)
        )
        async with httpx.AsyncClient(base_url=url, timeout=30) as http:
            answer = await http.post(
                "/graphql",
                json={"query": API_QUERY, "variables": api_variables("R1", "en")},
                headers={"Authorization": f"Bearer {key}"},
            )
        refused = await run_slides(
            database_url, "--account", "R1", "--url", url, "--key", "wrong", "-o", str(output)
        )
        hidden = await run_slides(
            database_url, "--account", "R2", "--url", url + "/graphql", "--key", key,
            "-o", str(out / "other.pptx"),
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = answer.json()
    assert "errors" not in body, body
    deck = read_deck(output)
    check_deck_against_api(deck, body["data"], "en")
    # An account key gets differentially private sector figures, and the deck says so.
    assert {body["data"]["account"][name]["figureKind"] for name in METRIC_NAMES} == {
        "DIFFERENTIALLY_PRIVATE"
    }
    # Its small sectors' private figures are too imprecise to place R1: the deck says so once,
    # on one slide (check_deck_against_api), and its method says the figures are private.
    assert not any(body["data"]["account"][name]["informative"] for name in METRIC_NAMES)
    assert [slide.title for slide in deck].count("Sector position") == 1
    assert "This deck's sector figures are differentially private." in deck[-1].texts["method"]
    assert f"({url}/graphql)" in deck[-1].texts["method"]
    assert not any("internal" in slide.texts for slide in deck)
    # Its quarter not over is counted to today, the day its own key's recency counts to.
    assert deck[3].tables["quarters table"][-1][0] == (
        f"2023-Q2\nso far: to {format_day(dt.date.fromisoformat(TODAY), 'en')}"
    )

    assert refused.exit_code == 1
    assert refused.stderr.strip().startswith(f"error: {url}/graphql refused the key")
    # Another account is, for this key, an account that does not exist.
    assert hidden.exit_code == 1
    assert hidden.stderr.strip() == "error: there is no account 'R2'"
    assert _names(out) == ["deck.pptx"]


async def test_a_deck_read_with_any_key_but_the_customers_own_is_marked_internal(
    world: AsyncEngine, database_url: str, out: Path
) -> None:
    """An app key's deck shows segments of quarters too small for the customer's own key and
    recency counted to other customers' sales; an internal key's, even one whose sector
    figures are all refused (T1's sector has 2 accounts), is read with more than the customer
    is told too. Neither holds an exact sector figure, and each is marked on every slide."""
    _record, app_key = await create_key(world, role=Role.APP, app_id="north")
    _record, internal_key = await create_key(world, role=Role.INTERNAL)
    results = {}
    with serving(database_url) as url:
        for name, account, key in (("app", "R1", app_key), ("internal", "T1", internal_key)):
            output = str(out / f"{name}.pptx")
            results[name] = await run_slides(
                database_url, "--account", account, "--url", url, "--key", key, "-o", output
            )
    for name, result in results.items():
        assert result.exit_code == 0, result.output
        assert result.stdout.strip().endswith("(internal: do not share)"), name
        deck = read_deck(out / f"{name}.pptx")
        assert "exact (internal access)" not in deck_words(out / f"{name}.pptx")
        assert all(slide.texts.get("internal") == "Internal: do not share" for slide in deck)


async def test_a_deck_says_which_sector_figures_a_key_gets_without_a_rank(
    world: AsyncEngine, database_url: str, out: Path
) -> None:
    """For a key that is not internal, a metric published without bounds has no sector
    figures (INTERNAL_ONLY), and a release published before the server kept its bounds, which
    cannot be told any more, has its figures but no rank (RELEASE_BOUNDS_UNKNOWN): the deck
    says each, instead of failing."""
    async with world.begin() as connection:
        await connection.execute(
            update(COHORT_TABLE)
            .where(COHORT_TABLE.c.metric_name == "tickets_resolved")
            .values(
                private_p25=None,
                private_p50=None,
                private_p75=None,
                private_p90=None,
                private_rollup=None,
                release_epsilon=None,
                release_lower_bound=None,
                release_upper_bound=None,
                release_aggregation=None,
            )
        )
        await connection.execute(
            update(COHORT_TABLE)
            .where(COHORT_TABLE.c.metric_name == "revenue")
            .values(release_lower_bound=None, release_upper_bound=None)
        )
    _record, key = await create_key(world, role=Role.ACCOUNT, account_id="R1", name="slides")
    output = out / "deck.pptx"
    with serving(database_url) as url:
        result = await run_slides(
            database_url, "--account", "R1", "--url", url, "--key", key, "-o", str(output)
        )
    assert result.exit_code == 0, result.output
    sector = read_deck(output)[2]
    rows = {row[0]: row for row in sector.tables["comparison table"][1:]}
    assert rows["Revenue"][2] != "—"  # the sector figures are given ...
    assert rows["Revenue"][4] == "—"  # ... but no rank
    assert rows["Tickets resolved"][2:] == ["—", "—", "—"]
    sentences = sector.texts["insights"].splitlines()
    assert (
        "Revenue: no percentile: these sector figures were published before"
        in (sector.texts["insights"])
    ), sentences
    assert (
        "Tickets resolved: its sector figures are for internal use only"
        in (sector.texts["insights"])
    ), sentences
    # Neither has a percentile to chart: no empty chart is drawn.
    assert "percentile chart" not in sector.charts


async def test_an_unreachable_server_is_one_line(
    world: AsyncEngine, database_url: str, out: Path
) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    result = await run_slides(
        database_url, "--account", "R1", "--url", url, "-o", str(out / "d.pptx")
    )
    assert result.exit_code == 1
    assert result.stderr.strip().startswith(f"error: cannot reach {url}/graphql")
    assert _names(out) == []


# -- rendered ---------------------------------------------------------------------------------


def _renderers() -> tuple[str, str]:
    """soffice and pdftoppm; without them the test is skipped, or fails where CI requires it."""
    soffice, pdftoppm = shutil.which("soffice"), shutil.which("pdftoppm")
    if soffice is None or pdftoppm is None:
        reason = (
            "LibreOffice (soffice, Debian package libreoffice-impress) or pdftoppm "
            "(poppler-utils) is not installed: the decks are not rendered"
        )
        if REQUIRE_LIBREOFFICE:
            pytest.fail(f"PROFILING_REQUIRE_LIBREOFFICE=1 but {reason}")
        pytest.skip(reason)
    return soffice, pdftoppm


def _render(deck: Path, name: str, work: Path) -> list[Path]:
    """The deck as PDF (LibreOffice), then one PNG a page (pdftoppm) under ARTIFACTS."""
    soffice, pdftoppm = _renderers()
    profile = work / "libreoffice-profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(work), str(deck)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = work / f"{deck.stem}.pdf"
    assert pdf.stat().st_size > 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", str(pdf), str(ARTIFACTS / name)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return sorted(ARTIFACTS.glob(f"{name}-*.png"))


def _devanagari_fonts() -> list[str]:
    """The families fontconfig has for Hindi; without one the Devanagari deck is not rendered
    (skipped, or failed where CI requires it: .ci/run installs fonts-noto-core)."""
    fc_list = shutil.which("fc-list")
    found = (
        subprocess.run(
            [fc_list, ":lang=hi", "family"], check=True, capture_output=True, text=True
        ).stdout.split()
        if fc_list
        else []
    )
    if not found:
        reason = "no font for Devanagari is installed (Debian: fonts-noto-core)"
        if REQUIRE_LIBREOFFICE:
            pytest.fail(f"PROFILING_REQUIRE_LIBREOFFICE=1 but {reason}")
        pytest.skip(reason)
    return found


def _pdf_fonts(pdf: Path) -> str:
    pdffonts = shutil.which("pdffonts")
    assert pdffonts is not None, "pdffonts comes with pdftoppm (poppler-utils)"
    return subprocess.run(
        [pdffonts, str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_decks_open_in_libreoffice(world: AsyncEngine, database_url: str, out: Path) -> None:
    _renderers()
    for account, name in (("R1", "deck"), ("T1", "notes")):
        output = out / f"{name}.pptx"
        result = await run_slides(database_url, "--account", account, "-o", str(output))
        assert result.exit_code == 0, result.output
        pages = await asyncio.to_thread(_render, output, name, out)
        assert len(pages) == len(Presentation(str(output)).slides) == 6
        # A page with a slide on it is not a blank image.
        assert all(size > 5_000 for size in _sizes(pages))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_hindi_deck_is_drawn_with_a_devanagari_font(
    world: AsyncEngine, database_url: str, out: Path
) -> None:
    """The Devanagari month names are drawn with the family the runs name, not boxes."""
    _renderers()
    _devanagari_fonts()
    output = out / "hindi.pptx"
    result = await run_slides(
        database_url, "--account", "R1", "--locale", "hi_IN", "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    pages = await asyncio.to_thread(_render, output, "hindi", out)
    assert len(pages) == 6
    assert "NotoSansDevanagari" in await asyncio.to_thread(_pdf_fonts, out / "hindi.pdf")
