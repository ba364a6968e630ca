"""Text that a spreadsheet must show, never run (OWASP's CSV injection advice).

Formula-like text (see `analytics.csvsafe`, the one guard of every CSV) gets a leading
apostrophe in CSV; in XLSX it is
written as a string with Excel's quote-prefix style. Bidirectional controls (like U+202E, the
right-to-left override) are shown as visible markers so text cannot disguise itself.
"""

from __future__ import annotations

import re

from analytics.csvsafe import defuse, is_formula_like

__all__ = ["csv_text", "is_formula_like", "visible_controls", "xlsx_text"]
#: Explicit embeddings, overrides and isolates; plain Arabic or Urdu text needs none of them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: Excel's limit for the text of one cell.
XLSX_CELL_LIMIT = 32767
TRUNCATION_NOTE = " […] (forkortet; hele teksten står i CSV-filen)"


def visible_controls(text: str) -> str:
    return BIDI_CONTROLS.sub(lambda match: f"<U+{ord(match.group()):04X}>", text)


def csv_text(text: str) -> str:
    """Text for a CSV cell: bidi controls made visible, formulas defused with an apostrophe."""
    return defuse(visible_controls(text))


def xlsx_text(text: str) -> str:
    """Text for an XLSX string cell (written with the quote-prefix style when formula-like)."""
    text = visible_controls(text)
    if len(text) > XLSX_CELL_LIMIT:
        text = text[: XLSX_CELL_LIMIT - len(TRUNCATION_NOTE)] + TRUNCATION_NOTE
    return text
