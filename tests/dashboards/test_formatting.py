"""Numbers the Norwegian way: decimal comma, a real minus sign, and never minus zero."""

from __future__ import annotations

import datetime as dt

from dashboards.formatting import number, percent, plotly_separators, signed, timestamp


def test_numbers_have_a_decimal_comma_and_a_minus_sign_in_norwegian() -> None:
    assert number(-0.2468, locale="nb") == "−0,25"
    assert number(1234.5, 1, locale="nn") == "1234,5"
    assert number(-0.2468, locale="en") == "-0.25"


def test_a_value_that_rounds_to_zero_has_no_sign() -> None:
    assert number(-0.004, locale="nb") == "0,00"
    assert signed(-0.004, locale="nb") == "0,00"
    assert signed(0.25, locale="nb") == "+0,25"


def test_missing_numbers_are_a_dash() -> None:
    assert number(None) == "–" and number(float("nan")) == "–" and percent(None) == "–"


def test_percent_and_plotly_separators_follow_the_language() -> None:
    assert percent(0.873, locale="nb") == "87\u00a0%"
    assert plotly_separators("nb") == ",\u00a0" and plotly_separators("en") == ".,"


def test_times_are_shown_in_norwegian_wall_clock_time() -> None:
    when = dt.datetime(2026, 11, 22, 1, 40, tzinfo=dt.UTC)
    assert timestamp(when, "nb") == "22. november 2026 kl. 02.40"
