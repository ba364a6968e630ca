"""Descriptive tables per round, arm, school and group, with suppression built in.

Every table leaves this module already suppressed, so no caller can forget it: a hidden
row keeps its labels and why it is hidden, and loses its n, mean and SD.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.reporting import format_table, frame_to_records
from analytics.suppression import check_min_group_size, suppressed_frame

LEVELS = ("alle", "arm", "skole", "gruppe")
_VALUES = ["n", "mean", "sd"]


@dataclass(frozen=True, eq=False)  # holds arrays or frames: compare fields
class DescriptiveTable:
    """n, mean and SD per round at each level (all, arm, school, group), suppressed."""

    outcome: str
    construct: str | None
    respondent_type: str | None
    min_group_size: int
    table: pd.DataFrame  #: level, round, arm, school, group, n, mean, sd, suppressed

    def summary(self) -> str:
        title = f"Beskrivende tall: {self.construct or self.outcome}"
        if self.respondent_type:
            title += f" ({self.respondent_type})"
        hidden = int((self.table["suppressed"] != "").sum())
        lines = [
            title,
            "=" * 78,
            f"Skjult: {hidden} av {len(self.table)} rader (færre enn {self.min_group_size} "
            "svar, eller nødvendig for at skjulte tall ikke kan regnes ut fra summer)",
            "-" * 78,
        ]
        columns = ["round", "level", "arm", "school", "group", *_VALUES, "suppressed"]
        return "\n".join(lines + format_table(self.table.fillna(np.nan), columns))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "descriptives",
            "outcome": self.outcome,
            "construct": self.construct,
            "respondent_type": self.respondent_type,
            "min_group_size": self.min_group_size,
            "table": frame_to_records(self.table),
        }


def describe(
    data: pd.DataFrame,
    outcome: str = "score",
    round: str = "round",
    school: str = "school",
    group: str | None = "group",
    arm: str | None = "arm",
    *,
    construct: str | None = None,
    respondent_type: str | None = None,
    min_group_size: int = 10,
) -> DescriptiveTable:
    """n, mean and SD of the outcome at every level of round > arm > school > group."""
    check_min_group_size(min_group_size)
    frame = data.loc[data[outcome].notna()].copy()
    if group is not None:
        frame[group] = frame[group].astype(object).where(frame[group].notna(), "(ingen gruppe)")
    base = [arm] if arm is not None else []
    keys: list[tuple[str, list[str]]] = [("alle", []), ("skole", [*base, school])]
    if arm is not None:
        keys.insert(1, ("arm", [arm]))
    if group is not None:
        keys.append(("gruppe", [*base, school, group]))
    parts = []
    for depth, (level, columns) in enumerate(keys):
        stats = (
            frame.groupby([round, *columns], sort=True)[outcome]
            .agg(n="count", mean="mean", sd="std")
            .reset_index()
        )
        stats["level"] = level
        stats["node"] = _node_ids(stats, depth, [round, *columns])
        stats["parent"] = (
            _node_ids(stats, depth - 1, [round, *keys[depth - 1][1]]) if depth else None
        )
        parts.append(stats)
    table = pd.concat(parts, ignore_index=True)
    table["suppressed"] = suppressed_frame(table, "node", "parent", "n", min_group_size)
    table["n"] = table["n"].astype(float)
    table.loc[table["suppressed"] != "", _VALUES] = np.nan
    renames = {round: "round", school: "school"}
    renames.update({arm: "arm"} if arm is not None else {})
    renames.update({group: "group"} if group is not None else {})
    table = table.rename(columns=renames)
    for column in ("arm", "school", "group"):
        if column not in table.columns:
            table[column] = None
        table[column] = table[column].astype(object).where(table[column].notna(), None)
    table = table[["level", "round", "arm", "school", "group", *_VALUES, "suppressed"]]
    return DescriptiveTable(outcome, construct, respondent_type, min_group_size, table)


def _node_ids(stats: pd.DataFrame, depth: int, columns: list[str]) -> list[str]:
    """A node's id: its depth and its key values, so parents can be named from children."""
    keys = zip(*(stats[c] for c in columns), strict=True)
    return [f"{depth}|" + "|".join(map(str, key)) for key in keys]
