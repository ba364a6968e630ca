"""Model-based school estimates: each school's level per round, pulled toward its arm's mean.

A small school's own mean swings with who happened to answer. The trend model knows how much
schools really differ (its variance components), so the best linear unbiased predictor (BLUP)
of school s's deviation from its arm in round r, theta_r = u_school + u_school:round, is

    theta_hat = C V^-1 d,    d_r = mean_r - arm_mean_r   (the school's own rounds)
    V[r, r'] = var_school + var_class / G + [r = r'] (var_school:round + var_residual / n_r)
    C[r, r'] = var_school + [r = r'] var_school:round

with posterior variance diag(C_all - C V^-1 C'). The school's estimate is arm_mean + theta_hat:
with many answers it follows the school's own mean; with few it stays near the arm's.

Given the fitted variances and arm means it is exact when the input is per class and round
(pupils; the class term then enters as itself) or when there is no class term (parents,
staff). From whole-school means with a class term it approximates: the school's G classes are
taken as equally large and present in every round. Hidden cells (too few answers) are left
out, and a round with none shown gets no estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analytics.reporting import format_table, frame_to_records

COLUMNS = [
    "school",
    "arm",
    "round",
    "n",
    "observed",
    "arm_mean",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "weight",
]


@dataclass(frozen=True)
class SchoolEstimates:
    """Per school x round: n, the school's own mean, its arm's mean and the model estimate.

    `weight` is how much of the estimate rests on the school's own answers (1 - posterior
    variance / prior variance of its deviation): near 0 it is pulled all the way to the arm
    mean, near 1 it is the school's own mean.
    """

    table: pd.DataFrame
    variances: dict[str, float]
    alpha: float

    def summary(self) -> str:
        level = round(100 * (1 - self.alpha))
        lines = [
            "Skoleanslag (BLUP) fra trendmodellen",
            "=" * 78,
            "Varianser: " + ", ".join(f"{k} {v:.4f}" for k, v in self.variances.items()),
            f"Intervall: {level} % (normal), med usikkerheten i gruppegjennomsnittet",
            "-" * 78,
        ]
        return "\n".join(lines + format_table(self.table, COLUMNS))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "school_estimates",
            "variances": dict(self.variances),
            "alpha": self.alpha,
            "table": frame_to_records(self.table),
        }


def school_estimates(
    arm_means: pd.DataFrame,
    variances: Mapping[str, float],
    school_means: pd.DataFrame,
    *,
    alpha: float = 0.05,
) -> SchoolEstimates:
    """Shrunken school estimates, one row per school x round of `school_means`.

    `arm_means`: round, arm, estimate, se (the model's marginal means). `variances`: the
    variance components by the trend model's names (school, school:group, school:round,
    residual; a missing one counts as 0). `school_means`: school, arm, round, n, mean, and
    either `group` (each row one class in one round: exact) or optionally `groups` (each row a
    whole school-round, answered by that many classes: approximate). A NaN mean is a hidden
    (suppressed) cell and is left out.
    """
    var = {k: float(variances.get(k, 0.0)) for k in ("school", "school:group", "school:round")}
    var["residual"] = float(variances["residual"])
    quantile = float(stats.norm.ppf(1 - alpha / 2))
    arms = _by_round_and_arm(arm_means)
    rows: list[dict[str, Any]] = []
    for (school, arm), part in school_means.groupby(["school", "arm"], sort=True):
        cells = part.reset_index(drop=True)
        rounds = list(dict.fromkeys(cells["round"]))
        nothing = (float("nan"), float("nan"))
        mu = {r: arms.get((r, arm), nothing)[0] for r in rounds}
        mu_se = {r: arms.get((r, arm), nothing)[1] for r in rounds}
        mean = cells["mean"].to_numpy(dtype=float)
        n = cells["n"].to_numpy(dtype=float)
        fixed = np.array([mu[r] for r in cells["round"]])
        usable = np.isfinite(mean) & np.isfinite(fixed) & (n > 0)
        theta, theta_var = _blup(cells[usable], mean[usable] - fixed[usable], rounds, var)
        prior = var["school"] + var["school:round"]
        for index, round_label in enumerate(rounds):
            in_round = usable & (cells["round"] == round_label).to_numpy()
            shown = bool(in_round.any())
            estimate = mu[round_label] + theta[index] if shown else np.nan
            se = float(np.sqrt(theta_var[index] + mu_se[round_label] ** 2)) if shown else np.nan
            rows.append(
                {
                    "school": school,
                    "arm": arm,
                    "round": round_label,
                    "n": float(n[in_round].sum()) if shown else np.nan,
                    "observed": float(np.average(mean[in_round], weights=n[in_round]))
                    if shown
                    else np.nan,
                    "arm_mean": mu[round_label],
                    "estimate": estimate,
                    "se": se,
                    "ci_low": estimate - quantile * se,
                    "ci_high": estimate + quantile * se,
                    "weight": 1 - theta_var[index] / prior if shown and prior > 0 else np.nan,
                }
            )
    table = pd.DataFrame(rows, columns=COLUMNS)
    return SchoolEstimates(table, var, alpha)


def _blup(
    cells: pd.DataFrame, deviation: np.ndarray, rounds: list[Any], var: Mapping[str, float]
) -> tuple[np.ndarray, np.ndarray]:
    """theta_hat per round of one school and its posterior variance, from its shown cells."""
    size = len(rounds)
    prior = var["school"] * np.ones((size, size)) + var["school:round"] * np.eye(size)
    if len(cells) == 0:
        return np.zeros(size), np.diag(prior).copy()
    position = {r: i for i, r in enumerate(rounds)}
    cell_round = np.array([position[r] for r in cells["round"]])
    same_round = cell_round[:, None] == cell_round[None, :]
    if "group" in cells:
        labels = cells["group"].astype(str).to_numpy()
        class_cov = var["school:group"] * (labels[:, None] == labels[None, :])
    else:
        groups = cells["groups"].to_numpy(dtype=float) if "groups" in cells else np.ones(1)
        class_cov = np.full(same_round.shape, var["school:group"] / max(groups.max(), 1.0))
    noise = var["residual"] / cells["n"].to_numpy(dtype=float)
    v = var["school"] + var["school:round"] * same_round + class_cov + np.diag(noise)
    c = var["school"] + var["school:round"] * (np.arange(size)[:, None] == cell_round[None, :])
    solved = np.linalg.solve(v, np.column_stack([deviation, c.T]))
    theta = c @ solved[:, 0]
    posterior = np.diag(prior) - np.einsum("ij,ji->i", c, solved[:, 1:])
    return theta, np.maximum(posterior, 0.0)


def _by_round_and_arm(arm_means: pd.DataFrame) -> dict[tuple[Any, Any], tuple[float, float]]:
    """(estimate, se) by (round, arm); a missing value is NaN. A dict, not a frame's .loc:
    the dashboard's school page looks these up for every school and round it draws."""

    def value(x: Any) -> float:
        return float(x) if x is not None else float("nan")

    columns = arm_means[["round", "arm", "estimate", "se"]].itertuples(index=False, name=None)
    return {(r, a): (value(e), value(se)) for r, a, e, se in columns}
