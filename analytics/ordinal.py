"""A cumulative-link (logit) mixed model with a random school intercept: the ordinal
sensitivity model beside the linear trend model, for single items and short scales.

    logit P(Y <= k) = theta_k - (x'beta + u_school),   u_school ~ N(0, sigma^2)

x is round x arm in treatment coding without an intercept (the thresholds carry it), so the
coefficients have the trend model's names and R's `ordinal::clmm(factor(y) ~ factor(round) *
treated + (1 | school))` fits the same model. The last round's `round{r}:treated` is the
difference-in-differences as a log odds ratio: positive means the intervention schools moved
towards higher answers.

Estimation is maximum likelihood with adaptive Gauss-Hermite quadrature over the school
effect. The likelihood factorises by school, and each school's part depends on the data
only through counts per round x category, so the rows are compressed to those counts first:
the cost grows with schools x rounds x categories, not with the number of answers. The
gradient is analytic for the quadrature rule at the current nodes; Wald standard errors come
from a central-difference Hessian of that gradient.

    result = fit_ordinal(scores, outcome="score", round="round", school="school", arm="arm")
    print(result.summary())
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from analytics.ordinal_design import prepare_ordinal
from analytics.ordinal_likelihood import CountData, Quadrature, negative_loglik

NODES = 10  #: quadrature nodes per school (clmm's nAGQ)
#: A random-effect SD below this is reported as a boundary fit (the schools do not differ).
BOUNDARY_SD = 1e-4


@dataclass(frozen=True)
class OrdinalContrast:
    """The difference-in-differences of one round against the first, as a log odds ratio."""

    round: str
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float  #: two-sided Wald p (normal), as clmm reports it


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields
class OrdinalResult:
    """A fitted cumulative-link mixed model; thresholds and coefficients on the logit scale."""

    outcome: str
    rounds: tuple[str, ...]
    categories: tuple[float, ...]  #: the answer values in order; category k is categories[k]
    thresholds: tuple[float, ...]  #: theta_1 .. theta_{K-1}
    coefficients: pd.DataFrame  #: term, estimate, se, z, p_value
    sigma: float  #: SD of the school intercept (logit scale)
    sigma_se: float
    loglik: float
    converged: bool
    iterations: int
    nodes: int
    n: int
    schools: int
    count_rows: int  #: school x round x category cells the likelihood runs over
    covariance: np.ndarray  #: of (thresholds' parameters, beta, log sigma)
    alpha: float = 0.05

    @property
    def boundary(self) -> bool:
        return self.sigma < BOUNDARY_SD

    def beta(self, term: str) -> float:
        return float(self.coefficients.set_index("term").loc[term, "estimate"])

    def contrast(self) -> OrdinalContrast | None:
        """The DiD of the last round that has one (None without two arms)."""
        terms = [t for t in self.coefficients["term"] if t.endswith(":treated")]
        if not terms:
            return None
        row = self.coefficients.set_index("term").loc[terms[-1]]
        half = special.ndtri(1 - self.alpha / 2) * float(row["se"])
        estimate = float(row["estimate"])
        label = terms[-1].removeprefix("round").removesuffix(":treated")
        return OrdinalContrast(
            label,
            estimate,
            float(row["se"]),
            float(estimate - half),
            float(estimate + half),
            float(row["p_value"]),
        )

    def summary(self) -> str:
        lines = [
            f"Ordinal modell (kumulativ logit, skole som tilfeldig ledd): {self.outcome}",
            f"Svar: {self.n}   Skoler: {self.schools}   Kategorier: {len(self.categories)}   "
            f"Kvadraturpunkter: {self.nodes}",
            f"Log-likelihood: {self.loglik:.4f}   Konvergert: {'ja' if self.converged else 'nei'}",
            "Terskler: " + ", ".join(f"{t:.4f}" for t in self.thresholds),
            f"Skole-SD (logit): {self.sigma:.4f}" + (" (på grensen)" if self.boundary else ""),
            "",
            self.coefficients.to_string(index=False, float_format=lambda v: f"{v:.4f}"),
        ]
        return "\n".join(lines)


def fit_ordinal(
    data: pd.DataFrame,
    outcome: str = "score",
    round: str = "round",
    school: str = "school",
    arm: str | None = "arm",
    *,
    treated: str = "intervention",
    nodes: int = NODES,
    alpha: float = 0.05,
) -> OrdinalResult:
    """Fit the model to the rows with an answer; `outcome` holds the ordered categories."""
    prepared = prepare_ordinal(data, outcome, round, school, arm, treated)
    betas = len(prepared.names)
    params, covariance, converged, iterations, loglik = _maximise(prepared.counts, betas, nodes)
    k = len(prepared.categories) - 1
    beta, log_sigma = params[k : k + betas], params[-1]
    se = np.sqrt(np.clip(np.diag(covariance)[k : k + betas], 0, None))
    z = beta / np.where(se > 0, se, np.nan)
    coefficients = pd.DataFrame(
        {
            "term": prepared.names,
            "estimate": beta,
            "se": se,
            "z": z,
            "p_value": 2 * special.ndtr(-np.abs(z)),
        }
    )
    sigma = float(np.exp(log_sigma))
    boundary = sigma < BOUNDARY_SD
    return OrdinalResult(
        outcome=outcome,
        rounds=prepared.rounds,
        categories=prepared.categories,
        thresholds=tuple(float(t) for t in _thresholds(params[:k])),
        coefficients=coefficients,
        sigma=sigma,
        sigma_se=sigma * math.sqrt(max(covariance[-1, -1], 0.0)) if not boundary else math.nan,
        loglik=loglik,
        converged=converged,
        iterations=iterations,
        nodes=nodes,
        n=prepared.n,
        schools=prepared.schools,
        count_rows=len(prepared.counts.count),
        covariance=covariance,
        alpha=alpha,
    )


def _start(counts: CountData, betas: int) -> np.ndarray:
    """Thresholds at the logits of the cumulative shares; beta 0; school SD 0.5."""
    totals = np.bincount(counts.category, weights=counts.count, minlength=counts.categories)
    cumulative = np.cumsum(totals)[:-1] / totals.sum()
    theta = special.logit(np.clip(cumulative, 1e-4, 1 - 1e-4))
    steps = np.log(np.maximum(np.diff(theta), 1e-3))
    return np.concatenate([[theta[0]], steps, np.zeros(betas), [np.log(0.5)]])


def _thresholds(raw: np.ndarray) -> np.ndarray:
    """theta_1 and log steps to increasing thresholds."""
    return np.cumsum(np.concatenate([raw[:1], np.exp(raw[1:])]))


def _maximise(
    counts: CountData, betas: int, nodes: int
) -> tuple[np.ndarray, np.ndarray, bool, int, float]:
    """BFGS on the negative log-likelihood, then the Hessian by differences of the gradient."""
    from scipy import optimize  # here, not at the top: importing it costs every CLI start

    quadrature = Quadrature(nodes, counts.member.shape[0])

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        return negative_loglik(params, counts, betas, quadrature)

    start = _start(counts, betas)
    found = optimize.minimize(
        objective, start, jac=True, method="BFGS", options={"gtol": 1e-7, "maxiter": 500}
    )
    params = found.x
    value, gradient = objective(params)
    hessian = _hessian(lambda p: objective(p)[1], params)
    # At the boundary (sigma -> 0) log sigma is flat: the rest is inferred with sigma fixed.
    at_boundary = np.exp(params[-1]) < BOUNDARY_SD
    inner = hessian[:-1, :-1] if at_boundary else hessian
    covariance = np.full_like(hessian, np.nan)
    positive = bool(np.all(np.linalg.eigvalsh(inner) > 0))
    size = len(inner)
    covariance[:size, :size] = np.linalg.inv(inner) if positive else np.linalg.pinv(inner)
    converged = bool(np.max(np.abs(gradient)) < 1e-4) and positive
    return params, covariance, converged, int(found.nit), -float(value)


def _hessian(
    gradient: Callable[[np.ndarray], np.ndarray], params: np.ndarray, step: float = 1e-5
) -> np.ndarray:
    """Central differences of the analytic gradient, symmetrised."""
    columns = []
    for index in range(len(params)):
        shift = np.zeros_like(params)
        shift[index] = step * max(1.0, abs(params[index]))
        columns.append((gradient(params + shift) - gradient(params - shift)) / (2 * shift[index]))
    hessian = np.column_stack(columns)
    return (hessian + hessian.T) / 2
