"""A projected Newton method for a handful of variance ratios bounded below by zero.

With two or three parameters, an exact gradient and a Hessian from differences of it, Newton
steps converge in a few iterations to full precision. It needs no LAPACK beyond a 3 x 3
eigendecomposition, so it stays fast on a busy machine, where multithreaded BLAS inside
scipy's L-BFGS-B can stall on every call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class NewtonResult:
    x: np.ndarray
    fun: float
    success: bool
    nfev: int


def gradient_jacobian(
    objective: Objective, x: np.ndarray, free: np.ndarray, gradient: np.ndarray | None = None
) -> np.ndarray:
    """Hessian over the free coordinates, by differences of the exact gradient: central where
    the coordinate is positive, forward at zero; forward everywhere when the gradient at x is
    given (half the evaluations, enough to steer Newton steps)."""
    index = np.flatnonzero(free)
    hessian = np.empty((len(index), len(index)))
    for row, position in enumerate(index):
        step = 1e-5 * max(x[position], 1e-3)
        up = x.copy()
        up[position] += step
        if gradient is not None:
            difference = (objective(up)[1] - gradient) / step
        elif x[position] > step:
            down = x.copy()
            down[position] -= step
            difference = (objective(up)[1] - objective(down)[1]) / (2 * step)
        else:
            difference = (objective(up)[1] - objective(x)[1]) / step
        hessian[row] = difference[index]
    return 0.5 * (hessian + hessian.T)


def projected_newton(
    objective: Objective, x0: np.ndarray, max_iter: int = 60, forward: bool = False
) -> NewtonResult:
    """Minimise over x >= 0. Coordinates at zero whose gradient points outwards stay fixed;
    the Hessian's eigenvalues are made positive, so every step descends. `forward` takes the
    Hessian by forward differences (one evaluation per free coordinate, not two)."""
    x = np.maximum(np.asarray(x0, dtype=float), 0.0)
    f, g = objective(x)
    evaluations = 1
    for _ in range(max_iter):
        if not np.isfinite(f):
            return NewtonResult(x, f, False, evaluations)
        free = (x > 0) | (g < 0)
        if not free.any():
            return NewtonResult(x, f, True, evaluations)
        hessian = gradient_jacobian(objective, x, free, g if forward else None)
        evaluations += (1 if forward else 2) * int(free.sum())
        values, vectors = np.linalg.eigh(hessian)
        floor = max(1e-10 * float(np.abs(values).max()), 1e-12)
        values = np.maximum(np.abs(values), floor)
        direction = np.zeros_like(x)
        direction[free] = -(vectors @ ((vectors.T @ g[free]) / values))
        step = 1.0
        while True:
            trial = np.maximum(x + step * direction, 0.0)
            f_trial, g_trial = objective(trial)
            evaluations += 1
            if np.isfinite(f_trial) and f_trial <= f + 1e-4 * float(g @ (trial - x)):
                break
            step /= 2
            if step < 1e-12:
                return NewtonResult(x, f, _stationary(x, g, f), evaluations)
        improvement = f - f_trial
        x, f, g = trial, f_trial, g_trial
        if improvement < 1e-11 * max(1.0, abs(f)):
            return NewtonResult(x, f, _stationary(x, g, f), evaluations)
    return NewtonResult(x, f, False, evaluations)


def _stationary(x: np.ndarray, g: np.ndarray, f: float) -> bool:
    """KKT within tolerance: small gradient where free, pointing outwards at zero."""
    scale = 1e-6 * max(1.0, abs(f))
    projected = np.where(x > 0, g, np.minimum(g, 0.0))
    return bool(np.all(np.abs(projected) * np.maximum(x, 1e-3) < scale))
