"""The standard trend model: does the outcome move more in intervention than in comparison
schools, round by round?

    outcome ~ C(round) * arm + (1 | school) + (1 | school:group) + (1 | school:round)

by REML; for parents and staff (no group) the class term is left out. In panel mode
(`pupil="card"`, a column of panel ids) the model adds `(1 | pupil)`, nested in the school.
Confidence intervals use a t reference with Satterthwaite degrees of freedom: with few
schools the normal approximation is too narrow (the coverage test in tests/analytics shows it).

    result = fit_trend(scores, outcome="score", round="round", school="school",
                       group="group", arm="arm")
    print(result.summary())
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special  # t quantiles and tails, without scipy.stats' half-second import
from threadpoolctl import threadpool_limits

from analytics.lmm_fit import MixedFit, fit_mixed
from analytics.lmm_information import satterthwaite
from analytics.lmm_ols import fit_ols
from analytics.power import minimum_detectable_effect, planned_did_mde
from analytics.suppression import check_min_group_size
from analytics.trend_design import NO_ARM, InsufficientDataError, TrendData, prepare_trend
from analytics.trend_panel import (
    PANEL_CHANGE_COLUMNS,
    collapse_pupils,
    cross_section_mde,
    panel_changes,
)
from analytics.trend_result import TrendResult, trend_warnings
from analytics.trend_suppression import hidden_cells, suppress_table

__all__ = ["InsufficientDataError", "TrendResult", "fit_trend"]

ENGINES = ("exact", "statsmodels")
PLANNING_SCHOOLS_PER_ARM: tuple[int, ...] = (5, 10, 20, 40)


#: One BLAS thread while fitting (threadpoolctl, a well-kept library, rather than our own
#: ctypes calls): the per-school matrices are small, so threads add only waits, and on a busy
#: machine multithreaded OpenBLAS more than doubled the CPU time of a panel fit.
@threadpool_limits.wrap(limits=1, user_api="blas")
def fit_trend(
    data: pd.DataFrame,
    outcome: str = "score",
    round: str = "round",
    school: str = "school",
    group: str | None = "group",
    arm: str | None = "arm",
    *,
    treated: str = "intervention",
    construct: str | None = None,
    respondent_type: str | None = None,
    min_group_size: int = 10,
    min_schools_per_arm: int = 10,
    alpha: float = 0.05,
    power: float = 0.8,
    engine: str = "exact",
    model: str = "full",
    pupil: str | None = None,
    arm_within_school: bool = False,
) -> TrendResult:
    """Fit the trend model to one row per response; say `group=None` for parents and staff,
    `arm=None` for a project without comparison schools.

    `model` drops random terms: "no_school_round", or "single_level" (only the school, or
    least squares when one school answered). `fit_with_fallback` chooses it for you.
    `pupil` names a panel id column (rows without an id are pupils of their own); the result's
    `panel_pupils` counts the pupils followed over two or more rounds.
    """
    check_min_group_size(min_group_size)
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}")
    if pupil is not None and engine != "exact":
        raise ValueError("panel mode (pupil) needs the exact engine")
    columns = (data, outcome, round, school, group, arm, treated, model)
    prepared = prepare_trend(*columns, pupil=pupil, arm_within_school=arm_within_school)
    if pupil is not None and prepared.panel_pupils == 0:
        raise InsufficientDataError(
            "ingen elev med kortkode har svart i mer enn én runde, så ingen kan følges over tid"
        )
    cell_engine = None
    if not prepared.design.term_names:
        fit = fit_ols(prepared.design)
    elif engine == "statsmodels":
        from analytics.lmm_statsmodels import fit_statsmodels

        fit, cell_engine = fit_statsmodels(prepared)
    else:
        fit, cell_engine = fit_mixed(prepared.design, second_opinion=pupil is None)
    rows, contrasts = _contrast_rows(prepared, fit)
    se, df = satterthwaite(prepared.design, fit.variances, contrasts, cell_engine)
    estimates = contrasts @ fit.beta
    table = _inference(rows, estimates, se, df, alpha)
    _check_uncertainty(table)
    counts = _counts(prepared)
    hidden = {key for key, why in hidden_cells(counts, min_group_size).items() if why}
    table = suppress_table(table, contrasts, hidden)
    final = _final_contrast(table, prepared)
    mde = (
        minimum_detectable_effect(float(final["se"]), float(final["df"]), alpha, power)
        if final is not None
        else float("nan")
    )
    components = _components(fit)
    mde_cross_section, changes_of_pupils = float("nan"), pd.DataFrame(columns=PANEL_CHANGE_COLUMNS)
    if "pupil" in fit.term_names:
        changes_of_pupils = panel_changes(prepared, min_group_size)
        if final is not None:
            row = contrasts[final.name]
            mde_cross_section = cross_section_mde(collapse_pupils(prepared), fit, row, alpha, power)
    schools_per_arm = (
        prepared.cells.groupby("treated")["school_code"]
        .nunique()
        .rename(index=dict(enumerate(prepared.arms)))
    ).to_dict()
    return TrendResult(
        outcome=outcome,
        construct=construct,
        respondent_type=respondent_type,
        engine=engine,
        formula=_formula(prepared, arm is not None),
        rounds=prepared.rounds,
        arms=prepared.arms,
        marginal_means=table[table["kind"] == "mean"].drop(columns="kind"),
        changes=table[table["kind"] == "change"].drop(columns="kind"),
        contrasts=table[table["kind"] == "did"].drop(columns=["kind", "arm"]),
        coefficients=table[table["kind"] == "coefficient"]
        .drop(columns=["kind", "round"])
        .rename(columns={"arm": "term"}),
        variance_components=components,
        counts=counts,
        n=fit.n,
        schools_per_arm={str(k): int(v) for k, v in schools_per_arm.items()},
        groups=int(prepared.cells["group"].nunique()) if group is not None else 0,
        loglik=fit.loglik,
        converged=fit.converged,
        boundary=fit.boundary,
        attempts=tuple(
            {"optimizer": a.optimizer, "start": a.start, "deviance": a.deviance, "ok": a.success}
            for a in fit.attempts
        ),
        mde=mde,
        mde_planning=_planning(prepared, components, alpha, power),
        alpha=alpha,
        power=power,
        min_group_size=min_group_size,
        warnings=trend_warnings(prepared, fit, min_schools_per_arm, bool(hidden)),
        notes=prepared.notes,
        model=model,
        panel_pupils=prepared.panel_pupils if "pupil" in fit.term_names else 0,
        panel_changes=changes_of_pupils,
        mde_cross_section=mde_cross_section,
    )


def _contrast_rows(prepared: TrendData, fit: MixedFit) -> tuple[pd.DataFrame, np.ndarray]:
    """Every estimate the result reports, as rows of a contrast matrix over the coefficients.

    A round x arm mean is the design row of any cell in that round and arm, which stays right
    when aliased columns were dropped; means of unobserved combinations are NaN rows.
    """
    cells = prepared.cells
    p = len(fit.beta)
    has_arm = prepared.arms != (NO_ARM,)
    arm_codes = (0, 1) if has_arm else (0,)
    means: dict[tuple[int, int], np.ndarray] = {}
    for r in range(len(prepared.rounds)):
        for a in arm_codes:
            where = np.flatnonzero((cells["round"] == r) & (cells["treated"] == a))
            means[r, a] = prepared.design.x[where[0]] if len(where) else np.full(p, np.nan)
    rows: list[tuple[str, str | None, str | None]] = []
    vectors: list[np.ndarray] = []
    for (r, a), vector in means.items():
        rows.append(("mean", prepared.rounds[r], prepared.arms[a]))
        vectors.append(vector)
    for (r, a), vector in means.items():
        if r > 0:
            rows.append(("change", prepared.rounds[r], prepared.arms[a]))
            vectors.append(vector - means[0, a])
    if has_arm:
        for r in range(1, len(prepared.rounds)):
            rows.append(("did", prepared.rounds[r], None))
            vectors.append((means[r, 1] - means[0, 1]) - (means[r, 0] - means[0, 0]))
    for index, name in enumerate(fit.x_names):
        rows.append(("coefficient", None, name))
        vectors.append(np.eye(p)[index])
    frame = pd.DataFrame(rows, columns=["kind", "round", "arm"])
    return frame, np.vstack(vectors)


def _inference(
    rows: pd.DataFrame, estimates: np.ndarray, se: np.ndarray, df: np.ndarray, alpha: float
) -> pd.DataFrame:
    quantile = special.stdtrit(df, 1 - alpha / 2)
    table = rows.copy()
    table["estimate"] = estimates
    table["se"] = se
    table["df"] = df
    table["ci_low"] = estimates - quantile * se
    table["ci_high"] = estimates + quantile * se
    table["p_value"] = 2 * special.stdtr(df, -np.abs(estimates / se))
    table.loc[~np.isfinite(estimates), ["se", "df", "ci_low", "ci_high", "p_value"]] = np.nan
    table["suppressed"] = False
    return table.reset_index(drop=True)


def _check_uncertainty(table: pd.DataFrame) -> None:
    """A fit whose means have no finite, positive standard error cannot carry an interval."""
    means = table[(table["kind"] == "mean") & np.isfinite(table["estimate"])]
    usable = np.isfinite(means["se"]) & (means["se"] > 0) & np.isfinite(means["df"])
    if means.empty or not usable.all():
        raise InsufficientDataError(
            "usikkerheten kan ikke beregnes, fordi svarene varierer for lite"
        )


def _final_contrast(table: pd.DataFrame, prepared: TrendData) -> pd.Series | None:
    """The estimate the MDE is about: the last round's DiD, or its change with no arms."""
    kind = "did" if prepared.arms != (NO_ARM,) else "change"
    rows = table[(table["kind"] == kind) & np.isfinite(table["se"])]
    return None if rows.empty else rows.iloc[-1]


def _counts(prepared: TrendData) -> pd.DataFrame:
    cells = prepared.cells
    grouped = cells.groupby(["round", "treated"])
    counts = pd.DataFrame(
        {
            "responses": grouped["count"].sum(),
            "schools": grouped["school_code"].nunique(),
            "groups": grouped["group"].nunique() if cells["group"].notna().any() else 0,
        }
    ).reset_index()
    counts["round"] = [prepared.rounds[r] for r in counts["round"]]
    counts["arm"] = [prepared.arms[a] for a in counts.pop("treated")]
    return counts[["round", "arm", "responses", "schools", "groups"]]


def _components(fit: MixedFit) -> pd.DataFrame:
    names = [*fit.term_names, "residual"]
    total = float(fit.variances.sum())
    return pd.DataFrame(
        {
            "component": names,
            "variance": fit.variances,
            "sd": np.sqrt(fit.variances),
            "icc": fit.variances / total,
        }
    )


def _planning(
    prepared: TrendData, components: pd.DataFrame, alpha: float, power: float
) -> dict[str, float]:
    """The MDE this evaluation's variances would give with other numbers of schools per arm."""
    variance = components.set_index("component")["variance"]
    per_school_round = prepared.cells.groupby(["school_code", "round"])["count"].sum().mean()
    return {
        str(schools): planned_did_mde(
            schools,
            float(per_school_round),
            float(variance.get("school:round", 0.0)),
            float(variance["residual"]),
            alpha,
            power,
        )
        for schools in PLANNING_SCHOOLS_PER_ARM
    }


def _formula(prepared: TrendData, has_arm: bool) -> str:
    fixed = "C(round) * arm" if has_arm else "C(round)"
    random = "".join(f" + (1 | {name})" for name in prepared.design.term_names)
    return f"outcome ~ {fixed}{random}"
