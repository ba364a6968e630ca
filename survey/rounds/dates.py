"""Round times as people at the schools read them: Norwegian time, in their own language."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date, format_datetime

from survey.clock import NORWAY
from survey.i18n import current_language


def _locale(language: str | None) -> str:
    return language or current_language().code


def norway_time(value: dt.datetime | None, language: str | None = None) -> str:
    """'12. okt. 2026 08:00' for a UTC datetime."""
    if value is None:
        return ""
    return format_datetime(value, "d. MMM y HH:mm", tzinfo=NORWAY, locale=_locale(language))


def norway_date(value: dt.datetime | dt.date | None, language: str | None = None) -> str:
    """'12. oktober 2026' for a UTC datetime (its day in Norway) or a date."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(NORWAY).date()
    return format_date(value, "long", locale=_locale(language))
