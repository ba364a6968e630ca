"""The XLSX data file: one sheet of data (continued past Excel's row limit), free text when the
request has it, the aggregate table and the list of variables."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from survey.exports.aggregates import COLUMNS as AGGREGATE_COLUMNS
from survey.exports.plan import ExportPlan
from survey.exports.tables import table_columns
from survey.exports.writers import XlsxBook

if TYPE_CHECKING:
    from survey.exports.package import Batch


class DataWorkbook:
    """The XLSX file: the data, free text when asked for, the aggregates and the variables."""

    def __init__(self, plan: ExportPlan, out: Path) -> None:
        self.plan = plan
        self.book = XlsxBook(out)
        self.data = self.book.sheet("data", table_columns(plan))
        self.text = None
        if plan.request.include_free_text:
            self.text = self.book.sheet(
                "free_text", ["response_id", "respondent_type", "variable", "text"]
            )
        self.aggregates = self.book.sheet("aggregates", AGGREGATE_COLUMNS)
        self.variables = self.book.sheet("variables", ["name", "label", "kind", "value_labels"])

    def add(self, batch: Batch) -> None:
        self.data.write(batch.table)
        if self.text is not None:
            self.text.write(batch.free_text)

    def close(self, aggregates: pd.DataFrame) -> None:
        self.aggregates.write(aggregates)
        self.variables.write(
            pd.DataFrame(
                {
                    "name": [v.name for v in self.plan.variables],
                    "label": [v.label for v in self.plan.variables],
                    "kind": [v.kind for v in self.plan.variables],
                    "value_labels": [
                        "; ".join(f"{code}={text}" for code, text in v.value_labels.items())
                        for v in self.plan.variables
                    ],
                }
            )
        )
        self.book.close()
