"""`profiling slides` for a customer known only from accounting exports: a new user loads Tally's
sales register, Day Book and a one-customer ledger (files in `tally/`, shaped as a trial user's
were) and no metric values. The deck then has its title, the RFM story, the credit risk and the
method, without empty headline or sector slides; without --month it is of the latest month the
customer's data covers, and says so; a month none of its data covers is one line naming what it
has. On SQLite and PostgreSQL, and rendered through LibreOffice."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.ingest import IngestKind, ingest_file
from tests.cli.test_slides import ENGLISH, _names, _render, _renderers, read_deck, run_slides
from tests.cli.test_slides_layout import _check_page, _check_tables, _pages
from tests.factories import Seed

TALLY = Path(__file__).with_name("tally")
# The day the trial ran: its last full month (2026-11) is long after every entry of the files.
TODAY = {"PROFILING_TODAY": "2026-12-05"}
GUPTA = "Gupta Traders"  # in the sales register (Apr and Jun 2024) and the Day Book (Apr 2024)
SHARMA = "Sharma Electricals"  # only in its own ledger, Apr to Jun 2024
EMPTY = "Empty Co"  # an account with nothing at all
TITLES = ["", "Purchase story (RFM)", "Credit risk", "How these numbers are made"]


@pytest.fixture
async def exports(engine: AsyncEngine) -> AsyncEngine:
    """The Tally files loaded as the user did (`profiling ingest sales|ledger FILE`), and an
    account with no data."""
    for kind, name in (
        (IngestKind.SALES, "tally_prime_sales_register.csv"),
        (IngestKind.LEDGER, "tally_daybook.csv"),
        (IngestKind.LEDGER, "tally_erp9_ledger_sharma_onecell.csv"),
    ):
        await ingest_file(engine, kind=kind, path=TALLY / name)
    seed = Seed()
    seed.account(EMPTY)
    await seed.write(engine)
    return engine


@pytest.fixture
def out(tmp_path: Path) -> Path:
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


async def test_a_customer_with_sales_and_a_ledger_but_no_metrics_gets_a_deck(
    exports: AsyncEngine, database_url: str, out: Path
) -> None:
    output = out / "g.pptx"
    result = await run_slides(
        database_url, "--account", GUPTA, "--month", "2024-06", "-o", str(output), env=TODAY
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Wrote {output}: 4 slides for {GUPTA} ({GUPTA}), 2024-06"
    assert "note:" not in result.stderr  # the month was asked for, and its data covers it
    title, sales, credit, method = deck = read_deck(output)
    assert [slide.title for slide in deck] == TITLES
    assert title.texts["customer"] == GUPTA
    assert title.texts["month"] == "ROI review · June 2024"
    assert title.texts["details"] == f"Account {GUPTA}"  # no sector: none was ingested
    # Read with its own key: nothing for another customer's eyes, no internal mark.
    assert not any("internal" in slide.texts for slide in deck)

    # 1,23,456.00 on 1 Apr and 67,890.00 on 2 Jun 2024; only three customers bought in the
    # quarter: too few for its own key to be told a segment.
    assert sales.tables["quarters table"][1:] == [
        ["2024-Q2", "2", "191,346", "Too few customers this quarter to compare", ""]
    ]
    assert sales.texts["subtitle"] == (
        "Customer since Apr 1, 2024; last purchase Jun 2, 2024, 916 days before Dec 5, 2026: "
        "not a recent customer"
    )
    _categories, series = sales.series("revenue chart")
    assert series == {"Revenue": [191346.0]}

    # The Day Book: invoiced 1,23,456.00 Dr on 1 Apr, received 1,00,000.00 Cr on 3 Apr.
    # The customer's own key: as of the end of the Day Book's period (30 April), not of its own
    # latest entry (3 April), which kept the 23,456 still owed from ever falling due.
    assert credit.texts["subtitle"] == "As of Apr 30, 2024"
    rows = dict(credit.tables["credit table"][1:])
    assert (rows["Invoiced in the DSO period"], rows["Outstanding"]) == ("123,456", "23,456")
    assert credit.texts["credit segment"] == "Low risk"  # 19% of it 60 days late

    assert method.texts["method"].splitlines() == [
        "Metrics: the account has no metric values for June 2024, so this deck has no headline "
        "metrics and no sector position.",
        "Purchase story and credit risk: computed from the sales and ledger exports ingested "
        "for the account (quarterly RFM segments; payments against invoices).",
        "Source: the customer-profiling GraphQL API (the local database), on Dec 5, 2026.",
    ]
    assert "Cohort rule" not in method.texts["method"]  # no sector figure to speak of


async def test_without_a_month_the_deck_is_of_the_latest_month_its_data_covers(
    exports: AsyncEngine, database_url: str, out: Path
) -> None:
    output = out / "g.pptx"
    result = await run_slides(database_url, "--account", GUPTA, "-o", str(output), env=TODAY)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1] == (
        f"note: account '{GUPTA}' has no metrics, sales or ledger entries for 2026-11 (the last "
        "full month): the deck is of 2024-06, the month of its latest sale"
    )
    assert result.stdout.strip() == f"Wrote {output}: 4 slides for {GUPTA} ({GUPTA}), 2024-06"
    title = read_deck(output)[0]
    assert title.texts["month"] == "ROI review · June 2024"
    assert title.texts["details"].splitlines() == [
        f"Account {GUPTA}",
        "The month of the account's latest sale: it has no data for November 2026.",
    ]

    # A customer known from its ledger alone: the month of its latest entry (10 Jun 2024).
    output = out / "s.pptx"
    result = await run_slides(database_url, "--account", SHARMA, "-o", str(output), env=TODAY)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].endswith(
        "the deck is of 2024-06, the month of its latest ledger entry"
    )
    title, sales, credit, method = deck = read_deck(output)
    assert [slide.title for slide in deck] == TITLES
    assert title.texts["details"].splitlines()[-1] == (
        "The month of the account's latest ledger entry: it has no data for November 2026."
    )
    assert sales.texts["note"].startswith("No sales were ingested for this account")
    # The credit risk of the latest data is the current one: for the customer's own key as of
    # the end of its ledger's period (30 June), not of its latest entry (10 June).
    assert credit.texts["subtitle"] == "As of Jun 30, 2024"
    # Opening 25,000 + invoices 1,18,000 + 10,620 + 45,250, less receipts 50,000 and 25,000:
    # the ledger's own closing balance.
    assert dict(credit.tables["credit table"][1:])["Outstanding"] == "123,870"
    assert method.texts["method"].startswith("Metrics: the account has no metric values for")


@pytest.mark.parametrize(
    ("locale", "titles", "because"),
    [
        (
            "fr",
            [
                "",
                "Historique d'achats (RFM)",
                "Risque de crédit",
                "Comment ces chiffres sont établis",
            ],
            "Le mois de la dernière vente du compte\xa0: il n'a aucune donnée pour novembre 2026.",
        ),
        (
            "de",
            ["", "Kaufhistorie (RFM)", "Kreditrisiko", "Wie diese Zahlen entstehen"],
            "Der Monat des letzten Verkaufs des Kontos: Für November 2026 liegen keine Daten vor.",
        ),
    ],
)
async def test_the_deck_of_exports_speaks_the_locales_language(
    exports: AsyncEngine,
    database_url: str,
    out: Path,
    locale: str,
    titles: list[str],
    because: str,
) -> None:
    output = out / "g.pptx"
    result = await run_slides(
        database_url, "--account", GUPTA, "--locale", locale, "-o", str(output), env=TODAY
    )
    assert result.exit_code == 0, result.output
    deck = read_deck(output)
    assert [slide.title for slide in deck] == titles
    assert deck[0].texts["details"].splitlines()[-1] == because
    everything = "\n".join(slide.all_text() for slide in deck).replace(GUPTA, "")
    assert ENGLISH.findall(everything) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--account", GUPTA, "--month", "2025-06"],
            f"error: account '{GUPTA}' has no metrics, sales or ledger entries for 2025-06; its "
            "latest data is of 2024-06, the month of its latest sale",
        ),
        (
            # Before its first sale and its first ledger entry.
            ["--account", SHARMA, "--month", "2024-03"],
            f"error: account '{SHARMA}' has no metrics, sales or ledger entries for 2024-03; its "
            "latest data is of 2024-06, the month of its latest ledger entry",
        ),
        *(
            (
                ["--account", EMPTY, *month],
                f"error: account '{EMPTY}' has no metrics, sales or ledger entries: load an "
                "export of them first (profiling ingest metrics|sales|ledger FILE)",
            )
            for month in ([], ["--month", "2024-06"])
        ),
    ],
)
async def test_a_month_without_any_data_of_the_account_is_one_line(
    exports: AsyncEngine, database_url: str, out: Path, arguments: list[str], message: str
) -> None:
    output = out / "deck.pptx"
    result = await run_slides(database_url, *arguments, "-o", str(output), env=TODAY)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == message, result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [message]
    assert _names(out) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_the_deck_of_exports_opens_in_libreoffice_and_fits_its_slides(
    exports: AsyncEngine, database_url: str, out: Path
) -> None:
    _renderers()
    for locale in ("en", "fr"):
        output = out / f"exports-{locale}.pptx"
        result = await run_slides(
            database_url, "--account", GUPTA, "--locale", locale, "-o", str(output), env=TODAY
        )
        assert result.exit_code == 0, result.output
        pages = await asyncio.to_thread(_render, output, output.stem, out)
        assert len(pages) == 4
        assert all(page.stat().st_size > 5_000 for page in pages)
        lines, width, height = _pages(out / f"{output.stem}.pdf")
        for number, page in enumerate(lines, start=1):
            _check_page(page, width, height, f"{output.stem} slide {number}")
        _check_tables(output, lines)


@pytest.fixture
async def ledgers(engine: AsyncEngine) -> AsyncEngine:
    """Ledgers only: Gupta Traders' entries end on 3 Apr 2024, its app's (Sharma
    Electricals') on 10 Jun 2024."""
    for name in ("tally_daybook.csv", "tally_erp9_ledger_sharma_onecell.csv"):
        await ingest_file(engine, kind=IngestKind.LEDGER, path=TALLY / name)
    return engine


async def test_an_internal_deck_counts_the_accounts_own_ledger_not_its_apps(
    ledgers: AsyncEngine, database_url: str, out: Path
) -> None:
    """Read as an internal (or app) key, the credit risk is measured on the app's latest
    ledger date: that date does not make a month after the account's last entry covered."""
    output = out / "g.pptx"
    result = await run_slides(
        database_url, "--internal", "--account", GUPTA, "--month", "2024-05", "-o", str(output)
    )
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[-1] == (
        f"error: account '{GUPTA}' has no metrics, sales or ledger entries for 2024-05; its "
        "latest data is of 2024-04, the month of its latest ledger entry"
    )
    assert _names(out) == []

    result = await run_slides(
        database_url, "--internal", "--account", GUPTA, "-o", str(output), env=TODAY
    )
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-1].endswith(
        "the deck is of 2024-04, the month of its latest ledger entry"
    )
    # The month its ledger covers: the deck is made, with its credit risk.
    result = await run_slides(
        database_url, "--internal", "--account", GUPTA, "--month", "2024-04", "-o", str(output)
    )
    assert result.exit_code == 0, result.output
    assert "note:" not in result.stderr
    credit = read_deck(output)[2]
    assert credit.texts["subtitle"] == "As of Apr 30, 2024"


async def test_an_internal_deck_marks_no_quarter_so_far_that_the_registers_title_covers(
    engine: AsyncEngine, database_url: str, out: Path, tmp_path: Path
) -> None:
    """The sales register's title states 1-Apr-2024 to 31-Mar-2025; cut after its June sales,
    its app's latest sale is 2 June 2024. 2024-Q2 is whole in the data all the same, so an
    internal deck (which counts recency to the app's latest sale) does not mark it "so far",
    as the dashboard does not."""
    register = (TALLY / "tally_prime_sales_register.csv").read_text(encoding="utf-8")
    lines = register.splitlines(keepends=True)
    # Its title, header and totals, and the sales dated up to June.
    later = ("-Jul-", "-Aug-", "-Sep-", "-Oct-")
    june = [line for line in lines if not any(month in line[:12] for month in later)]
    path = tmp_path / "register.csv"
    path.write_text("".join(june), encoding="utf-8")
    await ingest_file(engine, kind=IngestKind.SALES, path=path)
    output = out / "g.pptx"
    result = await run_slides(
        database_url, "--internal", "--account", GUPTA, "--month", "2024-06", "-o", str(output),
        env=TODAY,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    sales = read_deck(output)[1]
    assert [row[0] for row in sales.tables["quarters table"][1:]] == ["2024-Q2"]
    assert "so far" not in sales.texts.get("footnote", "")
