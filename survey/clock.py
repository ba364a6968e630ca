"""The one clock of the service: "now" in UTC, and the day as the schools live it (in Norway).

Every "now" in survey comes from here, so a test or a job that needs a fixed moment has one
place to look."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

NORWAY = ZoneInfo("Europe/Oslo")


def utcnow() -> dt.datetime:
    """Now, timezone-aware in UTC: what the database stores."""
    return dt.datetime.now(dt.UTC)


def today_in_norway(now: dt.datetime | None = None) -> dt.date:
    return (now or utcnow()).astimezone(NORWAY).date()
