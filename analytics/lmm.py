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
import pandas as pd
from scipy import sparse

from analytics.lmm_schur import EliminatedTerm

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


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields
class Pieces:
    """The deviance's solution and, per random term t, what its derivatives are made of:
    tr(Z_t' V~^-1 Z_t), and Z_t' V~^-1 [X y] crossed with itself, summed over t's levels."""

    solution: Solution
    traces: np.ndarray  #: (terms,)
    crosses: np.ndarray  #: (terms, p + 1, p + 1)


class CellEngine:
    """Precomputes the per-school cross-products once; each deviance is then a few batched
    Cholesky factorisations of small matrices: (1 + classes + rounds)-sized, or smaller when a
    many-levelled term (class or pupil in school) is eliminated first (analytics.lmm_schur).
    """

    def __init__(self, design: CellDesign, eliminate: bool = True) -> None:
        self.design = design
        p = design.p
        if design.n <= p:
            raise ValueError("fewer responses than fixed effects")
        xy = np.column_stack([design.x, design.mean])
        weighted = xy * design.count[:, None]
        self.xy_dxy = xy.T @ weighted
        self.within_ss = float(design.within_ss.sum())
        blocks = int(design.block.max()) + 1
        self.terms = len(design.term_names)
        local = [_local_positions(design, index) for index in range(self.terms)]
        widths = [int(positions.max()) + 1 for positions in local]
        self.eliminated: int | None = None
        if eliminate and self.terms and max(widths) > 1:
            self.eliminated = int(np.argmax(widths))
        self.kept = [t for t in range(self.terms) if t != self.eliminated]
        positions: list[np.ndarray] = []
        term_of_position: list[int] = []
        offset = 0
        for t in self.kept:
            positions.append(offset + local[t])
            term_of_position.extend([t] * widths[t])
            offset += widths[t]
        self.term_of_position = np.asarray(term_of_position, dtype=np.int64)
        q = offset
        zdz = np.zeros(blocks * q * q)
        zdxy = np.zeros((blocks * q, p + 1))
        for first in positions:
            row = design.block * q + first
            to_row = sparse.csr_matrix(
                (np.ones(len(row)), (row, np.arange(len(row)))), shape=(blocks * q, len(row))
            )
            zdxy += to_row @ weighted
            for second in positions:
                zdz += np.bincount(row * q + second, design.count, minlength=blocks * q * q)
        self.zdz = zdz.reshape(blocks, q, q)
        self.zdxy = zdxy.reshape(blocks, q, p + 1)
        self.eye = np.eye(q)
        self.schur: EliminatedTerm | None = None
        if self.eliminated is not None:
            level = pd.factorize(design.term_levels[self.eliminated])[0]
            self.schur = EliminatedTerm.build(
                level, design.block, design.count, weighted, positions, q, blocks
            )

    def _reduced(self, rho: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """The kept terms' cross-products with the eliminated term absorbed, and its log-det."""
        if self.schur is None:
            return self.zdz, self.zdxy, self.xy_dxy, 0.0
        kk, kxy, xy, logdet = self.schur.reduce(float(rho[self.eliminated]))
        return self.zdz - kk, self.zdxy - kxy, self.xy_dxy - xy, logdet

    def solve(self, ratios: np.ndarray) -> Solution:
        """Fixed effects and the deviance's pieces at given variance ratios (term / residual)."""
        p = self.design.p
        rho = np.maximum(np.asarray(ratios, dtype=float), 0.0)
        zdz, zdxy, xy_dxy, logdet_e = self._reduced(rho)
        t = np.sqrt(rho)[self.term_of_position]
        factor = np.linalg.cholesky(self.eye + t[:, None] * zdz * t[None, :])
        logdet_l = logdet_e + 2.0 * float(np.log(np.diagonal(factor, axis1=1, axis2=2)).sum())
        half = np.linalg.solve(factor, t[None, :, None] * zdxy).reshape(-1, p + 1)
        cross = xy_dxy - half.T @ half
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

    def pieces(self, ratios: np.ndarray) -> Pieces | None:
        """The solution and each term's trace and cross-product (None where V~ or X'V~^-1X is
        not positive definite)."""
        p = self.design.p
        rho = np.maximum(np.asarray(ratios, dtype=float), 0.0)
        zdz, zdxy, xy_dxy, logdet_e = self._reduced(rho)
        t = np.sqrt(rho)[self.term_of_position]
        s_matrix = self.eye + t[:, None] * zdz * t[None, :]
        try:
            factor = np.linalg.cholesky(s_matrix)
        except np.linalg.LinAlgError:
            return None
        # Woodbury per school: Z'V~^-1[Z, X, y] = [A, B] - A M [A, B], M = T S^-1 T
        middle = t[:, None] * np.linalg.inv(s_matrix) * t[None, :]
        v = middle @ zdxy  # M B
        half = np.swapaxes(zdxy, 1, 2) @ v
        cross = xy_dxy - half.sum(axis=0)
        xtvx = cross[:p, :p]
        try:
            x_factor = np.linalg.cholesky(xtvx)
        except np.linalg.LinAlgError:
            return None
        beta = np.linalg.solve(xtvx, cross[:p, p])
        quadratic = float(cross[p, p] - cross[:p, p] @ beta + self.within_ss)
        if quadratic <= 0:
            return None
        logdet_l = logdet_e + 2.0 * float(np.log(np.diagonal(factor, axis1=1, axis2=2)).sum())
        logdet_x = 2.0 * float(np.log(np.diagonal(x_factor)).sum())
        solution = Solution(rho, beta, xtvx, quadratic, logdet_l, logdet_x)
        traces = np.zeros(self.terms)
        crosses = np.zeros((self.terms, p + 1, p + 1))
        diag_zvz = np.diagonal(zdz, axis1=1, axis2=2) - ((zdz @ middle) * zdz).sum(axis=2)
        h = zdxy - zdz @ v  # Z'V~^-1 [X y], (S, q, p + 1)
        for term in self.kept:
            mine = self.term_of_position == term
            traces[term] = float(diag_zvz[:, mine].sum())
            mine_h = h[:, mine].reshape(-1, p + 1)
            crosses[term] = mine_h.T @ mine_h
        if self.schur is not None:
            traces[self.eliminated], crosses[self.eliminated] = self.schur.trace_and_cross(
                float(rho[self.eliminated]), middle, v
            )
        return Pieces(solution, traces, crosses)

    def deviance_and_gradient(
        self, ratios: np.ndarray, reml: bool = True
    ) -> tuple[float, np.ndarray]:
        """The profiled deviance and its exact gradient in the variance ratios.

        Working in ratios rather than relative SDs keeps the gradient informative at zero,
        where the SD parameterisation always has a flat (and misleading) slope. Per term t the
        derivative is tr(Z_t'V~^-1Z_t) - tr((X'V~^-1X)^-1 H_t) - df (w'C_t w) / r'V~^-1r, with
        C_t = sum over t's levels of h h', h = Z'V~^-1[X y], H_t its X part, w = (-beta, 1).
        """
        rho = np.maximum(np.asarray(ratios, dtype=float), 0.0)
        found = self.pieces(rho)
        if found is None:
            return np.inf, np.zeros_like(rho)
        s = found.solution
        p, n = self.design.p, self.design.n
        w = np.append(-s.beta, 1.0)
        xtvx_inv = np.linalg.inv(s.xtvx)
        lever = np.einsum("ij,tji->t", xtvx_inv, found.crosses[:, :p, :p])
        df = n - p if reml else n
        spread = np.einsum("i,tij,j->t", w, found.crosses, w)
        gradient = found.traces - (lever if reml else 0.0) - df * spread / s.quadratic
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


def _local_positions(design: CellDesign, index: int) -> np.ndarray:
    """Each cell's position, for one term, among that term's levels in its school."""
    levels = pd.factorize(design.term_levels[index])[0]
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
    return local[levels]
