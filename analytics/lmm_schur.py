"""Eliminating one many-levelled random term analytically, before any dense algebra.

A random term with one level per cell (class in school, pupil in school) has a diagonal block
in Z'DZ: level e meets only itself, with a_e = its number of responses. In L = I + T A T that
block is 1 + rho a_e, so it can be eliminated first (a Schur complement), leaving a dense
system only over the other terms (school, school:round, and class when pupils are
eliminated). With W = (D^-1 + rho Z_e Z_e')^-1 the rest is the same model with D replaced by
W, whose cross-products are

    Z_k'WZ_k = A_kk - sum_e w_e A_ke A_ek,  Z_k'W[X y] = B_k - sum_e w_e A_ke B_e,
    [X y]'W[X y] = [X y]'D[X y] - sum_e w_e B_e'B_e,  w_e = rho / (1 + rho a_e),

and log|L| = sum_e log(1 + rho a_e) + log|S|. Since w_e depends on a level only through a_e,
the sums are precomputed once per (school, a_e) pair: an evaluation then costs a few small
products per pair and one (kept positions)^2 Cholesky per school, whatever the number of
levels. The gradient in rho needs the same sums with weights 1 / (1 + rho a_e)^2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

#: Lay the sums out densely by level size while that takes at most this many numbers.
DENSE_ENTRIES = 20_000_000


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields
class EliminatedTerm:
    """The per-(school, level size) sums the elimination needs, computed once."""

    size: np.ndarray  #: a: responses of a level, per pair
    levels: np.ndarray  #: how many levels of that size the pair's school has
    school_starts: np.ndarray  #: the first pair of each school (pairs are sorted by school)
    kept_kept: np.ndarray  #: pairs x K x K: sum of A_ke A_ek
    kept_xy: np.ndarray  #: pairs x K x (p + 1): sum of A_ke B_e
    xy_xy: np.ndarray  #: pairs x (p + 1) x (p + 1): sum of B_e' B_e
    #: the same sums laid out as (distinct sizes, schools, ...) when that stays small, so a
    #: weighted sum over sizes is one tensor product; else None and reduceat over pairs
    by_size: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    @classmethod
    def build(
        cls,
        level: np.ndarray,
        block: np.ndarray,
        count: np.ndarray,
        weighted_xy: np.ndarray,
        kept_positions: list[np.ndarray],
        kept_width: int,
        blocks: int,
    ) -> EliminatedTerm:
        """`level` codes the eliminated term per cell (0..E-1); `kept_positions` give each
        cell's position, per kept term, in its school's kept vector.

        Each pair's sums are products of sparse matrices whose columns are spread out by
        pair, so they cost about one pass over the cells."""
        levels = int(level.max()) + 1
        cells = len(level)
        size = np.bincount(level, weights=count, minlength=levels)
        school = np.zeros(levels, dtype=np.int64)
        school[level] = block
        to_level = sparse.csr_matrix(
            (np.ones(cells), (level, np.arange(cells))), shape=(levels, cells)
        )
        xy = np.asarray(to_level @ weighted_xy)  # B_e, levels x (p + 1)
        stride = int(size.max()) + 1
        pair_of_level, pairs = pd.factorize(school * stride + size.astype(np.int64), sort=True)
        k, m, n_pairs = kept_width, xy.shape[1], len(pairs)
        rows = np.tile(level, len(kept_positions))
        columns = np.concatenate(kept_positions) if kept_positions else np.zeros(0, int)
        weights = np.tile(count, len(kept_positions))
        kept = sparse.csr_matrix((weights, (rows, columns)), shape=(levels, max(k, 1)))
        spread = sparse.csr_matrix(
            (weights, (rows, pair_of_level[rows] * k + columns)), shape=(levels, n_pairs * k)
        )
        level_rows = np.repeat(np.arange(levels), m)
        spread_xy = sparse.csr_matrix(
            (
                xy.ravel(),
                (level_rows, pair_of_level[level_rows] * m + np.tile(np.arange(m), levels)),
            ),
            shape=(levels, n_pairs * m),
        )
        kept_kept = np.ascontiguousarray((spread.T @ kept).toarray()[:, :k])
        kept_kept = kept_kept.reshape(n_pairs, k, k)
        kept_xy = np.asarray(spread.T @ xy).reshape(n_pairs, k, m)
        xy_xy = np.asarray(spread_xy.T @ xy).reshape(n_pairs, m, m)
        pair_school = np.asarray(pairs) // stride
        if len(np.unique(pair_school)) != blocks:
            raise ValueError("every school must have a level of the eliminated term")
        pair_size = np.asarray(pairs) % stride
        sizes, size_of_pair = np.unique(pair_size, return_inverse=True)
        by_size = None
        if len(sizes) * blocks * k * (k + m) <= DENSE_ENTRIES:
            dense_kk = np.zeros((len(sizes), blocks, k, k))
            dense_kxy = np.zeros((len(sizes), blocks, k, m))
            dense_kk[size_of_pair, pair_school] = kept_kept
            dense_kxy[size_of_pair, pair_school] = kept_xy
            by_size = (sizes.astype(float), dense_kk, dense_kxy)
        return cls(
            size=pair_size.astype(float),
            levels=np.bincount(pair_of_level, minlength=n_pairs).astype(float),
            school_starts=np.flatnonzero(np.r_[True, np.diff(pair_school) != 0]),
            kept_kept=kept_kept,
            kept_xy=kept_xy,
            xy_xy=xy_xy,
            by_size=by_size,
        )

    def per_school(
        self, weight: Callable[[np.ndarray], np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Sums of A_ke A_ek and A_ke B_e per school, and of B_e'B_e, weighted by a function of
        the level size."""
        weights = weight(self.size)
        xy = np.tensordot(weights, self.xy_xy, axes=1)
        if self.by_size is not None:
            sizes, dense_kk, dense_kxy = self.by_size
            per_size = weight(sizes)
            kk = np.tensordot(per_size, dense_kk, axes=1)
            return kk, np.tensordot(per_size, dense_kxy, axes=1), xy
        w = weights[:, None, None]
        kk = np.add.reduceat(w * self.kept_kept, self.school_starts, axis=0)
        kxy = np.add.reduceat(w * self.kept_xy, self.school_starts, axis=0)
        return kk, kxy, xy

    def reduce(self, rho: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """What W subtracts from the kept cross-products, and log prod(1 + rho a_e)."""
        kk, kxy, xy = self.per_school(lambda a: rho / (1.0 + rho * a))
        return kk, kxy, xy, float(self.levels @ np.log1p(rho * self.size))

    def trace_and_cross(
        self, rho: float, middle: np.ndarray, v: np.ndarray
    ) -> tuple[float, np.ndarray]:
        """tr(Z_e'V~^-1 Z_e) and sum_e h_e'h_e with h_e = Z_e'V~^-1 [X y].

        Per level, h_e = (B_e - A_ek v) / (1 + rho a_e) with v = M B~ per school (M = T S^-1 T,
        `middle`), and the diagonal of Z_e'V~^-1 Z_e is a_e / (1 + rho a_e) - A_ek M A_ke /
        (1 + rho a_e)^2, so both are sums with weights 1 / (1 + rho a_e)^2.
        """
        kk, kxy, xy = self.per_school(lambda a: 1.0 / (1.0 + rho * a) ** 2)
        trace = float(self.levels @ (self.size / (1.0 + rho * self.size)))
        trace -= float((middle * kk).sum())  # both symmetric: tr(M kk)
        m = v.shape[2]
        mixed = kxy.reshape(-1, m).T @ v.reshape(-1, m)
        cross = xy - mixed - mixed.T + (np.swapaxes(v, 1, 2) @ (kk @ v)).sum(axis=0)
        return trace, cross
