"""Does the linear trend model's difference-in-differences survive a model that treats the
answers as ordered categories?

A single item (or a short scale) on 1..5 has floors and ceilings that a linear model on the
means ignores. The ordinal model (analytics.ordinal) fits the same round x arm design as a
cumulative logit with a random school intercept. The two agree when they point the same way
and are both clear (p < alpha) or both unclear; otherwise the reading says so.

    result = with_ordinal_sensitivity(trend, scores)   # the trend, with `ordinal_sensitivity`
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from analytics.ordinal import NODES, fit_ordinal
from analytics.ordinal_design import ordinal_outcome
from analytics.reporting import json_number
from analytics.trend_result import TrendResult

log = logging.getLogger(__name__)

#: Scales of more items than this are not fitted: their means are nearly continuous.
MAX_ITEMS = 3


@dataclass(frozen=True)
class OrdinalSensitivity:
    """The last round's DiD from both models, and how they relate."""

    round: str
    scale_low: float  #: the lowest answer category
    scale_high: float
    categories: int
    rounded: bool  #: the scores were rounded to whole numbers to make the categories
    estimate: float  #: ordinal DiD, log odds ratio
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    sigma: float  #: SD of the school intercept, logit scale
    loglik: float
    converged: bool
    linear_estimate: float
    linear_p: float
    alpha: float
    agreement: str  #: "agree", "direction" or "significance" (see `relate`)

    @property
    def disagrees(self) -> bool:
        return self.agreement != "agree"

    def to_dict(self) -> dict[str, Any]:
        return {key: json_number(value) for key, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OrdinalSensitivity:
        values = {name: data.get(name) for name in cls.__dataclass_fields__}
        for name, field in cls.__dataclass_fields__.items():
            if field.type == "float":
                values[name] = float("nan") if values[name] is None else float(values[name])
        return cls(**values)


def relate(
    linear_estimate: float, linear_p: float, ordinal_estimate: float, ordinal_p: float, alpha: float
) -> str:
    """ "direction": they point opposite ways and at least one is clear (opposite signs of two
    unclear estimates say nothing a reader would act on); "significance": one is clear at
    alpha and the other is not; "agree" otherwise."""
    linear_clear, ordinal_clear = linear_p < alpha, ordinal_p < alpha
    if np.sign(linear_estimate) != np.sign(ordinal_estimate) and (linear_clear or ordinal_clear):
        return "direction"
    if linear_clear != ordinal_clear:
        return "significance"
    return "agree"


def sensitivity(
    trend: TrendResult,
    data: pd.DataFrame,
    outcome: str = "score",
    round: str = "round",
    school: str = "school",
    arm: str = "arm",
    *,
    treated: str = "intervention",
    nodes: int = NODES,
) -> OrdinalSensitivity | None:
    """The ordinal model's DiD at the trend's last shown round beside the linear one; None
    when there is nothing to compare (no model, no arms, a hidden DiD, a long scale)."""
    if not trend.is_model or len(trend.arms) < 2 or trend.contrasts.empty:
        return None
    items = data["items_answered"].max() if "items_answered" in data.columns else None
    if items is not None and items > MAX_ITEMS:
        return None
    shown = trend.contrasts[~trend.contrasts["suppressed"].astype(bool)].dropna(
        subset=["estimate", "p_value"]
    )
    if shown.empty or str(shown["round"].iloc[-1]) != str(trend.contrasts["round"].iloc[-1]):
        return None
    categories = ordinal_outcome(data[outcome], short_scale=items is not None)
    if categories is None:
        return None
    scores = pd.to_numeric(data[outcome], errors="coerce")
    rounded = bool(((categories - scores).abs() > 0).any())
    fitted = fit_ordinal(
        data.assign(_category=categories),
        "_category",
        round,
        school,
        arm,
        treated=treated,
        nodes=nodes,
        alpha=trend.alpha,
    )
    contrast = fitted.contrast()
    last = shown.iloc[-1]
    if contrast is None or contrast.round != str(last["round"]) or not fitted.converged:
        return None
    linear_estimate, linear_p = float(last["estimate"]), float(last["p_value"])
    return OrdinalSensitivity(
        round=contrast.round,
        scale_low=fitted.categories[0],
        scale_high=fitted.categories[-1],
        categories=len(fitted.categories),
        rounded=rounded,
        estimate=contrast.estimate,
        se=contrast.se,
        ci_low=contrast.ci_low,
        ci_high=contrast.ci_high,
        p_value=contrast.p_value,
        sigma=fitted.sigma,
        loglik=fitted.loglik,
        converged=fitted.converged,
        linear_estimate=linear_estimate,
        linear_p=linear_p,
        alpha=trend.alpha,
        agreement=relate(
            linear_estimate, linear_p, contrast.estimate, contrast.p_value, trend.alpha
        ),
    )


def with_ordinal_sensitivity(
    trend: TrendResult,
    data: pd.DataFrame,
    outcome: str = "score",
    round: str = "round",
    school: str = "school",
    arm: str = "arm",
    *,
    treated: str = "intervention",
) -> TrendResult:
    """The trend with its ordinal sensitivity check stored beside it; a check that cannot be
    computed leaves the trend as it was (it is a second opinion, never a reason to fail)."""
    try:
        check = sensitivity(trend, data, outcome, round, school, arm, treated=treated)
    except Exception as error:
        log.info("ordinal sensitivity of %s failed: %r", trend.construct, error)
        return trend
    if check is None:
        return trend
    return replace(trend, ordinal_sensitivity=check.to_dict())
