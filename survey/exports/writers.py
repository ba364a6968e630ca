"""CSV and XLSX writers. Each takes frames a chunk at a time and keeps none of them.

All text cells go through `safety`; XLSX is written by xlsxwriter in constant-memory mode,
which flushes every row as soon as the next one starts.
"""

from __future__ import annotations

import csv
import io
import threading
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.utility import (
    _preserve_whitespace,
    _utf16_len,
    _utf16_truncate,
    xl_col_to_name,
)

from survey.exports.csvblock import csv_rows, joined_rows
from survey.exports.safety import csv_text, is_formula_like, xlsx_text

XLSX_MAX_ROWS = 1_048_576
#: Stands for the row number in a rendered row; xlsxwriter escapes NUL in text as _x0000_.
ROW_MARK = "\x00"


class CsvWriter:
    """UTF-8 CSV with a header row; text defused against formula injection."""

    def __init__(self, path: Path | BinaryIO, columns: Sequence[str]) -> None:
        """Writes to the file at `path`, or to a binary stream, which `close` closes."""
        self.columns = list(columns)
        if isinstance(path, str | Path):
            self.file = Path(path).open("w", encoding="utf-8", newline="")  # noqa: SIM115 - streamed, closed in close()
        else:
            self.file = io.TextIOWrapper(path, encoding="utf-8", newline="", write_through=True)
        csv.writer(self.file).writerow(self.columns)
        self.rows = 0

    def write(self, frame: pd.DataFrame) -> None:
        frame = frame[self.columns]
        rows = csv_rows(frame, csv_text)
        if rows is not None:
            self.file.write(rows)
            self.rows += len(frame)
            return
        frame = frame.copy()
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

    def write_rows(self, rows: str, count: int) -> None:
        """`count` rows already rendered as CSV (see `csvblock`), in this file's columns."""
        self.file.write(rows)
        self.rows += count

    def close(self) -> None:
        self.file.close()


class XlsxSheet:
    """One logical table, continued on further sheets past Excel's row limit."""

    def __init__(self, book: XlsxBook, name: str, columns: Sequence[str]) -> None:
        self.book, self.name, self.columns = book, name, list(columns)
        #: Rendered cells per column, for the columns of few distinct values.
        self.tails: dict[str, dict[tuple[type, object], str | bool | None]] = {}
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
        start = 0
        while start < len(frame):
            if self.row >= XLSX_MAX_ROWS:
                self._new_sheet()
            stop = start + min(len(frame) - start, XLSX_MAX_ROWS - self.row)
            block = frame.iloc[start:stop]
            if not self._write_block(block):
                cells = block.astype(object).where(block.notna(), None).to_numpy()
                for values in cells:
                    self._write_row(list(values))
                    self.row += 1
            start = stop

    def _write_block(self, frame: pd.DataFrame) -> bool:
        """Rows straight into the sheet's row file, a column at a time (False if a value is
        of a kind only the per-cell path writes).

        xlsxwriter spends tens of microseconds per cell; here each distinct value of a column
        is rendered once, in the XML xlsxwriter writes for it in constant-memory mode, and the
        rows are joined from those pieces.
        """
        sheet = self.sheet
        if not (sheet.constant_memory and hasattr(sheet, "fh") and len(frame)):
            return False
        first, last = self.row, self.row + len(frame) - 1
        # Flush the row written cell by cell before (the header), as xlsxwriter would.
        if sheet.previous_row < first:
            sheet._write_single_row(first)
        # The row number stands as ROW_MARK in the rendered pieces, and goes in per row at
        # the end: so a column's pieces depend on its values alone, and neighbouring columns
        # merge as in the CSV (`joined_rows`).
        columns = [(np.zeros(len(frame), dtype=np.int64), [f'<row r="{ROW_MARK}">'])]
        for col, name in enumerate(frame.columns):
            codes, uniques = pd.factorize(frame[name], use_na_sentinel=True)
            if len(uniques) * 4 <= len(frame):  # a column of few values: kept for later
                cache = self.tails.setdefault(name, {})
                pieces = [self._cached_tail(cache, value) for value in uniques]
            else:
                pieces = [self._cell_tail(value) for value in uniques]
            if any(piece is False for piece in pieces):
                return False
            reference = f'<c r="{xl_col_to_name(col)}{ROW_MARK}'
            fields = ["" if piece is None else reference + piece for piece in pieces]
            columns.append((np.where(codes < 0, len(fields), codes), [*fields, ""]))
        sheet._check_dimensions(last, len(self.columns) - 1)
        lines = joined_rows(columns, "", "</row>").tolist()
        body = [
            line.replace(ROW_MARK, number)
            for line, number in zip(lines, map(str, range(first + 1, last + 2)), strict=True)
        ]
        sheet.fh.write("".join(body))
        sheet.previous_row = last
        sheet.table.clear()
        self.row = last + 1
        return True

    def _cached_tail(self, cache: dict, value: object) -> str | bool | None:
        """`_cell_tail`, rendered once per distinct value of a column (and kind: 1 and "1"
        differ)."""
        key = (type(value), value)
        tail = cache.get(key, cache)
        if tail is cache:
            tail = cache[key] = self._cell_tail(value)
        return tail

    def _cell_tail(self, value: object) -> str | bool | None:
        """A cell's XML after its reference, as xlsxwriter writes it; None for an empty cell,
        False for a value the block path does not handle."""
        if isinstance(value, bool | np.bool_):
            return False
        if isinstance(value, str):
            text = xlsx_text(value)
            style = f' s="{self.book.quoted._get_xf_index()}"' if is_formula_like(text) else ""
            if _utf16_len(text) > self.sheet.xls_strmax:
                text = _utf16_truncate(text, self.sheet.xls_strmax)
            text = self.sheet._escape_control_characters(text)
            if text.startswith("<r>") and text.endswith("</r>"):
                return False
            preserve = ' xml:space="preserve"' if _preserve_whitespace(text) else ""
            text = self.sheet._escape_data(text)
            return f'"{style} t="inlineStr"><is><t{preserve}>{text}</t></is></c>'
        if isinstance(value, int | float | np.integer | np.floating):
            if not np.isfinite(value):
                return None
            return f'"><v>{value:.16G}</v></c>'
        return False

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
        # xlsxwriter deflates the parts at zlib's default level (6) and has no setting for
        # it. At level 1 closing the 100,000 response workbook takes a third of the CPU time
        # (4.6 -> 1.6 s) for a file half again as big (20 -> 29 MB). The module's ZipFile is
        # swapped for the close only, under a lock, so concurrent closes cannot interleave.
        with _FAST_DEFLATE, _deflate_level(1):
            self.workbook.close()


_FAST_DEFLATE = threading.Lock()


@contextmanager
def _deflate_level(level: int) -> Iterator[None]:
    packaging = xlsxwriter.workbook
    plain = packaging.ZipFile
    packaging.ZipFile = partial(zipfile.ZipFile, compresslevel=level)  # type: ignore[misc]
    try:
        yield
    finally:
        packaging.ZipFile = plain  # type: ignore[misc]
