"""Reliability of each construct's scale per round: Cronbach's alpha and McDonald's omega.

Both are computed on the responses that answered every item of the construct (listwise), with
reverse-keyed items flipped. Omega comes from a one-factor model fitted by maximum likelihood
to the item covariances: omega = (sum of loadings)^2 / ((sum of loadings)^2 + sum of unique
variances). Alpha equals omega when all loadings are equal and is lower otherwise. A
construct with fewer than three items has no identified one-factor model, so no omega.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from analytics.reporting import format_table, frame_to_records
from analytics.scoring import item_values
from analytics.simulation_design import ConstructSpec


@dataclass(frozen=True)
class ReliabilityResult:
    """Per construct and round: items, complete responses (n), alpha and omega."""

    table: pd.DataFrame

    def summary(self) -> str:
        lines = ["Reliabilitet (Cronbachs alfa, McDonalds omega)", "=" * 78]
        return "\n".join(
            lines + format_table(self.table, ["construct", "round", "items", "n", "alpha", "omega"])
        )

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "reliability", "table": frame_to_records(self.table)}


def reliability(
    answers: pd.DataFrame,
    specs: Sequence[ConstructSpec],
    by: str | None = "round",
    min_responses: int = 10,
) -> ReliabilityResult:
    """Alpha and omega per construct (and per value of `by`); fewer than `min_responses`
    complete responses give NaN rather than a figure from a handful of people."""
    rows = []
    groups = [(None, answers)] if by is None else answers.groupby(by, sort=True)
    for key, part in groups:
        for spec in specs:
            complete = item_values(part, spec).dropna()
            n = len(complete)
            enough = n >= max(min_responses, 2)
            covariance = complete.cov().to_numpy() if enough else None
            rows.append(
                {
                    "construct": spec.id,
                    "round": key,
                    "items": len(spec.items),
                    "n": n,
                    "alpha": cronbach_alpha(covariance) if covariance is not None else math.nan,
                    "omega": mcdonald_omega(covariance) if covariance is not None else math.nan,
                }
            )
    table = pd.DataFrame(rows)
    if by is None:
        table = table.drop(columns="round")
    return ReliabilityResult(table)


def cronbach_alpha(covariance: np.ndarray) -> float:
    """k / (k - 1) x (1 - sum of item variances / variance of the sum)."""
    k = covariance.shape[0]
    total = float(covariance.sum())
    if k < 2 or total <= 0:
        return math.nan
    return k / (k - 1) * (1.0 - float(np.trace(covariance)) / total)


def one_factor_loadings(covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loadings and unique variances of a one-factor model, by maximum likelihood.

    Minimises log|S| + tr(C S^-1) over S = l l' + diag(u), as factanal does, with the unique
    variances kept above 0.5 % of each item's variance (Heywood cases stop there).
    """
    k = covariance.shape[0]
    variances = np.diag(covariance).copy()
    scale = np.sqrt(variances)
    correlation = covariance / np.outer(scale, scale)

    def discrepancy(params: np.ndarray) -> float:
        loadings, uniques = params[:k], params[k:]
        model = np.outer(loadings, loadings) + np.diag(uniques)
        sign, logdet = np.linalg.slogdet(model)
        if sign <= 0:
            return np.inf
        return float(logdet + np.trace(np.linalg.solve(model, correlation)))

    start_loadings = np.sqrt(np.clip(np.abs(correlation).sum(axis=0) - 1, 0.05, None) / (k - 1))
    start = np.concatenate([start_loadings, np.clip(1 - start_loadings**2, 0.05, None)])
    bounds = [(None, None)] * k + [(0.005, None)] * k
    result = minimize(discrepancy, start, method="L-BFGS-B", bounds=bounds)
    loadings = result.x[:k] * scale
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings, result.x[k:] * variances


def mcdonald_omega(covariance: np.ndarray) -> float:
    """Omega total of a one-factor model; NaN with fewer than three items."""
    if covariance.shape[0] < 3 or np.any(np.diag(covariance) <= 0):
        return math.nan
    loadings, uniques = one_factor_loadings(covariance)
    common = float(loadings.sum()) ** 2
    return common / (common + float(uniques.sum()))
