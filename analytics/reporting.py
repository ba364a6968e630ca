"""Shared output helpers: JSON-safe values and fixed-width tables for `summary()`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

#: Columns that hold counts, printed without decimals even when stored as floats (NaN-able).
COUNT_COLUMNS = frozenset({"n", "responses", "schools", "groups", "items"})


def json_number(value: Any) -> Any:
    """A plain Python value for JSON: numpy scalars unwrapped, NaN and infinities as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def frame_to_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(column): json_number(value) for column, value in row.items()}
        for row in frame.to_dict(orient="records")
    ]


def frame_from_records(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records)
    for column in frame.columns:
        if frame[column].dtype == object and all(
            v is None or (isinstance(v, int | float) and not isinstance(v, bool))
            for v in frame[column]
        ):
            frame[column] = frame[column].astype(float)
    return frame


def format_table(frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    """Right-aligned columns; floats to 4 decimals (3 for df), missing values as '.'."""
    present = [c for c in columns if c in frame.columns]
    cells = [
        [_cell(column, value) for column, value in zip(present, row, strict=True)]
        for row in frame[present].itertuples(index=False)
    ]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(present)]
    lines = ["  ".join(c.rjust(w) for c, w in zip(present, widths, strict=True))]
    lines += ["  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return lines


def _cell(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "."
    if isinstance(value, bool | np.bool_):
        return "ja" if value else "nei"
    if isinstance(value, float | np.floating):
        if column in COUNT_COLUMNS and float(value).is_integer():
            return str(int(value))
        if column == "df":
            return f"{value:.1f}"
        if column == "p_value":
            return f"{value:.3f}" if value >= 0.001 else "<0.001"
        return f"{value:.4f}"
    return str(value)
