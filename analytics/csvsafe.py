"""Text a spreadsheet must show, never run: the one guard every CSV the service writes uses.

A cell that starts with =, +, -, @, a tab or a carriage return can be read as a formula by
Excel, LibreOffice or Google Sheets (OWASP, "CSV injection"); such text gets a leading
apostrophe. It lives here, in the package that imports nothing of ours, so that `survey` and
`dashboards` can both use the same function.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def defuse(text: str) -> str:
    """`text` with an apostrophe in front when a spreadsheet would run it as a formula."""
    return "'" + text if is_formula_like(text) else text


def defuse_cell(value: Any) -> Any:
    """A cell for a CSV writer: text defused, numbers and empty cells as they are."""
    return defuse(value) if isinstance(value, str) else value


def defuse_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells are defused; numeric columns are left alone."""
    frame = frame.copy()
    for name in frame.columns:
        if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
            frame[name] = frame[name].map(defuse_cell)
    return frame
