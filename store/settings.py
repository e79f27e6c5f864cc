"""Settings read from the environment, shared by every command and the server."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass

from analytics.cohort import MIN_COHORT

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///profiling.db"
DEFAULT_REPORT_NAME = "Customer Profiling Pulse"


class SettingsError(ValueError):
    """A setting from the environment is malformed."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    today_override: dt.date | None
    min_cohort: int
    report_name: str = DEFAULT_REPORT_NAME
    # Production switches: GraphiQL and introspection help people explore, not attackers.
    graphiql: bool = True
    introspection: bool = True
    request_timeout: float = 10.0

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


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    today_text = env.get("PROFILING_TODAY", "").strip()
    today: dt.date | None = None
    if today_text:
        try:
            today = dt.date.fromisoformat(today_text)
        except ValueError as exc:
            raise SettingsError(
                f"PROFILING_TODAY must be a date as YYYY-MM-DD, got {today_text!r}"
            ) from exc
    cohort_text = env.get("PROFILING_MIN_COHORT", "").strip()
    min_cohort = MIN_COHORT
    if cohort_text:
        try:
            min_cohort = int(cohort_text)
        except ValueError as exc:
            raise SettingsError(
                f"PROFILING_MIN_COHORT must be a whole number, got {cohort_text!r}"
            ) from exc
        if min_cohort < MIN_COHORT:
            raise SettingsError(
                f"PROFILING_MIN_COHORT may raise the minimum cohort, never lower it below "
                f"{MIN_COHORT}; got {min_cohort}"
            )
    url = normalize_database_url(env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL)
    report_name = env.get("PROFILING_REPORT_NAME", "").strip() or DEFAULT_REPORT_NAME
    timeout_text = env.get("PROFILING_REQUEST_TIMEOUT", "").strip() or "10"
    try:
        request_timeout = float(timeout_text)
    except ValueError:
        request_timeout = -1.0
    if not request_timeout > 0:
        raise SettingsError(
            f"PROFILING_REQUEST_TIMEOUT must be a positive number of seconds, got {timeout_text!r}"
        )
    return Settings(
        database_url=url,
        today_override=today,
        min_cohort=min_cohort,
        report_name=report_name,
        graphiql=_switch(env, "PROFILING_GRAPHIQL"),
        introspection=_switch(env, "PROFILING_INTROSPECTION"),
        request_timeout=request_timeout,
    )


def _switch(env: Mapping[str, str], name: str) -> bool:
    text = env.get(name, "").strip().lower()
    if text in ("", "1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {text!r}")
