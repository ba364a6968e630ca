"""What a panel fit adds: the pupils' own changes, and the MDE the panel gains.

In panel mode the trend model carries `(1 | pupil)`, so its changes are within-pupil changes:
each pupil is their own baseline. Beside the model this gives the plain within-pupil change
per round and arm (mean of each followed pupil's difference from their first round), and the
MDE the same answers would give as a cross-section: the pupil variance moved back into the
residual, and the contrast's standard error computed without the pupil term.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analytics.lmm_fit import MixedFit
from analytics.lmm_information import satterthwaite
from analytics.power import minimum_detectable_effect
from analytics.trend_design import TrendData

PANEL_CHANGE_COLUMNS = ["round", "arm", "pupils", "mean_change", "suppressed"]


def panel_changes(prepared: TrendData, min_group_size: int) -> pd.DataFrame:
    """Per later round and arm: how many pupils answered both it and the first round, and the
    mean of their own changes; hidden below `min_group_size` pupils."""
    cells = prepared.cells
    if "pupil" not in cells or not cells["panel"].any():
        return pd.DataFrame(columns=PANEL_CHANGE_COLUMNS)
    design = prepared.design
    frame = pd.DataFrame(
        {
            "pupil": cells["pupil"],
            "round": cells["round"],
            "treated": cells["treated"],
            "total": design.mean * design.count,
            "count": design.count,
        }
    )[cells["panel"].to_numpy()]
    per_round = frame.groupby(["pupil", "round"]).agg(
        total=("total", "sum"), count=("count", "sum"), treated=("treated", "first")
    )
    means = (per_round["total"] / per_round["count"]).unstack("round")
    treated = per_round["treated"].unstack("round")
    rows = []
    for r in range(1, len(prepared.rounds)):
        if 0 not in means or r not in means:
            continue
        change = (means[r] - means[0]).dropna()
        arm_of = treated.loc[change.index, r]
        for code, label in enumerate(prepared.arms):
            mine = change[arm_of.to_numpy() == code]
            hidden = len(mine) < min_group_size
            value = math.nan if hidden or mine.empty else float(mine.mean())
            rows.append((prepared.rounds[r], label, len(mine), value, hidden))
    return pd.DataFrame(rows, columns=PANEL_CHANGE_COLUMNS)


def cross_section_mde(
    cross_section: TrendData,
    fit: MixedFit,
    contrast_row: np.ndarray,
    alpha: float,
    power: float,
) -> float:
    """The MDE of the same contrast if these answers came from unlinked pupils: the pupil
    variance joins the residual, on the design without the pupil term."""
    if not np.all(np.isfinite(contrast_row)):
        return math.nan
    variances = dict(zip([*fit.term_names, "residual"], fit.variances, strict=True))
    pupil = variances.pop("pupil", 0.0)
    variances["residual"] += pupil
    names = [*cross_section.design.term_names, "residual"]
    if not set(names) <= set(variances):
        return math.nan
    values = np.array([variances[name] for name in names])
    if list(cross_section.design.x_names) != list(fit.x_names):
        return math.nan
    se, df = satterthwaite(cross_section.design, values, contrast_row[None, :])
    return minimum_detectable_effect(float(se[0]), float(df[0]), alpha, power)
