"""Small-group suppression of the trend model's table: which estimates may be stored.

A round x arm cell with fewer than `min_group_size` responses is hidden (primary). When one
arm of a round is hidden, the other arms of that round are hidden too (secondary): the
descriptive table shows the round's total, and a shown arm mean next to it would give the
hidden one by subtraction (exactly, when an arm is one class of one school).

Every estimate is a linear combination of the cell means, so an estimate is hidden when it
rests on a hidden cell: a change on its round or the baseline, a difference-in-differences on
either round, and a coefficient on every cell its contrast touches (the intercept is the
baseline mean of the comparison arm).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

ESTIMATE_COLUMNS = ["estimate", "se", "df", "ci_low", "ci_high", "p_value"]
#: Weights below this do not count as a cell taking part in an estimate.
WEIGHT_TOLERANCE = 1e-8


def hidden_cells(counts: pd.DataFrame, min_group_size: int) -> dict[tuple[str, str], str]:
    """Why each round x arm cell is hidden ("primary" or "secondary"), or "" when shown."""
    reasons = {
        (str(row.round), str(row.arm)): "primary" if row.responses < min_group_size else ""
        for row in counts.itertuples(index=False)
    }
    for round_label in {key[0] for key in reasons}:
        arms = [key for key in reasons if key[0] == round_label]
        if any(reasons[key] for key in arms):
            for key in arms:
                reasons[key] = reasons[key] or "secondary"
    return reasons


def suppress_table(
    table: pd.DataFrame, contrasts: np.ndarray, hidden: set[tuple[str, str]]
) -> pd.DataFrame:
    """NaN every estimate of `table` (one row per row of `contrasts`) resting on a hidden cell."""
    table = table.copy()
    if not hidden:
        return table
    baseline = str(table.loc[table["kind"] == "mean", "round"].iloc[0])
    hidden_rounds = {r for r, _ in hidden}
    involved = _coefficient_cells(table, contrasts)
    for index, row in table.iterrows():
        cell = (str(row["round"]), str(row["arm"]))
        if row["kind"] == "mean":
            hide = cell in hidden
        elif row["kind"] == "change":
            hide = bool({cell, (baseline, cell[1])} & hidden)
        elif row["kind"] == "did":
            hide = bool({str(row["round"]), baseline} & hidden_rounds)
        else:
            cells = involved[index]
            hide = cells is None or bool(cells & hidden)
        if hide:
            table.loc[index, ESTIMATE_COLUMNS] = np.nan
            table.loc[index, "suppressed"] = True
    return table


def _coefficient_cells(
    table: pd.DataFrame, contrasts: np.ndarray
) -> dict[int, set[tuple[str, str]] | None]:
    """The round x arm cells whose means each coefficient is a combination of; None when it is
    not one (then it is hidden whenever anything is)."""
    is_mean = (table["kind"] == "mean").to_numpy() & np.all(np.isfinite(contrasts), axis=1)
    means = contrasts[is_mean]
    labels = [(str(r), str(a)) for r, a in table.loc[is_mean, ["round", "arm"]].to_numpy()]
    involved: dict[int, set[tuple[str, str]] | None] = {}
    for index in np.flatnonzero((table["kind"] == "coefficient").to_numpy()):
        target = contrasts[index]
        weights = np.linalg.lstsq(means.T, target, rcond=None)[0]
        if not np.allclose(means.T @ weights, target, atol=1e-8):
            involved[int(index)] = None
            continue
        involved[int(index)] = {
            label
            for label, weight in zip(labels, weights, strict=True)
            if abs(weight) > WEIGHT_TOLERANCE
        }
    return involved
