"""CSV rows for a whole frame at once, as `DataFrame.to_csv` writes them, without its per-cell work.

Export tables repeat a handful of values per column (labels, codes, answers 1-5), so each
distinct value of a column is rendered once, and neighbouring columns are joined while their
combinations stay few: a row then costs a couple of string joins, not one step per cell.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

#: Characters that make the csv module (QUOTE_MINIMAL, "\r\n") quote a field.
QUOTED = (",", '"', "\r", "\n")


def _field(text: str) -> str:
    if any(mark in text for mark in QUOTED):
        return '"' + text.replace('"', '""') + '"'
    return text


def _rendered(column: pd.Series, text: Callable[[str], str]) -> tuple[np.ndarray, list] | None:
    """(code per row, field per code) for one column, or None for a column to leave to
    pandas. The last field is the empty one of a missing value."""
    dtype = column.dtype
    if dtype == np.float64:
        # By bit pattern, so that -0.0 stays apart from 0.0 as pandas writes them.
        values = column.to_numpy()
        codes, uniques = pd.factorize(values.view(np.int64))
        fields = uniques.view(np.float64).astype(str).tolist()
        codes[np.isnan(values)] = -1
        return np.where(codes < 0, len(fields), codes), [*fields, ""]
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if pd.api.types.is_integer_dtype(dtype):
        fields = [str(int(v)) for v in uniques]
    elif pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype):
        fields = []
        for value in uniques:
            if isinstance(value, str):
                fields.append(_field(text(value)))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                fields.append(_field(str(value)))
            else:
                return None
    else:
        return None
    codes = np.where(codes < 0, len(fields), codes)
    return codes, [*fields, ""]


def csv_rows(frame: pd.DataFrame, text: Callable[[str], str]) -> str | None:
    """The frame's rows as CSV ("\\r\\n" line ends, no header), each str cell through `text`;
    None if a column holds values this does not render."""
    lines = csv_lines(frame, text)
    return None if lines is None else "".join(lines.tolist())


def csv_lines(frame: pd.DataFrame, text: Callable[[str], str]) -> np.ndarray | None:
    """The frame's rows as CSV lines, each ending in "\\r\\n", in an object array; None as
    for `csv_rows`."""
    if not len(frame) or not len(frame.columns):
        return None
    columns = []
    for position in range(len(frame.columns)):
        column = _rendered(frame.iloc[:, position], text)
        if column is None:
            return None
        columns.append(column)
    return joined_rows(columns, ",", "\r\n")


def joined_rows(
    columns: list[tuple[np.ndarray, list[str]]], separator: str, end: str
) -> np.ndarray:
    """Rows from columns given as (code per row, text per code): each row's texts joined by
    `separator` and ended by `end`, in an object array.

    Neighbouring columns are merged while their combinations in the rows stay few, so that a
    row costs a few string joins rather than one per column.
    """
    rows = len(columns[0][0])
    segments: list[tuple[np.ndarray, list[str]]] = []
    limit = max(rows // 8, 64)
    for codes, fields in columns:
        if segments:
            last_codes, last_fields = segments[-1]
            joint, pairs = pd.factorize(last_codes * len(fields) + codes)
            if len(pairs) <= limit:
                segments[-1] = (
                    joint,
                    [
                        last_fields[p // len(fields)] + separator + fields[p % len(fields)]
                        for p in pairs.tolist()
                    ],
                )
                continue
            fields = [separator + f for f in fields]
        segments.append((codes, fields))
    segments[-1] = (segments[-1][0], [f + end for f in segments[-1][1]])
    lines = None
    for codes, fields in segments:
        part = np.array(fields, dtype=object)[codes]
        lines = part if lines is None else lines + part
    return lines
