"""`profiling slides --account ID [--month YYYY-MM] [--locale L] [--url URL --key KEY]
[--internal] -o FILE`: a customer's ROI deck (PowerPoint, native charts) from the GraphQL API, in
process or from a server. The deck is written whole or not at all.

In process the deck reads what the account's own key would see (its sector's private figures),
since it is meant to be handed to that customer; `--internal` reads as an internal key (exact
sector figures, which derive from other customers' values) and marks every slide as internal,
as a deck read with `--url` and any key but the account's own is (the API's `viewer` says whose
key it is)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from analytics.counts import counted

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.ext.asyncio import AsyncEngine

    from cli.slides.client import GraphQLClient
    from cli.slides.model import DeckData


def _month(month: str | None, today: dt.date) -> dt.date:
    import datetime as dt

    from analytics.months import last_full_month
    from cli.common import fail

    if month is None:
        return last_full_month(today)
    try:
        return dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise fail(f"--month must be a month as YYYY-MM, got {month!r}") from None


def slides(
    account: Annotated[str, typer.Option(help="The account (account_id) the deck is about.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The deck to write (.pptx).", dir_okay=False)
    ],
    month: Annotated[
        str | None,
        typer.Option(
            help="The month, as YYYY-MM (default: the last full month, or when the account has "
            "no metrics, sales or ledger entries in it, the latest month of its data)."
        ),
    ] = None,
    locale: Annotated[
        str,
        typer.Option(
            help="Locale of the deck: its words (English, French, German) and its numbers "
            "and dates (any locale: en, fr, de_CH, hi_IN...)."
        ),
    ] = "en",
    url: Annotated[
        str | None,
        typer.Option(help="Ask the API of this server (e.g. http://host:8000) instead."),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option(
            help="The API key for --url (Authorization: Bearer KEY). With any key but the "
            "account's own, every slide says 'Internal: do not share'."
        ),
    ] = None,
    internal: Annotated[
        bool,
        typer.Option(
            "--internal",
            help="Read the local database as an internal key: exact sector medians, p90s and "
            "ranks, derived from other customers' values. Every slide is then marked "
            "'Internal: do not share'. Without it the deck shows what the account's own key "
            "sees (private sector figures), fit to hand to the customer.",
        ),
    ] = False,
) -> None:
    """Build a customer's ROI deck (PowerPoint, native charts) from the GraphQL API."""
    # Imported here: `profiling --help` imports this module, and python-pptx, httpx and the
    # app come in only when a deck is built.
    import asyncio
    import dataclasses

    from analytics.formatting import UnknownLocale, validate_locale
    from cli.common import fail, run_on_database, settings_or_exit
    from cli.slides.build import build_presentation, write_deck
    from cli.slides.client import DeckError, in_process_client, remote_client
    from cli.slides.queries import fetch_deck, latest_words
    from cli.slides.words import shipped_languages, speaks_english, words_for
    from settings import SettingsError

    settings = settings_or_exit()
    today = settings.today()
    chosen = _month(month, today)
    try:
        validate_locale(locale)
    except UnknownLocale as exc:
        raise fail(str(exc)) from None
    if words_for(locale).language is None and not speaks_english(locale):
        # Not an error: the deck is whole and right, in English words.
        typer.echo(
            f"note: the deck's words are in English: there is no translation for {locale} "
            f"(shipped: {', '.join(shipped_languages())}); its numbers and dates follow {locale}",
            err=True,
        )
    if internal and url is not None:
        raise fail(
            "--internal goes without --url (with --url the deck sees what --key sees: "
            "an internal key gives an internal deck)"
        )
    if key is not None and url is None:
        raise fail("--key goes with --url (without --url the deck reads the local database)")
    if not output.parent.is_dir():
        raise fail(f"cannot write {output}: there is no directory {output.parent}")

    async def fetch(client: GraphQLClient) -> DeckData:
        return await fetch_deck(
            client,
            account_id=account,
            month=chosen,
            locale=locale,
            built_on=today,
            latest_if_none=month is None,
        )

    async def remote(address: str) -> DeckData:
        async with remote_client(url=address, key=key) as client:
            return await fetch(client)

    async def local(engine: AsyncEngine) -> DeckData:
        async with in_process_client(
            settings=settings, engine=engine, account_id=None if internal else account
        ) as client:
            return await fetch(client)

    try:
        deck = (
            asyncio.run(remote(url))
            if url is not None
            else run_on_database(settings, local, create=False)
        )
    except (DeckError, SettingsError) as exc:
        # A setting the app refuses is one line, as every setting is (the in-process app
        # takes the server's settings).
        raise fail(str(exc)) from None
    if deck.month_chosen is not None:
        typer.echo(
            f"note: account {account!r} has no metrics, sales or ledger entries for "
            f"{chosen:%Y-%m} (the last full month): the deck is of "
            f"{latest_words(deck.month, deck.month_chosen.source)}",
            err=True,
        )
    if internal:
        deck = dataclasses.replace(deck, internal=True)
    presentation = build_presentation(deck)
    try:
        write_deck(presentation, output)
    except OSError as exc:
        raise fail(f"cannot write {output}: {exc.strerror or exc}") from None
    marked = " (internal: do not share)" if deck.not_for_the_customer else ""
    typer.echo(
        f"Wrote {output}: {counted(len(presentation.slides), 'slide', 'slides')} for {deck.name} "
        f"({deck.account_id}), {deck.month:%Y-%m}{marked}"
    )
