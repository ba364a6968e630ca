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

from analytics.lmm import CellDesign
from analytics.lmm_fit import MixedFit
from analytics.lmm_information import satterthwaite
from analytics.power import minimum_detectable_effect
from analytics.trend_design import TrendData, first_of_each

PANEL_CHANGE_COLUMNS = ["round", "arm", "pupils", "mean_change", "suppressed"]


def panel_changes(prepared: TrendData, min_group_size: int) -> pd.DataFrame:
    """Per later round and arm: how many pupils answered both it and the first round, and the
    mean of their own changes; a round's arms are hidden together when one has fewer than
    `min_group_size` pupils."""
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
        arms = [change[arm_of.to_numpy() == code] for code in range(len(prepared.arms))]
        # One arm hidden hides the round's others: the panel figures of all pupils (first to
        # last round) would give a hidden arm back by subtraction. A hidden count is hidden.
        hidden = any(0 < len(mine) < min_group_size for mine in arms)
        for label, mine in zip(prepared.arms, arms, strict=True):
            if mine.empty:
                rows.append((prepared.rounds[r], label, 0, math.nan, True))
            elif hidden:
                rows.append((prepared.rounds[r], label, math.nan, math.nan, True))
            else:
                rows.append((prepared.rounds[r], label, len(mine), float(mine.mean()), False))
    return pd.DataFrame(rows, columns=PANEL_CHANGE_COLUMNS)


def collapse_pupils(prepared: TrendData) -> CellDesign:
    """The same answers as cross-sections: cells merged over pupils (class x round), and the
    pupil term left out."""
    design = prepared.design
    keep = [i for i, name in enumerate(design.term_names) if name != "pupil"]
    key = prepared.cells["round"].to_numpy() * 2 + prepared.cells["treated"].to_numpy()
    for index in keep:
        key = pd.factorize(
            key * (int(design.term_levels[index].max()) + 1) + design.term_levels[index]
        )[0]
    merged = key.astype(np.int64)
    cells = int(merged.max()) + 1
    count = np.bincount(merged, design.count, cells)
    mean = np.bincount(merged, design.count * design.mean, cells) / count
    spread = design.count * (design.mean - mean[merged]) ** 2
    within_ss = np.bincount(merged, design.within_ss + spread, cells)
    first = first_of_each(merged)
    return CellDesign(
        x=design.x[first],
        count=count,
        mean=mean,
        within_ss=within_ss,
        block=design.block[first],
        term_names=tuple(design.term_names[i] for i in keep),
        term_levels=tuple(design.term_levels[i][first] for i in keep),
        x_names=design.x_names,
    )


def cross_section_mde(
    cross_section: CellDesign,
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
    names = [*cross_section.term_names, "residual"]
    values = np.array([variances[name] for name in names])
    se, df = satterthwaite(cross_section, values, contrast_row[None, :])
    return minimum_detectable_effect(float(se[0]), float(df[0]), alpha, power)
