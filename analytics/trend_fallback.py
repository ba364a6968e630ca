"""The trend model that the data can carry, from the full model down, and why.

    full             outcome ~ C(round) * arm + (1 | school) + (1 | school:group)
                                                + (1 | school:round)
    no_school_round  without (1 | school:round): one round, or the full model failed
    single_level     (1 | school) only; least squares when one school answered
    descriptives     means per round and arm, suppressed, without intervals

In panel mode (`pupil` given) the full model adds `(1 | pupil)` first; when no pupil was
followed over two rounds, or that fit fails, the answers are fitted as cross-sections down
the same chain, and `reason_nb` says so.

Each construct x respondent type gets a result whatever its data: the rung that could be
fitted, with `model` saying which and `reason_nb` why, in plain Norwegian.

    result = fit_with_fallback(scores, construct="trivsel", respondent_type="pupil")
    print(result.model, result.reason_nb)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.descriptives import describe
from analytics.design_check import with_design_checks
from analytics.ordinal_sensitivity import with_ordinal_sensitivity
from analytics.suppression import check_min_group_size
from analytics.trend import DF_METHODS, fit_trend
from analytics.trend_design import NO_ARM, InsufficientDataError, round_order, treated_indicator
from analytics.trend_result import MODELS, SUPPRESSED_WARNING, TrendResult

__all__ = ["MODELS", "describe_trend", "fit_with_fallback"]

log = logging.getLogger(__name__)

_FITTED = MODELS[:3]
_FAILED = {
    "full": "Den fulle modellen kunne ikke beregnes ({why}).",
    "no_school_round": "Modellen uten skole × runde kunne ikke beregnes ({why}).",
    "single_level": "Heller ikke en enklere modell med bare skole kunne beregnes ({why}).",
}
_PANEL_FAILED = (
    "Panelmodellen, som følger de samme elevene over tid, kunne ikke beregnes ({why}). "
    "Svarene er derfor analysert som tverrsnitt, uten å koble elevene mellom rundene."
)
_ESTIMATES = ["estimate", "se", "df", "ci_low", "ci_high", "p_value", "suppressed"]


@dataclass(frozen=True)
class DesignFacts:
    """What the data hold before anything is fitted: enough to choose where to start."""

    responses: int
    rounds: int
    schools: int
    largest_cell: int  #: responses in the largest round x arm
    varies: bool  #: the outcome takes more than one value


def fit_with_fallback(
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
    pupil: str | None = None,
    arm_within_school: bool = False,
    df_method: str = "satterthwaite",
) -> TrendResult:
    """The highest rung of the chain that the data carry; never raises for lack of data.
    `df_method` goes to every fitted rung (analytics.trend.fit_trend)."""
    check_min_group_size(min_group_size)
    if df_method not in DF_METHODS:
        raise ValueError(f"df_method must be one of {DF_METHODS}")
    columns = (outcome, round, school, group, arm)
    missing = [c for c in (*columns, pupil) if c and c not in data.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    labels = {"construct": construct, "respondent_type": respondent_type}
    facts = design_facts(data, *columns)

    def descriptives(reason: str) -> TrendResult:
        return describe_trend(
            data, *columns, treated=treated, min_group_size=min_group_size, alpha=alpha,
            reason=reason, **labels,
        )  # fmt: skip

    if facts.responses == 0:
        return descriptives("Ingen har svart på dette temaet ennå.")
    if facts.largest_cell < min_group_size:
        return descriptives(
            f"For få svar ennå: {facts.responses} i alt. Tall vises først når minst "
            f"{min_group_size} har svart i samme runde og gruppe av skoler."
        )
    if not facts.varies:
        return descriptives(
            "Alle svarene er like, så usikkerheten kan ikke beregnes. Bare gjennomsnittet vises."
        )
    reasons: list[str] = []
    start = 0
    if facts.rounds < 2:
        start = 1
        reasons.append(
            "Bare én runde er målt: modellen er uten skole × runde, og endring kan først "
            "beregnes etter neste runde."
        )
    if facts.schools < 2:
        start = 2
        reasons.append(
            "Bare én skole har svar: modellen er en vanlig regresjon uten skoleledd, og "
            "skoler kan ikke sammenlignes."
        )
    rungs = [(model, None) for model in _FITTED[start:]]
    if pupil is not None and start == 0:
        rungs.insert(0, ("full", pupil))
    for model, panel in rungs:
        try:
            result = fit_trend(
                data, *columns, treated=treated, min_group_size=min_group_size,
                min_schools_per_arm=min_schools_per_arm, alpha=alpha, model=model, **labels,
                pupil=panel, arm_within_school=arm_within_school, df_method=df_method,
            )  # fmt: skip
        except Exception as error:  # any failure falls to the next rung, and says why
            log.info("trend %s of %s/%s failed: %r", model, respondent_type, construct, error)
            failed = _PANEL_FAILED if panel is not None else _FAILED[model]
            reasons.append(failed.format(why=_why(error)))
            continue
        result = replace(result, reason_nb=" ".join(reasons))
        if arm is None:
            return result
        result = with_design_checks(result, data, outcome, round, school, arm, treated=treated)
        if arm_within_school:
            return result
        return with_ordinal_sensitivity(result, data, outcome, round, school, arm, treated=treated)
    return descriptives(" ".join([*reasons, "Bare beskrivende tall vises, uten usikkerhet."]))


def design_facts(
    data: pd.DataFrame,
    outcome: str,
    round: str,
    school: str,
    group: str | None,
    arm: str | None,
) -> DesignFacts:
    valid = _valid(data, outcome, round, school, group)
    if valid.empty:
        return DesignFacts(0, 0, 0, 0, False)
    keys = [round] if arm is None else [round, arm]
    cells = valid.groupby(keys, observed=True, dropna=False).size()
    values = pd.to_numeric(valid[outcome], errors="coerce")
    return DesignFacts(
        responses=len(valid),
        rounds=int(valid[round].nunique()),
        schools=int(valid[school].nunique()),
        largest_cell=int(cells.max()),
        varies=bool(values.nunique() > 1),
    )


def describe_trend(
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
    alpha: float = 0.05,
    reason: str = "",
) -> TrendResult:
    """Means per round and arm as the descriptive table shows them (same suppression, primary
    and secondary), in the trend result's shape, without intervals."""
    valid = _valid(data, outcome, round, school, group)
    rounds: tuple[str, ...] = ()
    if not valid.empty:
        rounds, position, _ = round_order(valid[round])
        valid = valid.assign(**{round: np.asarray(rounds, dtype=object)[position]})
    arms = _arms(valid, school, arm, treated)
    table = describe(valid, outcome, round, school, group, arm, min_group_size=min_group_size).table
    level = "arm" if arm is not None else "alle"
    shown = table[table["level"] == level]
    means = []
    for round_label in rounds:
        for arm_label in arms:
            row = shown[
                (shown["round"] == round_label)
                & ((shown["arm"].astype(str) == arm_label) if arm is not None else True)
            ]
            mean = float(row["mean"].iloc[0]) if len(row) else np.nan
            hidden = bool(len(row)) and bool(row["suppressed"].iloc[0])
            means.append((round_label, arm_label, mean, *[np.nan] * 5, hidden))
    marginal = pd.DataFrame(means, columns=["round", "arm", *_ESTIMATES])
    counts = _counts(valid, round, school, group, arm)
    return TrendResult(
        outcome=outcome,
        construct=construct,
        respondent_type=respondent_type,
        engine="none",
        formula="",
        rounds=tuple(rounds),
        arms=arms,
        marginal_means=marginal,
        changes=pd.DataFrame(columns=["round", "arm", *_ESTIMATES]),
        contrasts=pd.DataFrame(columns=["round", *_ESTIMATES]),
        coefficients=pd.DataFrame(columns=["term", *_ESTIMATES]),
        variance_components=pd.DataFrame(columns=["component", "variance", "sd", "icc"]),
        counts=counts,
        n=len(valid),
        schools_per_arm=_schools_per_arm(valid, school, arm),
        groups=int(valid[group].nunique()) if group is not None else 0,
        loglik=np.nan,
        converged=False,
        boundary=(),
        attempts=(),
        mde=np.nan,
        mde_planning={},
        alpha=alpha,
        power=0.8,
        min_group_size=min_group_size,
        warnings=(SUPPRESSED_WARNING,) if marginal["suppressed"].any() else (),
        notes=(),
        model="descriptives",
        reason_nb=reason,
    )


def _valid(
    data: pd.DataFrame, outcome: str, round: str, school: str, group: str | None
) -> pd.DataFrame:
    """The rows the model would use: a finite score, a round, a school (and a class)."""
    values = pd.to_numeric(data[outcome], errors="coerce").astype(float)
    keep = np.isfinite(values) & data[round].notna() & data[school].notna()
    if group is not None:
        keep &= data[group].notna()
    return data.loc[keep]


def _arms(valid: pd.DataFrame, school: str, arm: str | None, treated: str) -> tuple[str, ...]:
    if arm is None:
        return (NO_ARM,)
    if valid.empty:
        return ()
    codes = pd.factorize(valid[school], sort=True)[0]
    try:
        return treated_indicator(valid, school, arm, treated, codes)[1]
    except ValueError:  # a school in both arms, or more than two arms: show them as they are
        return tuple(sorted(valid[arm].astype(str).unique()))


def _counts(
    valid: pd.DataFrame, round: str, school: str, group: str | None, arm: str | None
) -> pd.DataFrame:
    frame = valid.assign(
        _round=valid[round].astype(str),
        _arm=valid[arm].astype(str) if arm is not None else NO_ARM,
    )
    grouped = frame.groupby(["_round", "_arm"], sort=True)
    counts = pd.DataFrame(
        {
            "responses": grouped.size(),
            "schools": grouped[school].nunique(),
            "groups": grouped[group].nunique() if group is not None else 0,
        }
    ).reset_index()
    counts = counts.rename(columns={"_round": "round", "_arm": "arm"})
    return counts[["round", "arm", "responses", "schools", "groups"]]


def _schools_per_arm(valid: pd.DataFrame, school: str, arm: str | None) -> dict[str, int]:
    if arm is None:
        return {NO_ARM: int(valid[school].nunique())}
    return {str(k): int(v) for k, v in valid.groupby(arm)[school].nunique().items()}


def _why(error: Exception) -> str:
    if isinstance(error, InsufficientDataError):
        text = str(error).rstrip(".")
        return text[:1].lower() + text[1:]
    if isinstance(error, np.linalg.LinAlgError):
        return "likningene er singulære: for lite variasjon mellom skoler, klasser eller runder"
    if "fewer responses than fixed effects" in str(error):
        return "færre svar enn modellen har faste ledd"
    return f"teknisk feil: {type(error).__name__}"
