"""The cumulative-link mixed model's log-likelihood on counts, by adaptive Gauss-Hermite
quadrature over each school's standardised effect b (u = sigma * b, b ~ N(0, 1)).

For school s the integrand is exp(l_s(b)) phi(b) with l_s(b) = sum_r n_r log P(Y = k_r | b)
over its count rows r. Its mode mu_s and curvature give the nodes mu_s + tau_s x_q, where
x_q are probabilists' Hermite nodes, so

    L_s ~ tau_s * sum_q w_q exp(x_q^2 / 2) exp(l_s(b_sq)) phi(b_sq).

The gradient is that of this rule with the nodes held where they are; it differs from the
derivative of the adaptive rule only through the quadrature error, which is negligible at
the default number of nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse, special

_LOG_ROOT_TWO_PI = 0.5 * np.log(2 * np.pi)


@dataclass(frozen=True, eq=False)  # holds arrays
class CountData:
    """One row per school x design row x category with its count."""

    school: np.ndarray
    category: np.ndarray  #: 0 .. categories - 1
    x: np.ndarray  #: fixed-effect row of each count row
    count: np.ndarray
    member: sparse.csr_matrix  #: schools x rows, 1 where the row belongs to the school
    categories: int


class Quadrature:
    """The Hermite rule, and each school's last mode (the next search starts from it)."""

    def __init__(self, nodes: int, schools: int) -> None:
        self.x, weights = np.polynomial.hermite_e.hermegauss(nodes)
        self.log_weights = np.log(weights) + self.x**2 / 2
        self.mode = np.zeros(schools)


def negative_loglik(
    params: np.ndarray, data: CountData, betas: int, quadrature: Quadrature
) -> tuple[float, np.ndarray]:
    """-log L and its gradient in (theta_1, log steps, beta, log sigma)."""
    k = data.categories - 1
    raw = params[:k]
    theta = np.cumsum(np.concatenate([raw[:1], np.exp(raw[1:])]))
    beta = params[k : k + betas]
    sigma = float(np.exp(params[-1]))
    bounds = np.concatenate([[-np.inf], theta, [np.inf]])
    upper = bounds[data.category + 1] - data.x @ beta
    lower = bounds[data.category] - data.x @ beta
    mode, spread = _modes(upper, lower, sigma, data, quadrature)
    b = mode[data.school][:, None] + spread[data.school][:, None] * quadrature.x[None, :]
    a_upper, a_lower = upper[:, None] - sigma * b, lower[:, None] - sigma * b
    p = _probability(a_upper, a_lower)
    log_terms = data.member @ (data.count[:, None] * np.log(p))
    nodes_b = mode[:, None] + spread[:, None] * quadrature.x[None, :]
    log_terms += quadrature.log_weights[None, :] - nodes_b**2 / 2 - _LOG_ROOT_TWO_PI
    log_school = special.logsumexp(log_terms, axis=1) + np.log(spread)
    posterior = np.exp(log_terms - special.logsumexp(log_terms, axis=1, keepdims=True))
    weight = data.count[:, None] * posterior[data.school]
    density_upper = _density(a_upper) / p * weight
    density_lower = _density(a_lower) / p * weight
    by_row = (density_upper - density_lower).sum(axis=1)
    d_bounds = np.bincount(
        data.category + 1, weights=density_upper.sum(axis=1), minlength=k + 2
    ) - np.bincount(data.category, weights=density_lower.sum(axis=1), minlength=k + 2)
    d_theta = d_bounds[1 : k + 1]
    tail = np.cumsum(d_theta[::-1])[::-1]  # d/d theta_j summed over j >= m
    d_raw = np.concatenate([[tail[0]], np.exp(raw[1:]) * tail[1:]])
    d_beta = -(data.x.T @ by_row)
    d_sigma = -float(((density_upper - density_lower) * b).sum())
    gradient = np.concatenate([d_raw, d_beta, [d_sigma * sigma]])
    return -float(log_school.sum()), -gradient


def _probability(a_upper: np.ndarray, a_lower: np.ndarray) -> np.ndarray:
    """F(a_upper) - F(a_lower), from the tail nearer to the pair, to keep its digits."""
    low_side = special.expit(a_upper) - special.expit(a_lower)
    high_side = special.expit(-a_lower) - special.expit(-a_upper)
    p = np.where(a_lower > 0, high_side, low_side)
    return np.maximum(p, 1e-300)


def _density(a: np.ndarray) -> np.ndarray:
    share = special.expit(a)
    return share * (1 - share)


def _modes(
    upper: np.ndarray, lower: np.ndarray, sigma: float, data: CountData, quadrature: Quadrature
) -> tuple[np.ndarray, np.ndarray]:
    """Each school's mode of l_s(b) - b^2/2 and the SD of the Gaussian fitted there, by
    Newton's method (the function is concave in b, so steps are only capped)."""
    b = quadrature.mode.copy()
    curvature = np.ones_like(b)
    for _ in range(50):
        a_upper = upper - sigma * b[data.school]
        a_lower = lower - sigma * b[data.school]
        p = _probability(a_upper, a_lower)
        f_upper, f_lower = _density(a_upper), _density(a_lower)
        first = -sigma * (f_upper - f_lower) / p
        slope_upper = f_upper * (1 - 2 * special.expit(a_upper))
        slope_lower = f_lower * (1 - 2 * special.expit(a_lower))
        second = sigma**2 * (slope_upper - slope_lower) / p - first**2
        gradient = data.member @ (data.count * first) - b
        curvature = -(data.member @ (data.count * second)) + 1.0
        step = np.clip(gradient / curvature, -2.0, 2.0)
        b = b + step
        if np.max(np.abs(step)) < 1e-10:
            break
    quadrature.mode = b
    return b, 1 / np.sqrt(curvature)
