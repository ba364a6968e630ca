"""A design-based check beside the trend model: what the schools' own changes say.

With few schools the mixed model's confidence intervals lean on its assumptions (normal
errors, equal variances, enough clusters for the degrees of freedom). Two checks need far
less, and stand beside every difference-in-differences:

- Randomisation inference. Each school's change from the baseline round is its mean in the
  round minus its mean at baseline. The statistic is the intervention schools' mean change
  minus the comparison schools'. Under the sharp null (the intervention changed no school),
  any assignment of the same number of schools to the intervention was as likely as the one
  made, so the p-value is the share of assignments whose statistic is at least as far from
  zero as the observed one. All assignments are enumerated up to `max_assignments`; beyond,
  that many are drawn at random. The smallest p the design can give is 1/assignments, or
  2/assignments when the arms are of equal size (an assignment and its mirror image give the
  same distance from zero): with 4 + 4 schools that is 2/70 ≈ 0.029.
- Two-stage cluster means. The same estimate with a t-interval on (schools - 2) degrees of
  freedom from the pooled variance of the schools' changes: each school counts once, however
  many pupils answered.

    checks = design_check(scores, outcome="score", round="round", school="school", arm="arm")
    for check in checks:
        print(check.round, check.estimate, check.p_randomisation, check.p_min)
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from analytics.reporting import json_number
from analytics.trend_result import TrendResult

MAX_ASSIGNMENTS = 10_000
#: Statistics this close to the observed one count as equally extreme (float noise).
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class DesignCheck:
    """The design-based difference-in-differences of one round against the baseline."""

    round: str
    baseline: str
    estimate: float  #: mean change of intervention schools minus that of comparison schools
    se: float
    df: int
    ci_low: float
    ci_high: float
    p_t: float  #: two-sided p of the two-stage t-test
    p_randomisation: float  #: two-sided randomisation p
    p_min: float  #: the smallest two-sided randomisation p this design can give
    assignments: int  #: reassignments the randomisation p is computed over
    exact: bool  #: True when all assignments were enumerated
    schools_treated: int
    schools_comparison: int

    def can_reach(self, alpha: float = 0.05) -> bool:
        """Whether any outcome at all could make the randomisation test significant."""
        return self.p_min < alpha

    def to_dict(self) -> dict[str, Any]:
        return {key: json_number(value) for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DesignCheck:
        values = {name: data.get(name) for name in cls.__dataclass_fields__}
        for name in ("estimate", "se", "ci_low", "ci_high", "p_t", "p_randomisation", "p_min"):
            values[name] = float("nan") if values[name] is None else float(values[name])
        return cls(**values)


def design_check(
    data: pd.DataFrame,
    outcome: str = "score",
    round: str = "round",
    school: str = "school",
    arm: str = "arm",
    *,
    treated: str = "intervention",
    rounds: Sequence[str] | None = None,
    alpha: float = 0.05,
    max_assignments: int = MAX_ASSIGNMENTS,
    seed: int = 20211,
) -> list[DesignCheck]:
    """One check per round after the first, each against the first (baseline) round.

    `rounds` gives the order of the rounds (default: sorted labels). A school counts in a
    round's check only if it has answers in both that round and the baseline; a round with
    fewer than two such schools in either arm gets no check.
    """
    means, school_treated = school_means(data, outcome, round, school, arm, treated)
    order = [str(r) for r in rounds] if rounds is not None else sorted(means.columns)
    if len(order) < 2 or order[0] not in means.columns:
        return []
    baseline = order[0]
    checks = []
    for label in order[1:]:
        if label not in means.columns:
            continue
        change = (means[label] - means[baseline]).dropna()
        is_treated = school_treated[change.index].to_numpy(dtype=bool)
        if min(is_treated.sum(), (~is_treated).sum()) < 2:
            continue
        checks.append(
            _check(
                change.to_numpy(dtype=float),
                is_treated,
                label,
                baseline,
                alpha,
                max_assignments,
                np.random.default_rng(seed),
            )
        )
    return checks


def school_means(
    data: pd.DataFrame, outcome: str, round: str, school: str, arm: str, treated: str
) -> tuple[pd.DataFrame, pd.Series]:
    """Each school's mean outcome per round (school × round), and whether it is treated."""
    frame = pd.DataFrame(
        {
            "school": data[school].to_numpy(),
            "round": data[round].astype(str).to_numpy(),
            "y": pd.to_numeric(data[outcome], errors="coerce").to_numpy(dtype=float),
            "treated": (data[arm].astype(str) == treated).to_numpy(),
        }
    ).dropna(subset=["y"])
    arms = frame.groupby("school")["treated"].nunique()
    if (arms > 1).any():
        raise ValueError(f"schools in both arms: {sorted(map(str, arms[arms > 1].index))}")
    grouped = frame.groupby(["school", "round"], sort=True)["y"].mean()
    return grouped.unstack("round"), frame.groupby("school")["treated"].first()


def _check(
    change: np.ndarray,
    is_treated: np.ndarray,
    label: str,
    baseline: str,
    alpha: float,
    max_assignments: int,
    rng: np.random.Generator,
) -> DesignCheck:
    n, k = len(change), int(is_treated.sum())
    observed = _statistic(is_treated[None, :], change)[0]
    assignments, exact = _assignments(n, k, max_assignments, rng)
    spread = np.abs(_statistic(assignments, change))
    extreme = int(np.sum(spread >= abs(observed) - TIE_TOLERANCE * (1 + abs(observed))))
    mirrored = 2 if k * 2 == n else 1
    if exact:
        p_random, p_min = extreme / len(assignments), mirrored / len(assignments)
    else:  # the observed assignment is counted among the drawn ones (Phipson & Smyth 2010)
        p_random = (extreme + 1) / (len(assignments) + 1)
        p_min = 1 / (len(assignments) + 1)
    treated, comparison = change[is_treated], change[~is_treated]
    df = n - 2
    pooled = (
        np.sum((treated - treated.mean()) ** 2) + np.sum((comparison - comparison.mean()) ** 2)
    ) / df
    se = math.sqrt(pooled * (1 / k + 1 / (n - k)))
    quantile = special.stdtrit(df, 1 - alpha / 2)  # scipy.stats costs a second to import
    p_t = float(2 * special.stdtr(df, -abs(observed) / se)) if se > 0 else float("nan")
    return DesignCheck(
        round=label,
        baseline=baseline,
        estimate=float(observed),
        se=se,
        df=df,
        ci_low=float(observed - quantile * se),
        ci_high=float(observed + quantile * se),
        p_t=p_t,
        p_randomisation=float(min(1.0, p_random)),
        p_min=float(p_min),
        assignments=len(assignments),
        exact=exact,
        schools_treated=k,
        schools_comparison=n - k,
    )


def _statistic(assignments: np.ndarray, change: np.ndarray) -> np.ndarray:
    """Mean change of the schools marked True minus that of the others, per assignment."""
    marked = assignments.astype(float)
    k = marked.sum(axis=1)
    return marked @ change / k - (1 - marked) @ change / (len(change) - k)


def _assignments(
    n: int, k: int, max_assignments: int, rng: np.random.Generator
) -> tuple[np.ndarray, bool]:
    """All ways to choose k of n schools, or `max_assignments` drawn at random."""
    if math.comb(n, k) <= max_assignments:
        return _all_assignments(n, k), True
    order = np.argsort(rng.random((max_assignments, n)), axis=1)
    chosen = np.zeros((max_assignments, n), dtype=bool)
    np.put_along_axis(chosen, order[:, :k], True, axis=1)
    return chosen, False


@functools.lru_cache(maxsize=32)
def _all_assignments(n: int, k: int) -> np.ndarray:
    combinations = np.fromiter(
        itertools.chain.from_iterable(itertools.combinations(range(n), k)),
        dtype=np.int64,
        count=math.comb(n, k) * k,
    ).reshape(-1, k)
    chosen = np.zeros((len(combinations), n), dtype=bool)
    np.put_along_axis(chosen, combinations, True, axis=1)
    chosen.flags.writeable = False
    return chosen


def with_design_checks(
    result: TrendResult,
    data: pd.DataFrame,
    outcome: str = "score",
    round: str = "round",
    school: str = "school",
    arm: str = "arm",
    *,
    treated: str = "intervention",
) -> TrendResult:
    """The fitted trend with the design-based check of each round's DiD beside it.

    A round whose model DiD is hidden (too few answers) gets no check either, so the check
    never shows what suppression hides; a project without two arms gets none.
    """
    if not result.is_model or len(result.arms) < 2 or result.contrasts.empty:
        return result
    if (data.groupby(school)[arm].nunique() > 1).any():
        return result  # classes, not schools, were assigned: no reassignment of schools to test
    shown = {
        str(row["round"])
        for _, row in result.contrasts.iterrows()
        if not row["suppressed"] and np.isfinite(row["estimate"])
    }
    checks = design_check(
        data, outcome, round, school, arm, treated=treated, rounds=result.rounds, alpha=result.alpha
    )
    kept = tuple(check.to_dict() for check in checks if check.round in shown)
    warnings = result.warnings + tuple(attrition_warnings(result))
    return replace(result, design_checks=kept, warnings=warnings)


#: Responses kept since the first round, in one arm against the other, that no check repairs.
ATTRITION_GAP = 0.20


def attrition_warnings(result: TrendResult, gap: float = ATTRITION_GAP) -> list[str]:
    """A warning when one arm kept clearly fewer of its first round's responses than the other.

    When the pupils who stop answering differ from those who stay, and more stop in one arm,
    the difference in change can come from who answered. Neither the model nor the
    design-based check can repair that (the coverage benchmark's "selective" scenario), so the
    reading must say so.
    """
    counts = result.counts
    if counts.empty or len(result.arms) < 2 or len(result.rounds) < 2:
        return []
    table = counts.pivot_table(index="round", columns="arm", values="responses", aggfunc="sum")
    first = result.rounds[0]
    if first not in table.index:
        return []
    warned = []
    for label in result.rounds[1:]:
        if label not in table.index:
            continue
        kept = table.loc[label] / table.loc[first]
        if kept.isna().any() or len(kept) < 2:
            continue
        if abs(float(kept.iloc[0]) - float(kept.iloc[1])) >= gap:
            fewer, more = (
                (kept.index[0], kept.index[1])
                if kept.iloc[0] < kept.iloc[1]
                else (kept.index[1], kept.index[0])
            )
            warned.append(
                f"I {label} svarte {_percent(kept[fewer])} så mange som i {first} på "
                f"{_arm_nb(fewer)}, mot {_percent(kept[more])} på {_arm_nb(more)}. Når flere "
                "faller fra i den ene gruppen, kan forskjellen i endring komme av hvem som "
                "svarte. Verken modellen eller kontrollen på skolenivå retter for det."
            )
    return warned


def _percent(share: float) -> str:
    return f"{round(100 * share)} %"


def _arm_nb(arm: str) -> str:
    return {"intervention": "tiltaksskolene", "comparison": "sammenligningsskolene"}.get(
        arm, str(arm)
    )


def agreement(
    check: DesignCheck, model_estimate: float, model_p: float, alpha: float = 0.05
) -> str:
    """How the model and the design-based check relate, as one code for the reading:

    "unreachable": the design cannot give p < alpha, so no result can be called clear;
    "direction": the two point the opposite way;
    "model_only": the model is significant and the randomisation test is not;
    "design_only": the randomisation test is significant and the model is not;
    "agree": both are significant in the same direction, or neither is.
    """
    if not check.can_reach(alpha):
        return "unreachable"
    if np.sign(model_estimate) != np.sign(check.estimate) and (
        model_p < alpha or check.p_randomisation < alpha
    ):
        return "direction"
    model_clear, design_clear = model_p < alpha, check.p_randomisation < alpha
    if model_clear and not design_clear:
        return "model_only"
    if design_clear and not model_clear:
        return "design_only"
    return "agree"
