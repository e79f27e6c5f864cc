from __future__ import annotations

import datetime as dt

import pytest

from store.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings


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
