"""Panel figures: how the same pupils changed between the first and the last round.

A pupil is a panel member id (a pseudonym); one who answered in only one of the two rounds
is left out here and still counted in every cross-sectional figure. A row is shown only for
at least `min_group_size` pupils seen in both rounds; when one arm's row is hidden, the other
arm's is too, since it could be recovered from the row of all pupils by subtraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from analytics.reporting import format_table, frame_to_records
from analytics.suppression import check_min_group_size

_VALUES = ["n", "share_better", "share_worse", "mean_change"]


@dataclass(frozen=True, eq=False)  # holds a frame: compare fields
class PanelChange:
    """Within-pupil change from `first_round` to `last_round`, for all pupils and per arm."""

    construct: str | None
    respondent_type: str | None
    first_round: str | None
    last_round: str | None
    higher_is_better: bool
    min_group_size: int
    table: pd.DataFrame  #: level, arm, n, share_better, share_worse, mean_change, suppressed

    def summary(self) -> str:
        lines = [
            f"Panel: de samme elevene fra {self.first_round} til {self.last_round}"
            f" ({self.construct or ''})",
            "=" * 78,
            f"Vist bare for minst {self.min_group_size} elever som svarte i begge rundene.",
            "-" * 78,
        ]
        columns = ["level", "arm", *_VALUES, "suppressed"]
        return "\n".join(lines + format_table(self.table.fillna(np.nan), columns))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "panel",
            "construct": self.construct,
            "respondent_type": self.respondent_type,
            "first_round": self.first_round,
            "last_round": self.last_round,
            "higher_is_better": self.higher_is_better,
            "min_group_size": self.min_group_size,
            "table": frame_to_records(self.table),
        }


def _row(level: str, arm: str | None, change: pd.Series, higher_is_better: bool) -> dict:
    better = change > 0 if higher_is_better else change < 0
    worse = change < 0 if higher_is_better else change > 0
    return {
        "level": level,
        "arm": arm,
        "n": len(change),
        "share_better": float(better.mean()) if len(change) else np.nan,
        "share_worse": float(worse.mean()) if len(change) else np.nan,
        "mean_change": float(change.mean()) if len(change) else np.nan,
    }


def panel_change(
    data: pd.DataFrame,
    outcome: str = "score",
    round: str = "round",
    pupil: str = "pupil",
    arm: str | None = "arm",
    *,
    higher_is_better: bool = True,
    construct: str | None = None,
    respondent_type: str | None = None,
    min_group_size: int = 10,
) -> PanelChange:
    """Share of pupils who got better or worse, and the mean change, first to last round."""
    check_min_group_size(min_group_size)
    frame = data.loc[data[outcome].notna() & data[pupil].notna()]
    rounds = [str(label) for label in pd.Series(frame[round]).dropna().unique()]
    if isinstance(frame[round].dtype, pd.CategoricalDtype):
        order = [str(c) for c in frame[round].cat.categories]
        rounds = sorted(rounds, key=order.index)
    first, last = (rounds[0], rounds[-1]) if len(rounds) >= 2 else (None, None)
    rows: list[dict] = []
    if first is not None:
        keys = [pupil, *([arm] if arm else [])]
        means = frame.groupby([*keys, frame[round].astype(str)], observed=True)[outcome].mean()
        wide = means.unstack(round)
        both = wide[[first, last]].dropna()
        change = both[last] - both[first]
        rows.append(_row("alle", None, change, higher_is_better))
        if arm:
            arms = change.index.get_level_values(arm)
            for name in sorted(set(arms)):
                rows.append(_row("arm", str(name), change[arms == name], higher_is_better))
    table = pd.DataFrame(rows, columns=["level", "arm", *_VALUES])
    table["suppressed"] = np.where(table["n"] < min_group_size, "for få elever", "")
    arm_rows = table["level"] == "arm"
    if (table.loc[arm_rows, "suppressed"] != "").any():
        table.loc[arm_rows & (table["suppressed"] == ""), "suppressed"] = "kan regnes ut"
    hidden = table["suppressed"] != ""
    table.loc[hidden, _VALUES] = np.nan
    return PanelChange(
        construct, respondent_type, first, last, higher_is_better, min_group_size, table
    )
