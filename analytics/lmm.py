"""An exact REML/ML engine for linear mixed models with nested random intercepts.

The trend model's fixed effects are constant within cells (class x round, or school x round
for parents and staff), and every random intercept is nested in the school. The likelihood of
all N responses then depends on the data only through each cell's count, mean and within-cell
sum of squares, and the covariance matrix is block-diagonal by school. This engine evaluates
the same profiled deviance as lme4 (Bates et al. 2015, eq. 34). It is parameterised by each
random term's variance relative to the residual variance (lme4's theta squared), where the
gradient, given exactly here, stays informative at zero. Its cost grows with the number of
cells, not of responses.

Per school s, with A_s = Z_s' D Z_s (D = diag of cell counts) and T = diag(sqrt(ratio)):

    L_s = I + T A_s T,   X'V~^-1 X = X'DX - sum_s (T Z_s'DX)' L_s^-1 (T Z_s'DX)

and likewise for y, where V~ is the covariance over sigma^2. Padded positions (a school with
fewer classes than the largest) have zero counts, so they add nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(frozen=True, eq=False)  # holds arrays or frames: compare fields
class CellDesign:
    """A mixed model stated at cell level: what the likelihood needs and nothing more."""

    x: np.ndarray  #: cells x p fixed-effects design, constant within each cell
    count: np.ndarray  #: responses per cell
    mean: np.ndarray  #: outcome mean per cell
    within_ss: np.ndarray  #: sum of squared deviations from the cell mean
    block: np.ndarray  #: the school (0..S-1) of each cell; every random term nests in it
    term_names: tuple[str, ...]
    term_levels: tuple[np.ndarray, ...]  #: per term, the level code of each cell
    x_names: tuple[str, ...]

    @property
    def n(self) -> int:
        return int(self.count.sum())

    @property
    def p(self) -> int:
        return int(self.x.shape[1])


@dataclass(frozen=True, eq=False)  # holds arrays or frames: compare fields
class Solution:
    """Everything the deviance at one theta gives: estimates and their pieces."""

    ratios: np.ndarray  #: variance of each random term over the residual variance
    beta: np.ndarray
    xtvx: np.ndarray  #: X' V~^-1 X (V~ = V / sigma^2)
    quadratic: float  #: r' V~^-1 r at beta, the penalised residual sum of squares
    logdet_l: float
    logdet_x: float


class CellEngine:
    """Precomputes the per-school cross-products once; each deviance is then a few batched
    Cholesky factorisations of (1 + classes + rounds)-sized matrices."""

    def __init__(self, design: CellDesign) -> None:
        self.design = design
        p = design.p
        if design.n <= p:
            raise ValueError("fewer responses than fixed effects")
        xy = np.column_stack([design.x, design.mean])
        weighted = xy * design.count[:, None]
        self.xy_dxy = xy.T @ weighted
        self.within_ss = float(design.within_ss.sum())
        blocks = int(design.block.max()) + 1
        positions, self.term_of_position = _positions(design)
        q = len(self.term_of_position)
        zdz = np.zeros((blocks, q, q))
        zdxy = np.zeros((blocks, q, p + 1))
        for first in positions:
            np.add.at(zdxy, (design.block, first), weighted)
            for second in positions:
                np.add.at(zdz, (design.block, first, second), design.count)
        self.zdz = zdz
        self.zdxy = zdxy
        self.eye = np.eye(q)
        self.terms = len(design.term_names)

    def solve(self, ratios: np.ndarray) -> Solution:
        """Fixed effects and the deviance's pieces at given variance ratios (term / residual)."""
        p = self.design.p
        t = np.sqrt(np.maximum(np.asarray(ratios, dtype=float), 0.0))[self.term_of_position]
        factor = np.linalg.cholesky(self.eye + t[:, None] * self.zdz * t[None, :])
        logdet_l = 2.0 * float(np.log(np.diagonal(factor, axis1=1, axis2=2)).sum())
        half = np.linalg.solve(factor, t[None, :, None] * self.zdxy)
        cross = self.xy_dxy - np.einsum("sqi,sqj->ij", half, half)
        xtvx = cross[:p, :p]
        x_factor = np.linalg.cholesky(xtvx)
        beta = np.linalg.solve(xtvx, cross[:p, p])
        quadratic = float(cross[p, p] - cross[:p, p] @ beta + self.within_ss)
        logdet_x = 2.0 * float(np.log(np.diagonal(x_factor)).sum())
        return Solution(np.asarray(ratios, dtype=float), beta, xtvx, quadratic, logdet_l, logdet_x)

    def deviance(self, ratios: np.ndarray, reml: bool = True) -> float:
        """-2 log-likelihood with sigma^2 profiled out: lme4's REML criterion (or ML deviance)."""
        try:
            s = self.solve(ratios)
        except np.linalg.LinAlgError:
            return np.inf
        if s.quadratic <= 0:
            return np.inf
        return self._profiled(s, reml)

    def _profiled(self, s: Solution, reml: bool) -> float:
        n, p = self.design.n, self.design.p
        if reml:
            df = n - p
            return s.logdet_l + s.logdet_x + df * (1.0 + LOG_2PI + np.log(s.quadratic / df))
        return s.logdet_l + n * (1.0 + LOG_2PI + np.log(s.quadratic / n))

    def deviance_and_gradient(
        self, ratios: np.ndarray, reml: bool = True
    ) -> tuple[float, np.ndarray]:
        """The profiled deviance and its exact gradient in the variance ratios.

        Working in ratios rather than relative SDs keeps the gradient informative at zero,
        where the SD parameterisation always has a flat (and misleading) slope.
        """
        p = self.design.p
        rho = np.maximum(np.asarray(ratios, dtype=float), 0.0)
        t = np.sqrt(rho)[self.term_of_position]
        try:
            factor = np.linalg.cholesky(self.eye + t[:, None] * self.zdz * t[None, :])
        except np.linalg.LinAlgError:
            return np.inf, np.zeros_like(rho)
        q = len(self.term_of_position)
        stacked = np.concatenate([self.zdz, self.zdxy], axis=2)
        inner = np.linalg.solve(factor, t[None, :, None] * stacked)
        # Z' V~^-1 [Z, X, y] per school, by Woodbury: A T L^-1 T S = (C^-1 T A)' (C^-1 T S)
        zv = stacked - np.swapaxes(inner[:, :, :q], 1, 2) @ inner
        half = inner[:, :, q:]
        cross = self.xy_dxy - np.einsum("sqi,sqj->ij", half, half)
        xtvx = cross[:p, :p]
        try:
            x_factor = np.linalg.cholesky(xtvx)
        except np.linalg.LinAlgError:
            return np.inf, np.zeros_like(rho)
        beta = np.linalg.solve(xtvx, cross[:p, p])
        quadratic = float(cross[p, p] - cross[:p, p] @ beta + self.within_ss)
        if quadratic <= 0:
            return np.inf, np.zeros_like(rho)
        logdet_l = 2.0 * float(np.log(np.diagonal(factor, axis1=1, axis2=2)).sum())
        logdet_x = 2.0 * float(np.log(np.diagonal(x_factor)).sum())
        s = Solution(rho, beta, xtvx, quadratic, logdet_l, logdet_x)
        diag_zvz = np.diagonal(zv[:, :, :q], axis1=1, axis2=2)  # (S, q)
        h = zv[:, :, q:]  # (S, q, p + 1)
        w = np.append(-beta, 1.0)
        hw = h @ w  # (S, q)
        hx = h[:, :, :p]
        xtvx_inv = np.linalg.inv(xtvx)
        lever = np.einsum("sqi,ij,sqj->sq", hx, xtvx_inv, hx)
        n = self.design.n
        df = n - p if reml else n
        per_position = diag_zvz - (lever if reml else 0.0) - df * hw**2 / quadratic
        gradient = np.bincount(
            self.term_of_position, weights=per_position.sum(axis=0), minlength=self.terms
        )
        return self._profiled(s, reml), gradient

    def sigma2(self, solution: Solution, reml: bool = True) -> float:
        n, p = self.design.n, self.design.p
        return solution.quadratic / (n - p if reml else n)

    def full_deviance(self, variances: np.ndarray, reml: bool = True) -> float:
        """-2 log-likelihood at given variances (one per term, then the residual)."""
        sigma2 = float(variances[-1])
        if sigma2 <= 0 or np.any(np.asarray(variances) < 0):
            return np.inf
        try:
            s = self.solve(np.asarray(variances[:-1]) / sigma2)
        except np.linalg.LinAlgError:
            return np.inf
        n, p = self.design.n, self.design.p
        core = s.logdet_l + n * np.log(sigma2) + s.quadratic / sigma2
        if reml:
            return core + s.logdet_x - p * np.log(sigma2) + (n - p) * LOG_2PI
        return core + n * LOG_2PI


def _positions(design: CellDesign) -> tuple[list[np.ndarray], np.ndarray]:
    """Each cell's position, per term, inside its school's padded random-effects vector."""
    positions: list[np.ndarray] = []
    term_of_position: list[int] = []
    offset = 0
    for index, raw_levels in enumerate(design.term_levels):
        levels = np.unique(raw_levels, return_inverse=True)[1].ravel()
        count = int(levels.max()) + 1
        block_of_level = np.empty(count, dtype=np.int64)
        block_of_level[levels] = design.block
        if np.any(block_of_level[levels] != design.block):
            raise ValueError(f"term {design.term_names[index]!r} is not nested in the school")
        order = np.lexsort((np.arange(count), block_of_level))
        sorted_blocks = block_of_level[order]
        run_starts = np.flatnonzero(np.r_[True, np.diff(sorted_blocks) != 0])
        run_lengths = np.diff(np.r_[run_starts, count])
        local = np.empty(count, dtype=np.int64)
        local[order] = np.arange(count) - np.repeat(run_starts, run_lengths)
        width = int(local.max()) + 1
        positions.append(offset + local[levels])
        term_of_position.extend([index] * width)
        offset += width
    return positions, np.asarray(term_of_position, dtype=np.int64)
