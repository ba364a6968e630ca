"""The wide frame as a table a person reads: labels instead of codes, dates as ISO text.

CSV and XLSX use this; SPSS and Stata keep the codes and carry the labels as value labels.
"Vil ikke svare" becomes an empty cell here; the long file and the SPSS and Stata files keep it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from survey.exports.frames import labels_of
from survey.exports.plan import ExportPlan
from survey.exports.variables import DECLINED_CODE


def table_columns(plan: ExportPlan) -> list[str]:
    names = []
    for variable in plan.variables:
        names.append(variable.name)
        if variable.name == "round":
            names.append("round_label")
    return names


def readable(plan: ExportPlan, wide: pd.DataFrame) -> pd.DataFrame:
    """Labels for coded design variables, integers where the values are whole numbers."""
    columns: dict[str, object] = {}
    for variable in plan.variables:
        values = wide[variable.name]
        if variable.is_date:
            days = values.to_numpy()
            dates = pd.Series(
                np.where(
                    np.isnan(days),
                    None,
                    (
                        np.datetime64("1970-01-01", "D")
                        + np.nan_to_num(days).astype("timedelta64[D]")
                    )
                    .astype(str)
                    .astype(object),
                ),
                index=values.index,
            )
            columns[variable.name] = dates
        elif variable.text_in_tables:
            columns[variable.name] = labels_of(variable.value_labels, values)
        elif variable.kind == "item":
            numbers = values.to_numpy()
            columns[variable.name] = _integers(numbers, numbers == DECLINED_CODE)
        elif variable.kind == "score":
            columns[variable.name] = values
        else:
            columns[variable.name] = _integers(values.to_numpy(), False)
        if variable.name == "round":
            columns["round_label"] = labels_of(variable.value_labels, values)
    return pd.DataFrame(columns)


def _integers(numbers: np.ndarray, hidden: np.ndarray | bool) -> pd.arrays.IntegerArray:
    """Whole numbers as Int64, missing where NaN or `hidden`: what `pd.array(..., "Int64")`
    makes of the rounded floats, without its check of each value."""
    mask = np.isnan(numbers) | hidden
    return pd.arrays.IntegerArray(np.where(mask, 0, np.round(numbers)).astype(np.int64), mask)
