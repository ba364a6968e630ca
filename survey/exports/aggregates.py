"""Aggregate tables for the package: mean scale scores per round and arm, and per school.

Sums are accumulated chunk by chunk, so the tables cost the same memory for any data size.
No cell is shown from fewer than the project's `min_group_size` respondents, and a school is
also hidden when its figure could be recovered from its arm's total (secondary suppression).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from survey.exports.frames import labels_of
from survey.exports.plan import ExportPlan
from survey.exports.statistics import combine_moments, hidden_cells

KEYS = ("respondent_type", "round", "arm", "school")
COLUMNS = [
    "respondent_type",
    "construct",
    "variable",
    "round",
    "round_label",
    "arm",
    "school",
    "n",
    "mean",
    "sd",
    "suppressed",
]
ALL_SCHOOLS = "(alle)"


class ScoreAggregates:
    def __init__(self, plan: ExportPlan) -> None:
        self.plan = plan
        self.sums: dict[tuple, np.ndarray] = defaultdict(lambda: np.zeros(3))

    def add(self, wide: pd.DataFrame) -> None:
        keys = wide[list(KEYS)].to_numpy()
        known = ~np.isnan(keys).any(axis=1)
        if not known.any():
            return
        cells, cell_of = np.unique(keys[known], axis=0, return_inverse=True)
        cell_of = cell_of.ravel()
        cell_keys = [tuple(cell) for cell in cells.tolist()]
        for variable in self.plan.scores():
            values = wide[variable.name].to_numpy()[known]
            scored = ~np.isnan(values)
            if not scored.any():
                continue
            cell, values = cell_of[scored], values[scored]
            sums = np.stack(
                [
                    np.bincount(cell, minlength=len(cells)).astype(float),
                    np.bincount(cell, weights=values, minlength=len(cells)),
                    np.bincount(cell, weights=values**2, minlength=len(cells)),
                ],
                axis=1,
            )
            for at in np.flatnonzero(sums[:, 0]).tolist():
                self.sums[(variable.name, *cell_keys[at])] += sums[at]

    def table(self) -> pd.DataFrame:
        if not self.sums:
            return pd.DataFrame(columns=COLUMNS)
        keys = pd.DataFrame(list(self.sums), columns=["variable", *KEYS])
        sums = np.array(list(self.sums.values()))
        keys["n"], keys["total"], keys["squares"] = sums[:, 0], sums[:, 1], sums[:, 2]
        by_arm = keys.groupby(["variable", "respondent_type", "round", "arm"], as_index=False)[
            ["n", "total", "squares"]
        ].sum()
        by_arm["school"] = np.nan
        table = pd.concat([by_arm, keys], ignore_index=True)
        # Each school's figure adds up to its arm's, the hierarchy suppression works over.
        arm_key = (
            table[["variable", "respondent_type", "round", "arm"]].astype(str).agg("|".join, axis=1)
        )
        is_school = table["school"].notna()
        table["node"] = arm_key.where(~is_school, arm_key + "|" + table["school"].astype(str))
        table["parent"] = arm_key.where(is_school, None)
        table["suppressed"] = hidden_cells(
            table, "node", "parent", "n", self.plan.project.min_group_size
        )
        mean, sd = combine_moments(
            table["n"].to_numpy(), table["total"].to_numpy(), table["squares"].to_numpy()
        )
        table["mean"], table["sd"] = mean, sd
        return self._labelled(table)

    def _labelled(self, table: pd.DataFrame) -> pd.DataFrame:
        plan = self.plan
        construct = {v.name: v.score.construct for v in plan.scores() if v.score}
        hidden = table["suppressed"].to_numpy(dtype=bool)
        out = pd.DataFrame(
            {
                "respondent_type": labels_of(
                    plan.variable("respondent_type").value_labels, table["respondent_type"]
                ),
                "construct": table["variable"].map(construct),
                "variable": table["variable"],
                "round": table["round"].astype(int),
                "round_label": labels_of(plan.variable("round").value_labels, table["round"]),
                "arm": labels_of(plan.variable("arm").value_labels, table["arm"]),
                "school": labels_of(plan.variable("school").value_labels, table["school"]).fillna(
                    ALL_SCHOOLS
                ),
                "n": pd.array(np.where(hidden, np.nan, table["n"]), dtype="Int64"),
                "mean": np.where(hidden, np.nan, table["mean"]).round(4),
                "sd": np.where(hidden, np.nan, table["sd"]).round(4),
                "suppressed": hidden.astype(int),
            }
        )
        order = ["variable", "round", "arm", "school"]
        return out.sort_values(order, kind="stable").reset_index(drop=True)[COLUMNS]
