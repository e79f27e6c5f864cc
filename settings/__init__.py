"""Every setting of every command and of the server, read from the environment once.

`load_settings()` parses and checks every variable in one pass and raises one error type,
`SettingsError`, whose message names the variable and what it accepts. The result is passed
down: nothing below this module reads the environment.

| variable | default | meaning |
| --- | --- | --- |
| DATABASE_URL | sqlite+aiosqlite:///profiling.db | the database (writes, jobs and reads) |
| DATABASE_READ_URL | unset | PostgreSQL standbys for the API's reads, comma separated |
| PROFILING_STANDBY_MAX_LAG | 5 | seconds a standby may be behind the primary and still serve |
| PROFILING_STANDBY_CHECK_INTERVAL | 1 | seconds between two measurements of the standbys |
| PROFILING_TODAY | the real date | pins "today" (YYYY-MM-DD) |
| PROFILING_MIN_COHORT | 5 | raises the cohort minimum (never below 5) |
| PROFILING_REPORT_NAME | Customer Profiling Pulse | the pulse report's name |
| PROFILING_GRAPHIQL, PROFILING_INTROSPECTION | true | GraphiQL in browsers; introspection |
| PROFILING_REQUEST_TIMEOUT | 10 | seconds a request may run |
| PROFILING_MAX_DEPTH, _ALIASES, _TOKENS, _COST | 10, 15, 2000, 3000000 | query limits |
| PROFILING_RATE_LIMIT_RATE | 100000 | cost a key regains per second; 0 turns limits off |
| PROFILING_RATE_LIMIT_BURST | PROFILING_MAX_COST | cost a full bucket holds |
| REDIS_URL | unset | rate-limit buckets shared in Redis |
| PROFILING_CORS_ORIGINS | unset | web origins on other hosts allowed to call the API (CORS) |
| PROFILING_SEGMENT_CLUSTERS | 9 | K-means clusters per quarter (at most) |
| PROFILING_RECENT_QUARTERS | 1 | the isRecent window |
| PROFILING_PAYMENT_TERMS_DAYS | 30 | due date of an invoice without one |
| PROFILING_LOW_RISK_SCORE, PROFILING_HIGH_RISK_SCORE | 70, 40 | credit segment thresholds |
| PROFILING_PRIVACY_EPSILON | 1.0 | privacy budget of one published month, per industry |
| PROFILING_PRIVACY_MONTH_CAP | 2 x epsilon (month's first if lower) | per account, all revisions |
| PROFILING_MAX_BODY_BYTES | 262144 | a larger request body is refused (413) before it is read |
| PROFILING_LEAN_EXECUTION | true | the column-at-a-time executor (schema/execution/lean.py) |
| PROFILING_PREPARED_QUERIES | true | queries that validated once skip Strawberry's pipeline |
| PROFILING_FAST_POSTS | true | a plain JSON POST /graphql skips Strawberry's HTTP view |
| PROFILING_DRIVER_READS | true | reads of requests on asyncpg / sqlite3, not SQLAlchemy |
| PROFILING_DATABASE_POOL_SIZE | 4 | PostgreSQL connections a server keeps for reads, never more |
| PROFILING_ACCESS_LOG_SAMPLE | 1 | share of requests in the access log (0 none; errors always) |
| PROFILING_SERVE_NO_AUTH | false | set by `profiling serve --no-auth` for its workers |

The execution switches and PROFILING_FAST_POSTS exist so that an upgrade of Strawberry or
graphql-core can be tried with the fast paths off (docs/upgrading-strawberry.md), and
PROFILING_DRIVER_READS so that one of asyncpg, sqlite3 or SQLAlchemy can: answers are the same
either way."""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from analytics.cluster_count import DEFAULT_CLUSTERS, check_clusters
from analytics.cohort import MIN_COHORT
from analytics.credit import CreditPolicy
from analytics.privacy_loss import check_month_cap, default_month_cap
from analytics.rfm import DEFAULT_RECENT_QUARTERS
from settings.origins import keyless_refusal, parse_origins

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///profiling.db"
# PostgreSQL connections a server process keeps: a request starts at most two reads at once,
# and a few requests in flight keep two cores busy (docs/performance.md has the figures).
DEFAULT_POOL_SIZE = 4
DEFAULT_REPORT_NAME = "Customer Profiling Pulse"
DEFAULT_RATE = 100_000.0
DEFAULT_PRIVACY_EPSILON = 1.0
# A query of the largest allowed size (2,000 tokens) with long names and variables stays far
# below this; a body past it is refused before it is read.
DEFAULT_MAX_BODY_BYTES = 256 * 1024
MAX_RECENT_QUARTERS = 40
DEFAULT_STANDBY_MAX_LAG = 5.0
DEFAULT_STANDBY_CHECK_INTERVAL = 1.0
_POSTGRES_URL = "postgresql+asyncpg://"
# `profiling serve --no-auth` tells its worker processes through their environment.
SERVE_NO_AUTH_VARIABLE = "PROFILING_SERVE_NO_AUTH"


class SettingsError(ValueError):
    """A setting from the environment is malformed; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class QueryLimits:
    """Checked before a query runs (schema/limits.py)."""

    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2_000
    # Allows 100 accounts with their companies, contracts and all their metrics (about 0.8
    # million), or 50 industries x 100 accounts x every metric and month (about 1.5 million).
    max_cost: int = 3_000_000


@dataclass(frozen=True, slots=True)
class RateLimits:
    """A bucket of query cost per API key (server/rate_limits.py)."""

    rate: float = DEFAULT_RATE
    burst: int = QueryLimits().max_cost
    redis_url: str | None = None
    redis_prefix: str = "profiling:rate:"

    @property
    def enabled(self) -> bool:
        return self.rate > 0


@dataclass(frozen=True, slots=True)
class Standbys:
    """PostgreSQL standbys that serve the API's reads (store/running/routing.py); writes, jobs,
    migrations and the CLI use DATABASE_URL, the primary."""

    urls: tuple[str, ...] = ()
    max_lag: float = DEFAULT_STANDBY_MAX_LAG
    check_interval: float = DEFAULT_STANDBY_CHECK_INTERVAL


@dataclass(frozen=True, slots=True)
class SegmentOptions:
    """The configurable parts of segmentation and credit scoring. The ingest of sales or
    ledger data and `profiling segment` both use them, so a recomputation triggered by a load
    gives what `profiling segment` gives."""

    max_clusters: int = DEFAULT_CLUSTERS
    recent_quarters: int = DEFAULT_RECENT_QUARTERS
    credit: CreditPolicy = field(default_factory=CreditPolicy)

    def __post_init__(self) -> None:
        check_clusters(self.max_clusters)
        if not 1 <= self.recent_quarters <= MAX_RECENT_QUARTERS:
            raise ValueError(
                f"the recency window must be 1 to {MAX_RECENT_QUARTERS} quarters, "
                f"got {self.recent_quarters}"
            )


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    standbys: Standbys = field(default_factory=Standbys)
    today_override: dt.date | None = None
    min_cohort: int = MIN_COHORT
    report_name: str = DEFAULT_REPORT_NAME
    # Production switches: GraphiQL and introspection help people explore, not attackers.
    graphiql: bool = True
    introspection: bool = True
    request_timeout: float = 10.0
    limits: QueryLimits = field(default_factory=QueryLimits)
    rate_limits: RateLimits = field(default_factory=RateLimits)
    segment: SegmentOptions = field(default_factory=SegmentOptions)
    # The differential-privacy budget of one published month in each industry (cohorts of
    # different industries are disjoint); analytics/private_release.py splits it.
    privacy_epsilon: float = DEFAULT_PRIVACY_EPSILON
    # The most a month's releases may cost one account over all its revisions
    # (analytics/privacy_loss.py); None: not configured, twice the smaller of privacy_epsilon
    # and the month's first budget (room for one full revision), `month_cap` today's.
    privacy_month_cap: float | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    lean_execution: bool = True
    prepared_queries: bool = True
    fast_posts: bool = True
    # Prepared operations run by a plan compiled once per operation (schema/execution/).
    compiled_execution: bool = True
    driver_reads: bool = True
    database_pool_size: int = DEFAULT_POOL_SIZE
    # The share of requests the access log writes a line for (server/logs.py).
    access_log_sample: float = 1.0
    serve_no_auth: bool = False
    # Pages of these origins may call the API from a browser (server/cors.py); none by
    # default: on a closed network the frontend is served from the API's own origin.
    cors_origins: tuple[str, ...] = ()

    @property
    def month_cap(self) -> float:
        if self.privacy_month_cap is None:
            return default_month_cap(self.privacy_epsilon)
        return self.privacy_month_cap

    def today(self) -> dt.date:
        """Today's date, unless PROFILING_TODAY pins it (tests, reproducible reports)."""
        return self.today_override or dt.date.today()


def normalize_database_url(url: str) -> str:
    """Accept the plain URLs users paste and pick the async driver for them."""
    for plain, driver in (
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


class _Environment:
    """One parser for every variable: blank means the default, anything else must parse."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env

    def text(self, name: str, default: str) -> str:
        return self._env.get(name, "").strip() or default

    def _given(self, name: str) -> str | None:
        return self._env.get(name, "").strip() or None

    def whole(self, name: str, default: int, *, minimum: int | None = None) -> int:
        given = self._given(name)
        if given is None:
            return default
        try:
            value = int(given)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, got {given!r}") from None
        if minimum is not None and value < minimum:
            what = "a positive whole number" if minimum == 1 else f"at least {minimum}"
            raise SettingsError(f"{name} must be {what}, got {given!r}")
        return value

    def number(self, name: str, default: float, *, positive: bool) -> float:
        given = self._given(name)
        if given is None:
            return default
        try:
            value = float(given)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            what = "a positive number" if positive else "a number, 0 or more"
            raise SettingsError(f"{name} must be {what}, got {given!r}")
        return value

    def switch(self, name: str, default: bool = True) -> bool:
        given = self._given(name)
        if given is None:
            return default
        if given.lower() in ("1", "true", "yes", "on"):
            return True
        if given.lower() in ("0", "false", "no", "off"):
            return False
        raise SettingsError(f"{name} must be true or false, got {given!r}")

    def date(self, name: str) -> dt.date | None:
        given = self._given(name)
        if given is None:
            return None
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            raise SettingsError(f"{name} must be a date as YYYY-MM-DD, got {given!r}") from None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Every setting, from `environ` (the process environment by default)."""
    env = _Environment(os.environ if environ is None else environ)
    min_cohort = env.whole("PROFILING_MIN_COHORT", MIN_COHORT)
    if min_cohort < MIN_COHORT:
        raise SettingsError(
            f"PROFILING_MIN_COHORT may raise the minimum cohort, never lower it below "
            f"{MIN_COHORT}; got {min_cohort}"
        )
    request_timeout = env.number("PROFILING_REQUEST_TIMEOUT", 10.0, positive=True)
    database_url = normalize_database_url(env.text("DATABASE_URL", DEFAULT_DATABASE_URL))
    return Settings(
        database_url=database_url,
        standbys=_standbys(env, database_url=database_url),
        today_override=env.date("PROFILING_TODAY"),
        min_cohort=min_cohort,
        report_name=env.text("PROFILING_REPORT_NAME", DEFAULT_REPORT_NAME),
        graphiql=env.switch("PROFILING_GRAPHIQL"),
        introspection=env.switch("PROFILING_INTROSPECTION"),
        request_timeout=request_timeout,
        limits=(limits := _query_limits(env)),
        rate_limits=_rate_limits(env, max_cost=limits.max_cost),
        segment=_segment_options(env),
        privacy_epsilon=(privacy_epsilon := _privacy_epsilon(env)),
        privacy_month_cap=_privacy_month_cap(env, privacy_epsilon=privacy_epsilon),
        max_body_bytes=env.whole("PROFILING_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES, minimum=1024),
        lean_execution=env.switch("PROFILING_LEAN_EXECUTION"),
        prepared_queries=env.switch("PROFILING_PREPARED_QUERIES"),
        fast_posts=env.switch("PROFILING_FAST_POSTS"),
        compiled_execution=env.switch("PROFILING_COMPILED_EXECUTION"),
        driver_reads=env.switch("PROFILING_DRIVER_READS"),
        database_pool_size=env.whole("PROFILING_DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE, minimum=1),
        access_log_sample=_access_log_sample(env),
        serve_no_auth=env.switch(SERVE_NO_AUTH_VARIABLE, default=False),
        cors_origins=_checked_origins(env),
    )


def _privacy_epsilon(env: _Environment) -> float:
    return env.number("PROFILING_PRIVACY_EPSILON", DEFAULT_PRIVACY_EPSILON, positive=True)


def _privacy_month_cap(env: _Environment, *, privacy_epsilon: float) -> float | None:
    # Not given: None, so that publish derives each month's default from the budget the month
    # was first published with (analytics/privacy_loss.py's default_cap_of_month), which a
    # later PROFILING_PRIVACY_EPSILON does not raise.
    if env._given("PROFILING_PRIVACY_MONTH_CAP") is None:
        return None
    cap = env.number(
        "PROFILING_PRIVACY_MONTH_CAP", default_month_cap(privacy_epsilon), positive=True
    )
    try:
        check_month_cap(cap, privacy_epsilon)
    except ValueError as problem:
        raise SettingsError(str(problem)) from None
    return cap


def _checked_origins(env: _Environment) -> tuple[str, ...]:
    origins = _cors_origins(env)
    if env.switch(SERVE_NO_AUTH_VARIABLE, default=False) and (refusal := keyless_refusal(origins)):
        raise SettingsError(refusal)
    return origins


def _cors_origins(env: _Environment) -> tuple[str, ...]:
    try:
        return parse_origins(env.text("PROFILING_CORS_ORIGINS", ""))
    except ValueError as problem:
        raise SettingsError(f"PROFILING_CORS_ORIGINS: {problem}") from None


def _access_log_sample(env: _Environment) -> float:
    given = env.text("PROFILING_ACCESS_LOG_SAMPLE", "")
    problem = SettingsError(
        "PROFILING_ACCESS_LOG_SAMPLE must be the share of requests to log, from 0 (none) to "
        f"1 (all), got {given!r}"
    )
    try:
        share = env.number("PROFILING_ACCESS_LOG_SAMPLE", 1.0, positive=False)
    except SettingsError:
        raise problem from None
    if share > 1:
        raise problem
    return share


def _query_limits(env: _Environment) -> QueryLimits:
    defaults = QueryLimits()
    return QueryLimits(
        max_depth=env.whole("PROFILING_MAX_DEPTH", defaults.max_depth, minimum=1),
        max_aliases=env.whole("PROFILING_MAX_ALIASES", defaults.max_aliases, minimum=1),
        max_tokens=env.whole("PROFILING_MAX_TOKENS", defaults.max_tokens, minimum=1),
        max_cost=env.whole("PROFILING_MAX_COST", defaults.max_cost, minimum=1),
    )


def _rate_limits(env: _Environment, *, max_cost: int) -> RateLimits:
    given_rate = env.text("PROFILING_RATE_LIMIT_RATE", "")
    try:
        rate = env.number("PROFILING_RATE_LIMIT_RATE", DEFAULT_RATE, positive=False)
    except SettingsError:
        raise SettingsError(
            "PROFILING_RATE_LIMIT_RATE must be a number of cost units per second "
            f"(0 turns rate limits off), got {given_rate!r}"
        ) from None
    burst = env.whole("PROFILING_RATE_LIMIT_BURST", max_cost)
    if burst < max_cost:
        raise SettingsError(
            f"PROFILING_RATE_LIMIT_BURST is {burst:,}, below the query cost limit of "
            f"{max_cost:,}: the costliest allowed queries could never run. Raise it, or "
            "lower PROFILING_MAX_COST"
        )
    return RateLimits(rate=rate, burst=burst, redis_url=env.text("REDIS_URL", "") or None)


def _standbys(env: _Environment, *, database_url: str) -> Standbys:
    urls = tuple(
        normalize_database_url(url.strip())
        for url in env.text("DATABASE_READ_URL", "").split(",")
        if url.strip()
    )
    for url in urls:
        if not url.startswith(_POSTGRES_URL):
            raise SettingsError(
                "DATABASE_READ_URL must list PostgreSQL standbys as postgresql://USER@HOST:PORT/"
                f"DATABASE, separated by commas; got {url.split('://')[0]!r}"
            )
    if urls and not database_url.startswith(_POSTGRES_URL):
        raise SettingsError(
            "DATABASE_READ_URL needs a PostgreSQL primary in DATABASE_URL: standbys stream "
            "from PostgreSQL only"
        )
    if database_url in urls:
        raise SettingsError("DATABASE_READ_URL lists DATABASE_URL, the primary: list standbys")
    if len(set(urls)) < len(urls):
        raise SettingsError("DATABASE_READ_URL lists a standby twice")
    max_lag = env.number("PROFILING_STANDBY_MAX_LAG", DEFAULT_STANDBY_MAX_LAG, positive=True)
    interval = env.number(
        "PROFILING_STANDBY_CHECK_INTERVAL", DEFAULT_STANDBY_CHECK_INTERVAL, positive=True
    )
    # A lag is measured to within one interval (store/running/routing.py): two measurements
    # at least must fit in the lag allowed, or a standby that keeps up would look late.
    if interval > max_lag / 2:
        raise SettingsError(
            f"PROFILING_STANDBY_CHECK_INTERVAL ({interval:g} s) must be at most half of "
            f"PROFILING_STANDBY_MAX_LAG ({max_lag:g} s)"
        )
    return Standbys(urls=urls, max_lag=max_lag, check_interval=interval)


def _segment_options(env: _Environment) -> SegmentOptions:
    defaults = CreditPolicy()
    try:
        return SegmentOptions(
            max_clusters=env.whole("PROFILING_SEGMENT_CLUSTERS", DEFAULT_CLUSTERS),
            recent_quarters=env.whole("PROFILING_RECENT_QUARTERS", DEFAULT_RECENT_QUARTERS),
            credit=CreditPolicy(
                payment_terms_days=env.whole(
                    "PROFILING_PAYMENT_TERMS_DAYS", defaults.payment_terms_days
                ),
                low_risk_from=env.whole("PROFILING_LOW_RISK_SCORE", defaults.low_risk_from),
                high_risk_below=env.whole("PROFILING_HIGH_RISK_SCORE", defaults.high_risk_below),
            ),
        )
    except SettingsError:
        raise
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc
