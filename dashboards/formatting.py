"""Numbers and times as the reader's language writes them: 0,25 and −0,30 in Norwegian.

Every number a dashboard shows (sentences, tables, CSV for people, plotly's separators) goes
through here, so a sentence and the table under a chart always round the same way.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

NORWAY = ZoneInfo("Europe/Oslo")
DEFAULT_LOCALE = "nb"
#: What a missing or hidden number looks like in a table.
MISSING = "–"


def current_locale() -> str:
    """The request's interface language (nb, nn or en); bokmål outside a request."""
    from flask_babel import get_locale

    try:
        locale = get_locale()
    except RuntimeError:
        locale = None
    return str(locale) if locale is not None else DEFAULT_LOCALE


@lru_cache(maxsize=8)
def _symbols(locale: str) -> tuple[str, str, str]:
    """The decimal mark, thousands separator and minus sign of a language (CLDR)."""
    return get_decimal_symbol(locale), get_group_symbol(locale), get_minus_sign_symbol(locale)


def number(value: float | None, decimals: int = 2, locale: str | None = None) -> str:
    """`-0.2468` as "−0,25" (nb, nn) or "-0.25" (en); None and NaN as a dash.

    Formatted by hand with the language's symbols: babel's format_decimal costs a page of
    two dozen charts more than everything else together.
    """
    if value is None or not math.isfinite(value):
        return MISSING
    decimal, _group, minus = _symbols(locale or current_locale())
    rounded = round(value, decimals)
    text = f"{abs(rounded):.{decimals}f}".replace(".", decimal)
    return minus + text if rounded < 0 and text.strip("0,.") else text


def signed(value: float | None, decimals: int = 2, locale: str | None = None) -> str:
    """Like `number`, with a plus sign on positive values: "+0,25"."""
    text = number(value, decimals, locale)
    if value is not None and math.isfinite(value) and round(value, decimals) > 0:
        return "+" + text
    return text


def percent(share: float | None, locale: str | None = None) -> str:
    """A share 0..1 as a whole percent: "87 %"."""
    if share is None or not math.isfinite(share):
        return MISSING
    return number(100 * share, 0, locale) + "\u00a0%"


def count(value: float | None, locale: str | None = None) -> str:
    if value is None or not math.isfinite(value):
        return MISSING
    _decimal, group, _minus = _symbols(locale or current_locale())
    return f"{int(value):,}".replace(",", group)


def plotly_separators(locale: str | None = None) -> str:
    """plotly's `layout.separators`: the decimal mark, then the thousands mark."""
    return ".," if (locale or current_locale()) == "en" else ",\u00a0"


def timestamp(value: dt.datetime | None, locale: str | None = None) -> str:
    """A UTC time as Norwegian wall-clock time: "22. november 2026 kl. 02.40"."""
    if value is None:
        return MISSING
    locale = locale or current_locale()
    pattern = "d MMMM y 'at' HH:mm" if locale == "en" else "d. MMMM y 'kl.' HH.mm"
    return format_datetime(value, pattern, tzinfo=NORWAY, locale=locale)
