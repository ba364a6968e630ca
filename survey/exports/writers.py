"""CSV and XLSX writers. Each takes frames a chunk at a time and keeps none of them.

All text cells go through `safety`; XLSX is written by xlsxwriter in constant-memory mode,
which flushes every row as soon as the next one starts.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

from survey.exports.safety import csv_text, is_formula_like, xlsx_text

XLSX_MAX_ROWS = 1_048_576


class CsvWriter:
    """UTF-8 CSV with a header row; text defused against formula injection."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.file = Path(path).open("w", encoding="utf-8", newline="")  # noqa: SIM115 - streamed, closed in close()
        csv.writer(self.file).writerow(self.columns)
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        frame = frame[self.columns].copy()
        for name in frame.columns:
            if frame[name].dtype == object or pd.api.types.is_string_dtype(frame[name]):
                # Labels repeat on every row: defuse each distinct text once, not per cell,
                # and touch the column only where a text changes.
                unique = pd.unique(frame[name])
                changed = {v: csv_text(v) for v in unique if isinstance(v, str)}
                changed = {v: safe for v, safe in changed.items() if safe != v}
                if changed:
                    frame[name] = frame[name].map(lambda v, c=changed: c.get(v, v))
        frame.to_csv(self.file, header=False, index=False, lineterminator="\r\n")
        self.rows += len(frame)

    def close(self) -> None:
        self.file.close()


class XlsxSheet:
    """One logical table, continued on further sheets past Excel's row limit."""

    def __init__(self, book: XlsxBook, name: str, columns: Sequence[str]) -> None:
        self.book, self.name, self.columns = book, name, list(columns)
        self.part = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self.part += 1
        title = self.name if self.part == 1 else f"{self.name}_{self.part}"
        self.sheet = self.book.workbook.add_worksheet(title)
        self.sheet.freeze_panes(1, 0)
        for col, name in enumerate(self.columns):
            self.sheet.write_string(0, col, name, self.book.bold)
        self.row = 1

    def write(self, frame: pd.DataFrame) -> None:
        frame = frame[self.columns]
        cells = frame.astype(object).where(frame.notna(), None).to_numpy()
        for values in cells:
            if self.row >= XLSX_MAX_ROWS:
                self._new_sheet()
            self._write_row(list(values))
            self.row += 1

    def _write_row(self, values: list[object]) -> None:
        texts = []
        for col, value in enumerate(values):
            if isinstance(value, str):
                texts.append((col, xlsx_text(value)))
                values[col] = None
            elif isinstance(value, float | np.floating) and not np.isfinite(value):
                values[col] = None
        self.sheet.write_row(self.row, 0, values)
        for col, text in texts:
            style = self.book.quoted if is_formula_like(text) else None
            self.sheet.write_string(self.row, col, text, style)


class XlsxBook:
    """A workbook that never evaluates a string as a formula, a URL or a number."""

    def __init__(self, path: Path) -> None:
        self.workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
            },
        )
        self.bold = self.workbook.add_format({"bold": True})
        #: Excel's own "this is text" marker: shown as typed, kept as text when edited.
        self.quoted = self.workbook.add_format({"quote_prefix": True})

    def sheet(self, name: str, columns: Sequence[str]) -> XlsxSheet:
        return XlsxSheet(self, name, columns)

    def close(self) -> None:
        self.workbook.close()
