"""Every CSV the service writes is defused by one function, defined once."""

from __future__ import annotations

import re
from pathlib import Path

from analytics.csvsafe import defuse, defuse_cell

ROOT = Path(__file__).resolve().parents[2]


def test_formula_starts_are_defined_in_one_place_only() -> None:
    definitions = [
        path.relative_to(ROOT).as_posix()
        for package in ("survey", "dashboards", "analytics", "instruments")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"^FORMULA_STARTS\s*=", path.read_text(encoding="utf-8"), re.M)
    ]
    assert definitions == ["analytics/csvsafe.py"]


def test_formula_like_text_gets_an_apostrophe_and_numbers_stay_numbers() -> None:
    assert [defuse(t) for t in ("=A1", "+1", "-2", "@x", "\tx", "Åsen")] == [
        "'=A1",
        "'+1",
        "'-2",
        "'@x",
        "'\tx",
        "Åsen",
    ]
    assert defuse_cell(-2) == -2
