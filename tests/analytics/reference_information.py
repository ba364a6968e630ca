"""The padded, dense Satterthwaite computation this engine used before: kept as a reference that
the exact cheap form in analytics.lmm_information must agree with.

Satterthwaite degrees of freedom from the expected REML information, computed exactly.

For a contrast c'b: df = 2 (c'Gc)^2 / (g' I^-1 g), with G = (X'V^-1X)^-1, g_i = c'G H_i G c the
derivative of c'Gc in variance i (H_i = X'V^-1 V_i V^-1 X), and I the expected REML
information, I_ij = tr(P V_i P V_j) / 2 with P = V^-1 - V^-1 X G X' V^-1 (Kenward and Roger
1997 use the same pieces). The expected information stays positive definite where the
observed one need not, notably at a variance estimated at zero, which is where a few schools
most need honest degrees of freedom.

All of it is exact at cell level: a cell's mean carries the random effects and the fixed
effects, and its within-cell deviations only add (N - cells) / sigma^4 to I for the residual.
In the scaled cell means z = sqrt(n) ybar, V_t = D^1/2 Z_t Z_t' D^1/2 and V_residual = I.
Schools are processed in chunks, so memory stays bounded for any number of schools.
"""

from __future__ import annotations

import numpy as np

from analytics.lmm import CellDesign

#: Work on about this many matrix entries (schools x cells^2) at a time.
CHUNK_ENTRIES = 2_000_000


def satterthwaite(
    design: CellDesign, variances: np.ndarray, contrasts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Standard errors and degrees of freedom for rows of `contrasts` (k x p); rows holding
    NaN (inestimable) give NaN."""
    contrasts = np.atleast_2d(contrasts)
    estimable = np.all(np.isfinite(contrasts), axis=1)
    rows = np.where(estimable[:, None], contrasts, 0.0)
    information, covariance, derivatives = _information(design, variances)
    se = np.sqrt(np.einsum("ki,ij,kj->k", rows, covariance, rows))
    gradients = np.stack(
        [np.einsum("ki,ij,kj->k", rows, covariance @ h @ covariance, rows) for h in derivatives],
        axis=1,
    )
    spread = np.einsum("ki,ij,kj->k", gradients, np.linalg.pinv(information), gradients)
    upper = float(design.n - design.p)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = 2.0 * se**4 / spread
    df = np.where(np.isfinite(df) & (spread > 0), np.clip(df, 1.0, upper), upper)
    return np.where(estimable, se, np.nan), np.where(estimable, df, np.nan)


def _information(
    design: CellDesign, variances: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """The expected REML information over (terms..., residual), (X'V^-1X)^-1, and H_i."""
    count, x_scaled, same, cells = _padded(design)
    schools, width, p = x_scaled.shape
    m = len(variances)
    sigma2 = float(variances[-1])
    root = np.sqrt(count)
    real = (count > 0).astype(float)
    traces = np.zeros((m, m))
    middle = np.zeros((m, m, p, p))
    derivatives = np.zeros((m, p, p))
    xtvx = np.zeros((p, p))
    step = max(1, CHUNK_ENTRIES // max(width * width, 1))
    for start in range(0, schools, step):
        part = slice(start, start + step)
        outer = root[part, :, None] * root[part, None, :]
        pieces = [outer * same[t][part] for t in range(m - 1)]
        pieces.append(np.eye(width)[None] * real[part, :, None])
        v = sigma2 * np.eye(width)[None] + sum(variances[t] * pieces[t] for t in range(m - 1))
        inverse = np.linalg.inv(v)
        f = inverse @ x_scaled[part]
        xtvx += np.einsum("skp,skq->pq", f, x_scaled[part])
        inverse_pieces = [inverse @ piece for piece in pieces]
        piece_f = [piece @ f for piece in pieces]
        for i in range(m):
            derivatives[i] += np.einsum("skp,skq->pq", f, piece_f[i])
            for j in range(i, m):
                traces[i, j] += np.einsum("sab,sba->", inverse_pieces[i], inverse_pieces[j])
                middle[i, j] += np.einsum("skp,skq->pq", piece_f[i], inverse @ piece_f[j])
    covariance = np.linalg.inv(xtvx)
    information = np.zeros((m, m))
    for i in range(m):
        for j in range(i, m):
            value = (
                traces[i, j]
                - 2.0 * np.trace(covariance @ middle[i, j])
                + np.trace(covariance @ derivatives[i] @ covariance @ derivatives[j])
            )
            information[i, j] = information[j, i] = 0.5 * value
    information[-1, -1] += 0.5 * (design.n - cells) / sigma2**2
    return information, covariance, list(derivatives)


def _padded(design: CellDesign) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], int]:
    """Per school, its cells padded to the widest school: counts, sqrt(n) X, and for each term
    whether two cells share its level."""
    block = design.block
    order = np.argsort(block, kind="stable")
    schools = int(block.max()) + 1
    sizes = np.bincount(block, minlength=schools)
    local = np.empty(len(block), dtype=np.int64)
    local[order] = np.arange(len(block)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    width = int(sizes.max())
    count = np.zeros((schools, width))
    count[block, local] = design.count
    x_scaled = np.zeros((schools, width, design.p))
    x_scaled[block, local] = design.x * np.sqrt(design.count)[:, None]
    same = []
    for levels in design.term_levels:
        padded = np.full((schools, width), -1, dtype=np.int64)
        padded[block, local] = levels
        equal = padded[:, :, None] == padded[:, None, :]
        same.append(equal & (padded[:, :, None] >= 0))
    return count, x_scaled, same, len(block)
