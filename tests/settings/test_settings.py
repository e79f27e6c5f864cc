from __future__ import annotations

import datetime as dt

import pytest

from settings import (
    DEFAULT_DATABASE_URL,
    QueryLimits,
    SegmentOptions,
    SettingsError,
    load_settings,
)


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.min_cohort == 5
    assert settings.today() == dt.date.today()


def test_profiling_today_pins_today() -> None:
    assert load_settings({"PROFILING_TODAY": "2023-05-31"}).today() == dt.date(2023, 5, 31)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_plain_urls_get_the_async_driver(url: str, expected: str) -> None:
    assert load_settings({"DATABASE_URL": url}).database_url == expected


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PROFILING_TODAY": "31/05/2023"}, "YYYY-MM-DD"),
        ({"PROFILING_MIN_COHORT": "4"}, "never lower it below 5"),
        ({"PROFILING_MIN_COHORT": "five"}, "whole number"),
    ],
)
def test_bad_settings_say_what_to_fix(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        load_settings(environ)


def test_the_minimum_cohort_may_be_raised() -> None:
    assert load_settings({"PROFILING_MIN_COHORT": "8"}).min_cohort == 8


def test_limits_are_configurable() -> None:
    limits = load_settings({"PROFILING_MAX_DEPTH": "4", "PROFILING_MAX_COST": "99"}).limits
    assert (limits.max_depth, limits.max_cost, limits.max_aliases) == (4, 99, 15)
    with pytest.raises(ValueError, match="PROFILING_MAX_ALIASES"):
        load_settings({"PROFILING_MAX_ALIASES": "0"})


def test_rate_limits_from_the_environment() -> None:
    default = load_settings({}).rate_limits
    assert default.enabled
    assert default.burst == QueryLimits().max_cost
    assert default.redis_url is None
    assert not load_settings({"PROFILING_RATE_LIMIT_RATE": "0"}).rate_limits.enabled
    chosen = load_settings(
        {
            "PROFILING_RATE_LIMIT_RATE": "250.5",
            "PROFILING_RATE_LIMIT_BURST": "5000",
            "PROFILING_MAX_COST": "5000",
            "REDIS_URL": "redis://cache:6379/2",
        }
    ).rate_limits
    assert (chosen.rate, chosen.burst, chosen.redis_url) == (250.5, 5000, "redis://cache:6379/2")


@pytest.mark.parametrize(
    ("environ", "reason"),
    [
        ({"PROFILING_RATE_LIMIT_RATE": "-1"}, "PROFILING_RATE_LIMIT_RATE must be"),
        ({"PROFILING_RATE_LIMIT_RATE": "nan"}, "PROFILING_RATE_LIMIT_RATE must be"),
        ({"PROFILING_RATE_LIMIT_BURST": "1e9"}, "PROFILING_RATE_LIMIT_BURST must be"),
        ({"PROFILING_RATE_LIMIT_BURST": "2999999"}, "below the query cost limit of 3,000,000"),
    ],
)
def test_bad_rate_limits_are_refused_with_their_reason(
    environ: dict[str, str], reason: str
) -> None:
    with pytest.raises(SettingsError, match=reason):
        load_settings(environ)


def test_options_come_from_the_environment_and_are_checked() -> None:
    options = load_settings(
        {
            "PROFILING_SEGMENT_CLUSTERS": "5",
            "PROFILING_RECENT_QUARTERS": "2",
            "PROFILING_LOW_RISK_SCORE": "80",
        }
    ).segment
    assert (options.max_clusters, options.recent_quarters, options.credit.low_risk_from) == (
        5,
        2,
        80,
    )
    assert load_settings({}).segment == SegmentOptions()
    with pytest.raises(SettingsError, match="PROFILING_SEGMENT_CLUSTERS must be a whole number"):
        load_settings({"PROFILING_SEGMENT_CLUSTERS": "many"})
    with pytest.raises(SettingsError, match="between 1 and 50"):
        load_settings({"PROFILING_SEGMENT_CLUSTERS": "0"})
    with pytest.raises(SettingsError, match="high-risk score <= low-risk score"):
        load_settings({"PROFILING_HIGH_RISK_SCORE": "90"})


PRIMARY = "postgresql://postgres@db1:5432/profiling"


def test_standbys_are_listed_comma_separated_with_the_async_driver() -> None:
    standbys = load_settings(
        {
            "DATABASE_URL": PRIMARY,
            "DATABASE_READ_URL": " postgresql://postgres@db2/profiling, postgres://u@db3:5433/p ,",
            "PROFILING_STANDBY_MAX_LAG": "10",
            "PROFILING_STANDBY_CHECK_INTERVAL": "0.5",
        }
    ).standbys
    assert standbys.urls == (
        "postgresql+asyncpg://postgres@db2/profiling",
        "postgresql+asyncpg://u@db3:5433/p",
    )
    assert (standbys.max_lag, standbys.check_interval) == (10.0, 0.5)


def test_without_standbys_every_read_goes_to_the_primary() -> None:
    standbys = load_settings({"DATABASE_URL": PRIMARY}).standbys
    assert standbys.urls == ()
    assert (standbys.max_lag, standbys.check_interval) == (5.0, 1.0)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_READ_URL": "sqlite:///copy.db"}, "DATABASE_READ_URL must list PostgreSQL"),
        ({"DATABASE_READ_URL": "db2:5432"}, "DATABASE_READ_URL must list PostgreSQL"),
        ({"DATABASE_READ_URL": PRIMARY}, "lists DATABASE_URL, the primary"),
        (
            {"DATABASE_READ_URL": "postgresql://a@b/c,postgres://a@b/c"},
            "lists a standby twice",
        ),
        ({"PROFILING_STANDBY_MAX_LAG": "0"}, "PROFILING_STANDBY_MAX_LAG must be a positive"),
        ({"PROFILING_STANDBY_MAX_LAG": "soon"}, "PROFILING_STANDBY_MAX_LAG must be a positive"),
        (
            {"PROFILING_STANDBY_CHECK_INTERVAL": "3"},
            "must be at most half of PROFILING_STANDBY_MAX_LAG (5 s)",
        ),
    ],
)
def test_bad_standby_settings_say_what_to_fix(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"DATABASE_URL": PRIMARY, **environ})
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_standbys_need_a_postgresql_primary() -> None:
    with pytest.raises(SettingsError, match="needs a PostgreSQL primary"):
        load_settings({"DATABASE_READ_URL": "postgresql://u@db2/p"})


def test_the_read_pool_and_the_access_log_are_configurable() -> None:
    defaults = load_settings({})
    assert (defaults.database_pool_size, defaults.access_log_sample) == (4, 1.0)
    assert defaults.driver_reads
    chosen = load_settings(
        {
            "PROFILING_DATABASE_POOL_SIZE": "8",
            "PROFILING_ACCESS_LOG_SAMPLE": "0.01",
            "PROFILING_DRIVER_READS": "false",
        }
    )
    assert (chosen.database_pool_size, chosen.access_log_sample) == (8, 0.01)
    assert not chosen.driver_reads
    assert load_settings({"PROFILING_ACCESS_LOG_SAMPLE": "0"}).access_log_sample == 0
    with pytest.raises(SettingsError, match="PROFILING_DATABASE_POOL_SIZE must be a positive"):
        load_settings({"PROFILING_DATABASE_POOL_SIZE": "0"})
    for share in ("1.5", "-0.1", "some"):
        with pytest.raises(SettingsError, match=r"PROFILING_ACCESS_LOG_SAMPLE .* from 0 \(none\)"):
            load_settings({"PROFILING_ACCESS_LOG_SAMPLE": share})


def test_the_fast_paths_are_switches() -> None:
    defaults = load_settings({})
    assert (defaults.lean_execution, defaults.prepared_queries, defaults.compiled_execution) == (
        True,
        True,
        True,
    )
    off = load_settings({"PROFILING_COMPILED_EXECUTION": "false"})
    assert not off.compiled_execution
    assert off.lean_execution
    assert off.prepared_queries


def test_cors_origins_are_none_by_default_and_written_as_browsers_write_them() -> None:
    assert load_settings({}).cors_origins == ()
    origins = load_settings(
        {
            "PROFILING_CORS_ORIGINS": (
                " HTTPS://App.Example.com:443/ ,http://10.0.0.7:8080,,https://app.example.com,"
                "http://[::1]:80"
            )
        }
    ).cors_origins
    assert origins == ("https://app.example.com", "http://10.0.0.7:8080", "http://[::1]")
    assert load_settings({"PROFILING_CORS_ORIGINS": "*"}).cors_origins == ("*",)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("app.example.com", "is not an origin such as https://app.example.com"),
        ("ftp://app.example.com", "is not an origin"),
        ("https://app.example.com/graphql", "has more than an origin"),
        ("https://app.example.com:99999", "has a bad port"),
        ("*, https://app.example.com", "give it alone"),
    ],
)
def test_bad_cors_origins_say_what_to_fix(given: str, message: str) -> None:
    with pytest.raises(SettingsError, match=f"^PROFILING_CORS_ORIGINS: .*{message}"):
        load_settings({"PROFILING_CORS_ORIGINS": given})


def test_the_privacy_cap_defaults_to_two_budgets_and_is_never_below_one() -> None:
    assert load_settings({}).month_cap == 2.0
    assert load_settings({"PROFILING_PRIVACY_EPSILON": "1.5"}).month_cap == 3.0
    capped = {"PROFILING_PRIVACY_EPSILON": "1.5", "PROFILING_PRIVACY_MONTH_CAP": "1.5"}
    assert load_settings(capped).month_cap == 1.5
    with pytest.raises(SettingsError) as refused:
        load_settings({"PROFILING_PRIVACY_MONTH_CAP": "0.5"})
    assert str(refused.value) == (
        "PROFILING_PRIVACY_MONTH_CAP (0.5) must be at least PROFILING_PRIVACY_EPSILON (1): "
        "a first publication spends the whole epsilon"
    )
    with pytest.raises(SettingsError, match="PROFILING_PRIVACY_MONTH_CAP must be a positive"):
        load_settings({"PROFILING_PRIVACY_MONTH_CAP": "lots"})
