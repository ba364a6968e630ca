"""Dates as the schools live them: the day in Norway, not in UTC."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

NORWAY = ZoneInfo("Europe/Oslo")


def today_in_norway(now: dt.datetime | None = None) -> dt.date:
    return (now or dt.datetime.now(dt.UTC)).astimezone(NORWAY).date()
