"""The long file's CSV rows straight from a chunk's value matrix, with no frame per answer.

A long row is the response's part (id, type, round, school, group) followed by the answer's
part (variable, item id, value, declined). A chunk has a few thousand responses but forty
times as many answers, and an answer's part depends only on its question and its code. So
each response's part is rendered once per chunk, each (question, code) part once per export,
and a row costs one string join. Both parts are rendered by `csv_lines` from the same frames
`ChunkShaper.long` builds, so the rows are byte for byte what writing that frame gives.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.exports.csvblock import csv_lines
from survey.exports.frames import ChunkShaper
from survey.exports.queries import BLANK, DECLINED, VALUE_OFFSET, ExportChunk
from survey.exports.safety import csv_text

#: The long file's last columns, which belong to the answer rather than the response.
ANSWER_COLUMNS = ["variable", "item_id", "value", "is_declined"]


class LongCsvRows:
    """Renders chunks of one export as long CSV rows; built once per export."""

    def __init__(self, shaper: ChunkShaper, columns: list[str]) -> None:
        self.shaper = shaper
        #: The file's columns before the answer's; None if the file is laid out otherwise.
        self.head_columns = (
            columns[: -len(ANSWER_COLUMNS)]
            if columns[-len(ANSWER_COLUMNS) :] == ANSWER_COLUMNS
            else None
        )
        #: The rendered answer part per (matrix column, code), filled as codes turn up.
        self.tails = np.full((len(shaper.item_columns), 256), None, dtype=object)

    def rows(self, chunk: ExportChunk) -> tuple[str, int] | None:
        """The chunk's rows and their number, or None where only the frame path writes them
        (free text, or a value `csv_lines` leaves to pandas)."""
        if self.shaper.plan.request.include_free_text or self.head_columns is None:
            return None
        rows, columns = np.nonzero(chunk.values)
        if not len(rows):
            return "", 0
        codes = chunk.values[rows, columns]
        heads = self._heads(chunk)
        if heads is None or not self._fill_tails(columns, codes):
            return None
        return "".join((heads[rows] + self.tails[columns, codes]).tolist()), len(rows)

    def _heads(self, chunk: ExportChunk) -> np.ndarray | None:
        """Each response's part of a row, with the comma that follows it."""
        n = len(chunk.responses)
        blank = np.full(n, None, dtype=object)
        frame = self.shaper.long_rows(
            chunk.responses,
            np.arange(n),
            blank,
            blank,
            pd.array([pd.NA] * n, dtype="Int64"),
            np.zeros(n, dtype=int),
        )
        lines = csv_lines(frame[self.head_columns], csv_text)
        if lines is None:
            return None
        return np.array([line[:-2] + "," for line in lines.tolist()], dtype=object)

    def _fill_tails(self, columns: np.ndarray, codes: np.ndarray) -> bool:
        keys = np.unique(columns.astype(np.int64) * 256 + codes)
        keys = keys[pd.isna(self.tails.ravel()[keys])]
        if not len(keys):
            return True
        new_columns, new_codes = keys // 256, keys % 256
        value = pd.array(new_codes - VALUE_OFFSET, dtype="Int64")
        value[(new_codes == BLANK) | (new_codes == DECLINED)] = pd.NA
        frame = pd.DataFrame(
            {
                "variable": self.shaper.item_names[new_columns],
                "item_id": self.shaper.item_ids[new_columns],
                "value": value,
                "is_declined": (new_codes == DECLINED).astype(int),
            }
        )
        lines = csv_lines(frame, csv_text)
        if lines is None:
            return False
        self.tails[new_columns, new_codes] = lines
        return True
