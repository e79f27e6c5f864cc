"""The `profiling` command: thin commands over the store's jobs and the app.

It starts fast: this module imports only Typer and the standard library, and each command
imports what it uses (SQLAlchemy, Alembic, uvicorn, the schema, the settings with NumPy) when
it runs. `bench/startup.py` measures `profiling --help`."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, ClassVar, TypeVar

import typer

from analytics.counts import counted
from cli.books_command import books
from cli.common import (
    check_can_listen,
    check_standby_urls,
    err,
    fail,
    run_on_database,
    say,
    settings_or_exit,
)
from cli.keys_command import keys
from cli.lazy import LazyCommand, LazyGroup
from cli.slides_command import slides
from cli.usage import OneLineUsageGroup

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from settings import Settings
    from store.jobs.publish import PublishResult
    from store.jobs.segment import AppSegmentation

T = TypeVar("T")


class LogFormat(StrEnum):
    JSON = "json"
    TEXT = "text"


class ProfilingCommands(OneLineUsageGroup, LazyGroup):
    # cli/ingest_command.py imports store.ingest (SQLAlchemy, openpyxl) at its top.
    lazy: ClassVar[dict[str, LazyCommand]] = {
        "ingest": LazyCommand("cli.ingest_command", "ingest", "Load one file, all or nothing."),
    }


app = typer.Typer(
    cls=ProfilingCommands,
    help="Customer-profiling metrics over GraphQL.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: boolean options show as flags (`--demo`), where Typer's Rich panels print
    # `--demo <bool>`; and `--help` need not import Rich.
    rich_markup_mode=None,
)
app.add_typer(keys, name="keys")
app.add_typer(books, name="books")
app.command(
    "slides", help="Build a customer's ROI deck (PowerPoint, native charts) from the GraphQL API."
)(slides)


async def fill_demo(
    engine: AsyncEngine,
    settings: Settings,
    *,
    only_if_empty: bool,
    scale: float = 1.0,
    check: bool = False,
) -> bool:
    """Load the demo (unless `only_if_empty` and the database holds data), then publish its
    complete months if the database holds the demo. True when the demo was loaded (not
    there before). A rerun over the demo as the last run left it (demo/stamp.py) adds nothing
    without reading it back, unless `check`."""
    from dataclasses import asdict

    from cli.progress import RichProgress, progress_bar
    from demo.publishing import holds_demo, publish_demo_months
    from demo.stamp import demo_fingerprint, record_stamp, stamped_summary
    from store.jobs.publish import PublishRefused
    from store.jobs.segment_settings import KeptOptionsConflict

    loaded = written = False
    if not only_if_empty or await _database_is_empty(engine):
        # A second run checks the demo's rows and writes those missing or changed (a later
        # PROFILING_TODAY adds its new months): it says what it added rather than that it
        # loaded the demo.
        already = await holds_demo(engine)
        fingerprint = demo_fingerprint(today=settings.today(), scale=scale)
        stamped = await stamped_summary(engine, fingerprint) if already and not check else None
        # As the last run left it, planned from the same files, scale and months: nothing of
        # the demo is generated or read back (nor imported).
        summary = stamped
        if summary is None:
            from demo.dataset import demo_rows_held, plan_demo, write_demo

            before = await demo_rows_held(engine) if already else 0
            plan = plan_demo(today=settings.today(), scale=scale)
            label = "Checking demo data" if already else "Loading demo data"
            unwatched(f"{label}: {plan.total_rows:,} rows (a minute or two)")
            with progress_bar(err()) as progress:
                task = progress.add_task(label, total=plan.total_rows)
                try:
                    written_summary = await write_demo(
                        engine, plan=plan, progress=lambda rows: progress.advance(task, rows)
                    )
                except KeptOptionsConflict as exc:  # the demo's apps' kept segment options
                    raise fail(str(exc)) from None
            summary = asdict(written_summary)
            await record_stamp(engine, fingerprint, summary)
        contents = (
            f"{counted(summary['apps'], 'app', 'apps')}, "
            f"{counted(summary['industries'], 'industry', 'industries')}, "
            f"{counted(summary['accounts'], 'account', 'accounts')}, "
            f"{counted(summary['companies'], 'company', 'companies')}, "
            f"{counted(summary['contracts'], 'contract', 'contracts')}, "
            f"{counted(summary['metric_values'], 'metric value', 'metric values')}"
        )
        if stamped is not None:
            say(f"Demo data was loaded already ({contents}): nothing added")
        elif already:
            from demo.dataset import demo_rows_held

            added = await demo_rows_held(engine) - before
            what = "nothing added" if added <= 0 else f"{counted(added, 'row', 'rows')} added"
            say(f"Demo data was loaded already ({contents}): {what}")
        else:
            say(f"Demo data loaded: {contents}")
        loaded, written = not already, True
    elif not await holds_demo(engine):
        say(
            "The database holds data already: the demo is not loaded into it "
            "(`profiling demo` adds it)"
        )
    # A database that holds someone's own data is never published behind their back.
    if written or await holds_demo(engine):
        unwatched("Publishing the demo's complete months")
        try:
            with progress_bar(err()) as bar:
                publication = await publish_demo_months(
                    engine,
                    today=settings.today(),
                    min_cohort=settings.min_cohort,
                    privacy_epsilon=settings.privacy_epsilon,
                    month_cap=settings.privacy_month_cap,
                    progress=RichProgress(bar),
                )
        except PublishRefused as exc:
            raise fail(str(exc)) from None
        say(publication.summary())
    return loaded


async def _database_is_empty(engine: AsyncEngine) -> bool:
    from demo.dataset import database_is_empty

    return await database_is_empty(engine)


def unwatched(message: str) -> None:
    """A line saying what long work starts, where no progress bar shows it (output redirected,
    as under `make serve` in a log): otherwise minutes pass without a word."""
    if not err().is_terminal:
        say(f"{message}...")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Short helps fit the list of `profiling --help` in 80 columns (longer ones are cut there).
@app.command(short_help="Serve GraphQL at /graphql, with GraphiQL in a browser.")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Fill an empty database with the demo data first, and publish its complete "
            "months.",
        ),
    ] = False,
    no_auth: Annotated[
        bool,
        typer.Option(
            "--no-auth",
            help="Treat requests without a key as internal; a key that is sent is still "
            "checked (loopback hosts only).",
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Server processes; one per core scales with the cores.")
    ] = 1,
    log_format: Annotated[
        LogFormat,
        typer.Option(help="Logs as JSON lines (with request ids) or as text for people."),
    ] = LogFormat.JSON,
    keep_alive: Annotated[
        int,
        typer.Option(
            min=1,
            help=(
                "Seconds an idle connection stays open. Behind a proxy or load balancer, set it "
                "above the proxy's idle timeout: otherwise a request can leave on a connection "
                "the server is closing (a 502)."
            ),
        ),
    ] = 5,
) -> None:
    """Serve GraphQL at /graphql (GraphiQL in a browser), the dashboard at /dashboard, GET
    /healthz (200 once the database answers) and GET /metrics (Prometheus, internal keys)."""
    if no_auth and not is_loopback(host):
        raise fail(f"--no-auth is refused on {host}: it is allowed on loopback addresses only")
    check_can_listen(host, port)
    # Every setting is checked here, so that a bad one is one line before any worker starts.
    settings = settings_or_exit()
    check_standby_urls(settings)
    from settings.origins import keyless_refusal

    if no_auth and (refusal := keyless_refusal(settings.cors_origins)):
        raise fail(refusal)

    async def prepare(engine: AsyncEngine) -> None:
        if demo:
            await fill_demo(engine, settings, only_if_empty=True)

    run_on_database(settings, prepare)
    import uvicorn

    from server.logs import access_log_enabled, log_config
    from server.served_app import FACTORY, event_loop, http_parser
    from settings import SERVE_NO_AUTH_VARIABLE

    say(f"Serving GraphQL on http://{host}:{port}/graphql")
    if settings.standbys.urls:
        say(
            f"Reads on {counted(len(settings.standbys.urls), 'standby', 'standbys')} of "
            f"DATABASE_READ_URL while they "
            f"keep within {settings.standbys.max_lag:g} s of the primary"
        )
    # Each worker imports the factory and builds its own app and engine.
    os.environ[SERVE_NO_AUTH_VARIABLE] = "1" if no_auth else "0"
    uvicorn.run(
        FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop=event_loop(),
        http=http_parser(),
        log_config=log_config(log_format.value, access_log_sample=settings.access_log_sample),
        log_level="info",
        access_log=access_log_enabled(settings.access_log_sample),
        timeout_keep_alive=keep_alive,
        # The app reads the proxy headers itself, where anything reads what they set
        # (server/forwarded.py); "server: uvicorn" tells a client nothing it needs.
        proxy_headers=False,
        server_header=False,
    )


@app.command(short_help="Load the demo data set and publish its complete months.")
def demo(
    scale: Annotated[
        float, typer.Option(help="Shrink (or grow) the number of customers, e.g. 0.1.")
    ] = 1.0,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Read every demo row back and restore those edited since, even when the "
            "demo is as the last run left it.",
        ),
    ] = False,
) -> None:
    """Fill the database with the demo data set (deterministic) and publish its complete
    months."""
    from demo.dataset import check_scale

    settings = settings_or_exit()
    try:
        check_scale(scale)
    except ValueError as exc:  # a scale out of range: the message says which
        raise fail(str(exc)) from None

    async def job(engine: AsyncEngine) -> bool:
        return await fill_demo(engine, settings, only_if_empty=False, scale=scale, check=check)

    run_on_database(settings, job)


@app.command(short_help="Recompute RFM segments and credit risk.")
def segment(
    app_id: Annotated[
        str | None, typer.Option("--app", help="Only this app (default: every app).")
    ] = None,
    clusters: Annotated[
        int | None,
        typer.Option(help="K-means clusters per quarter (PROFILING_SEGMENT_CLUSTERS, 9)."),
    ] = None,
    recent_quarters: Annotated[
        int | None,
        typer.Option(
            help="isRecent: bought within this many quarters of the app's latest sale "
            "(PROFILING_RECENT_QUARTERS, 1)."
        ),
    ] = None,
    payment_terms_days: Annotated[
        int | None,
        typer.Option(
            help="Days to pay an invoice without a due date (PROFILING_PAYMENT_TERMS_DAYS, 30)."
        ),
    ] = None,
    low_risk_score: Annotated[
        int | None,
        typer.Option(
            help="Credit scores from here up are LOW_RISK (PROFILING_LOW_RISK_SCORE, 70)."
        ),
    ] = None,
    high_risk_score: Annotated[
        int | None,
        typer.Option(
            help="Credit scores below this are HIGH_RISK (PROFILING_HIGH_RISK_SCORE, 40)."
        ),
    ] = None,
    reset: Annotated[
        bool,
        typer.Option(
            "--reset",
            help="Forget the options kept for the apps (back to the environment's settings "
            "and the defaults) before applying any given here.",
        ),
    ] = False,
) -> None:
    """Recompute RFM segments and credit risk from the ingested sales and ledger data.

    The options given are kept for the apps: every later recomputation of them (a load of
    their sales or ledger data, this command without options) uses them, until --reset."""
    from cli.progress import RichProgress, progress_bar
    from store import write_locks
    from store.jobs.segment import all_apps, segment_apps
    from store.jobs.segment_settings import (
        KeptOptions,
        KeptOptionsConflict,
        forget_options,
        keep_options,
    )

    settings = settings_or_exit()
    given = KeptOptions(
        max_clusters=clusters,
        recent_quarters=recent_quarters,
        payment_terms_days=payment_terms_days,
        low_risk_from=low_risk_score,
        high_risk_below=high_risk_score,
    )
    try:
        # An option beats its environment variable, which beats the default: a value out of
        # range is refused before anything is kept.
        given.apply(settings.segment)
    except ValueError as exc:  # the message says which
        raise fail(str(exc)) from None

    async def job(engine: AsyncEngine) -> list[AppSegmentation]:
        async with engine.begin() as connection:
            # The apps and the kept options are read, then written: on SQLite, under the write
            # lock (PostgreSQL: the run takes the loads' lock once it starts).
            await write_locks.hold_sqlite_writes(connection)
            known = await all_apps(connection)
            if app_id is not None and app_id not in known:
                raise fail(f"there is no app {app_id!r}")
            apps = known if app_id is None else [app_id]
            if reset:
                await forget_options(connection, apps=apps)
            await keep_options(connection, apps=apps, options=given)
            try:
                with progress_bar(err()) as bar:
                    return await segment_apps(
                        connection, apps=apps, options=settings.segment, progress=RichProgress(bar)
                    )
            except KeptOptionsConflict as exc:  # nothing is kept: the transaction rolls back
                raise fail(str(exc)) from None

    # Without data there is nothing to recompute, nor any app to keep options for.
    results = run_on_database(settings, job, create=False)
    if reset:
        say(
            "Options forgotten: "
            + (f"app {app_id}" if app_id is not None else "every app")
            + " takes the environment's settings and the defaults"
            + (", except the options given now" if given else "")
        )
    for result in results:
        print(result.summary())


@app.command(short_help="Compute and freeze a month's benchmarks and pulse report.")
def publish(
    month: Annotated[str, typer.Option(help="The month to publish, as YYYY-MM.")],
    revise: Annotated[
        bool,
        typer.Option(
            "--revise",
            help="Recompute a published month (refused if a cohort changes by 1 to 4 accounts).",
        ),
    ] = False,
    declare_past_epsilon: Annotated[
        float | None,
        typer.Option(
            "--declare-past-epsilon",
            metavar="E",
            help="The epsilon the month's revisions published before the privacy accountant "
            "were drawn at (stored nowhere; such a month takes no new draw until it is "
            "declared; at least PROFILING_PRIVACY_EPSILON). Alone it records it; with "
            "--revise it records it and revises.",
        ),
    ] = None,
) -> None:
    """Compute a month's roll-ups, sector benchmarks and pulse report, and freeze them."""
    from analytics.privacy_loss import check_declared_value, revisions_named, shown
    from cli.progress import RichProgress, progress_bar
    from store.jobs.publish import (
        DeclaredPastEpsilon,
        PublishRefused,
        check_month_is_over,
        publish_month,
    )
    from store.jobs.publish import (
        declare_past_epsilon as declare,
    )

    settings = settings_or_exit()
    try:
        chosen = dt.datetime.strptime(month, "%Y-%m").date()
    except ValueError:
        raise fail(f"--month must be a month as YYYY-MM, got {month!r}") from None
    try:
        # Before the database is opened: a refused month leaves no new database file behind.
        check_month_is_over(chosen, today=settings.today())
        if declare_past_epsilon is not None:
            check_declared_value(declare_past_epsilon)
    except (PublishRefused, ValueError) as exc:
        raise fail(str(exc)) from None

    if declare_past_epsilon is not None and not revise:

        async def declaring(engine: AsyncEngine) -> DeclaredPastEpsilon:
            return await declare(
                engine,
                month=chosen,
                epsilon=declare_past_epsilon,
                privacy_epsilon=settings.privacy_epsilon,
                month_cap=settings.privacy_month_cap,
            )

        try:
            declared = run_on_database(settings, declaring, create=False)
        except PublishRefused as exc:
            raise fail(str(exc)) from None
        print(
            f"Declared epsilon {declared.epsilon:g} for {declared.month:%Y-%m}'s "
            f"{revisions_named(declared.revisions)}, published before the privacy accountant. "
            f"Privacy loss of {declared.month:%Y-%m} so far: at most epsilon "
            f"{shown(declared.privacy_loss, up=True)} for any account "
            f"(cap {shown(declared.month_cap, up=False)})."
        )
        return

    async def job(engine: AsyncEngine) -> PublishResult:
        with progress_bar(err()) as bar:
            return await publish_month(
                engine,
                month=chosen,
                today=settings.today(),
                min_cohort=settings.min_cohort,
                revise=revise,
                privacy_epsilon=settings.privacy_epsilon,
                month_cap=settings.privacy_month_cap,
                past_epsilon=declare_past_epsilon,
                progress=RichProgress(bar),
            )

    try:
        # A month with nothing to publish writes nothing: a new database is not created for it.
        result = run_on_database(settings, job, create=False)
    except PublishRefused as exc:
        raise fail(str(exc)) from None
    action = "Published" if result.revision == 1 else f"Revised (revision {result.revision})"
    print(
        f"{action} {result.month:%Y-%m}: {counted(result.values, 'value', 'values')} in "
        f"{counted(result.cohorts, 'cohort', 'cohorts')}, {result.publishable:,} publishable "
        f"across {counted(result.sectors, 'sector', 'sectors')}"
    )
    if result.precision is not None:
        from rich.console import Console

        # How precise the private figures came out: a user must hear that before reading them.
        out = Console(soft_wrap=True, highlight=False)
        for line in result.precision.sentences(settings.privacy_epsilon):
            out.print(line, style="yellow" if result.precision.informative == 0 else None)
    # What the month has cost its most exposed account over every revision (README "Budget").
    print(
        f"Privacy loss of {result.month:%Y-%m} so far: at most epsilon "
        f"{shown(result.privacy_loss, up=True)} for any account "
        f"(cap {shown(result.month_cap, up=False)})."
    )
    if result.internal_only:
        # Otherwise the user learns it from a refusal on the first query of an app's key.
        err().print(
            f"No private release of {', '.join(result.internal_only)}: no lower_bound and "
            "upper_bound declared, so only internal keys get their figures across accounts "
            "(declare them in the definitions file, ingest it, then publish with --revise)",
            style="yellow",
        )


@app.command("export-schema")
def export_schema() -> None:
    """Print the GraphQL schema (SDL)."""
    from schema.build import export_sdl

    sys.stdout.write(export_sdl())


if __name__ == "__main__":
    app()
