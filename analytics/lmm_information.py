"""Satterthwaite degrees of freedom from the expected REML information, at a cost that grows
with the cells and not with the square of the group count.

For a contrast c'b: df = 2 (c'Gc)^2 / (g' I^-1 g), with G = (X'V^-1X)^-1, g_i = c'G H_i G c the
derivative of c'Gc in variance i (H_i = X'V^-1 V_i V^-1 X), and I the expected REML
information, I_ij = tr(P V_i P V_j) / 2 with P = V^-1 - V^-1 X G X' V^-1 (Kenward and Roger
1997 use the same pieces). The expected information stays positive definite where the
observed one need not, notably at a variance estimated at zero, which is where a few schools
most need honest degrees of freedom.

The engine gives, per term t and in closed form, tr(P V_t) and X'V^-1 V_t V^-1 X (the pieces of
its exact gradient; a many-levelled term is eliminated first, analytics.lmm_schur). H_i are
those pieces. Since dP/d(theta_j) = -P V_j P, I_ij = -d tr(P V_i) / d(theta_j) / 2: the
information is the Jacobian of that closed-form vector, taken by central differences
(2 m + 1 evaluations for m variances, each as cheap as one gradient). At cell level the
residual's V is D^-1 (counts D), so tr(P V_res) = cells - p - sum_t rho_t tr(P~ V_t), and the
within-cell deviations add (N - cells) / sigma^4 / 2 to I for the residual.
"""

from __future__ import annotations

import numpy as np

from analytics.lmm import CellDesign, CellEngine

#: Relative step of the differences, in units of each variance (or of sigma^2 near zero).
STEP = 1e-4
#: Eigenvalues of the information below this share of the largest count as zero.
RCOND = 1e-8


def satterthwaite(
    design: CellDesign,
    variances: np.ndarray,
    contrasts: np.ndarray,
    engine: CellEngine | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors and degrees of freedom for rows of `contrasts` (k x p); rows holding
    NaN (inestimable) give NaN. Pass the fit's `engine` to reuse its cross-products."""
    contrasts = np.atleast_2d(contrasts)
    estimable = np.all(np.isfinite(contrasts), axis=1)
    rows = np.where(estimable[:, None], contrasts, 0.0)
    engine = engine if engine is not None else CellEngine(design)
    information, covariance, derivatives = _information(engine, np.asarray(variances, float))
    se = np.sqrt(np.einsum("ki,ij,kj->k", rows, covariance, rows))
    gradients = np.stack(
        [np.einsum("ki,ij,kj->k", rows, covariance @ h @ covariance, rows) for h in derivatives],
        axis=1,
    )
    # the information is exact to about 1e-9 (differences), so directions it holds at less
    # than 1e-8 of its largest are treated as carrying none
    inverse = np.linalg.pinv(information, rcond=RCOND, hermitian=True)
    spread = np.einsum("ki,ij,kj->k", gradients, inverse, gradients)
    upper = float(design.n - design.p)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = 2.0 * se**4 / spread
    df = np.where(np.isfinite(df) & (spread > 0), np.clip(df, 1.0, upper), upper)
    return np.where(estimable, se, np.nan), np.where(estimable, df, np.nan)


def _traces(engine: CellEngine, variances: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """tr(P V_i) for each variance (terms, then residual), and X'V^-1 V_i V^-1 X, at cell level."""
    design = engine.design
    p = design.p
    sigma2 = float(variances[-1])
    rho = np.asarray(variances[:-1], dtype=float) / sigma2
    found = engine.pieces(rho)
    if found is None:
        raise np.linalg.LinAlgError("the covariance matrix is not positive definite")
    xtvx = found.solution.xtvx
    xtvx_inv = np.linalg.inv(xtvx)
    by_term = found.crosses[:, :p, :p]
    lever = np.einsum("ij,tji->t", xtvx_inv, by_term)
    term_traces = found.traces - lever
    cells = len(design.count)
    residual_trace = (cells - p) - float(rho @ term_traces)
    residual_cross = xtvx - np.einsum("t,tij->ij", rho, by_term)
    traces = np.append(term_traces, residual_trace) / sigma2
    derivatives = np.concatenate([by_term, residual_cross[None]]) / sigma2**2
    return traces, derivatives


def _information(
    engine: CellEngine, variances: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The expected REML information over (terms..., residual), (X'V^-1X)^-1, and H_i."""
    m = len(variances)
    sigma2 = float(variances[-1])
    here, derivatives = _traces(engine, variances)
    solution = engine.solve(variances[:-1] / sigma2)
    covariance = sigma2 * np.linalg.inv(solution.xtvx)
    jacobian = np.zeros((m, m))
    for j in range(m):
        step = STEP * max(float(variances[j]), 1e-3 * sigma2)
        shifted = [variances.copy() for _ in range(3)]
        for k, offset in enumerate((-1, 1, 2)):
            shifted[k][j] += offset * step
        if variances[j] - step > 0:  # central
            low, high = (_traces(engine, v)[0] for v in shifted[:2])
            jacobian[:, j] = (high - low) / (2 * step)
        else:  # forward from the boundary, second order
            high, high2 = (_traces(engine, v)[0] for v in shifted[1:])
            jacobian[:, j] = (-3 * here + 4 * high - high2) / (2 * step)
    information = -0.5 * jacobian
    information = 0.5 * (information + information.T)
    cells = len(engine.design.count)
    information[-1, -1] += 0.5 * (engine.design.n - cells) / sigma2**2
    return information, covariance, list(derivatives)
