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
from analytics.scoring import ConstructSpec, item_values


@dataclass(frozen=True, eq=False)  # holds arrays or frames: compare fields
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

    Jöreskog's (1967) concentrated form, as factanal: for given unique variances u of the
    correlations R, the best loadings come from the largest eigenvalue t1 of u^-1/2 R u^-1/2,
    the discrepancy is the sum over the other eigenvalues of t - log t - 1, and its gradient
    in u_i is (l_i^2 + u_i - 1) / u_i^2. Unique variances stay within [0.005, 1].
    """
    variances = np.diag(covariance).copy()
    scale = np.sqrt(variances)
    correlation = covariance / np.outer(scale, scale)

    def loadings_at(uniques: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        root = 1.0 / np.sqrt(uniques)
        values, vectors = np.linalg.eigh(root[:, None] * correlation * root[None, :])
        loadings = np.sqrt(uniques) * vectors[:, -1] * np.sqrt(max(values[-1] - 1.0, 0.0))
        return loadings, values[:-1]

    def discrepancy(log_uniques: np.ndarray) -> tuple[float, np.ndarray]:
        uniques = np.exp(log_uniques)
        loadings, rest = loadings_at(uniques)
        rest = np.clip(rest, 1e-12, None)  # zero when items move together exactly
        value = float(np.sum(rest - np.log(rest) - 1.0))
        gradient = (loadings**2 + uniques - 1.0) / uniques
        return value, gradient

    try:
        smc = 1.0 - 1.0 / np.diag(np.linalg.inv(correlation))
    except np.linalg.LinAlgError:  # items that move together exactly: start at the bound
        smc = np.ones(len(variances))
    start = np.log(np.clip(1.0 - smc, 0.005, 1.0))
    bounds = [(np.log(0.005), 0.0)] * len(variances)
    result = minimize(discrepancy, start, jac=True, method="TNC", bounds=bounds)
    uniques = np.exp(result.x)
    loadings, _ = loadings_at(uniques)
    if loadings.sum() < 0:
        loadings = -loadings
    return loadings * scale, uniques * variances


def mcdonald_omega(covariance: np.ndarray) -> float:
    """Omega total of a one-factor model; NaN with fewer than three items."""
    if covariance.shape[0] < 3 or np.any(np.diag(covariance) <= 0):
        return math.nan
    loadings, uniques = one_factor_loadings(covariance)
    common = float(loadings.sum()) ** 2
    return common / (common + float(uniques.sum()))
