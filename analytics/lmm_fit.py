"""Robust REML fitting on the exact cell engine, and Satterthwaite degrees of freedom.

Several optimisers from several starts; the best deviance wins, and the result says whether
the optimum is a true one (no Newton step can improve it) and which variances sit at zero.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from analytics.lmm import CellDesign, CellEngine
from analytics.lmm_newton import gradient_jacobian, projected_newton

#: lme4's own threshold: a relative SD below this counts as a boundary (singular) fit.
BOUNDARY_THETA = 1e-4
#: A Newton step from a converged optimum may improve the deviance by no more than this.
CONVERGENCE_DECREMENT = 1e-6
#: Starting variance ratios: a typical school-survey size first, then lme4's default (1).
STARTS: tuple[float, ...] = (0.1, 1.0, 0.01)
#: Two runs agree when their deviances differ by less than this.
AGREEMENT = 1e-5


@dataclass(frozen=True)
class Attempt:
    """One optimiser run: where it started and how far it got."""

    optimizer: str
    start: float
    deviance: float
    success: bool
    evaluations: int


@dataclass(frozen=True, eq=False)  # holds arrays or frames: compare fields
class MixedFit:
    """A fitted mixed model: fixed effects, variances (terms, then residual) and diagnostics."""

    x_names: tuple[str, ...]
    term_names: tuple[str, ...]
    beta: np.ndarray
    beta_cov: np.ndarray
    variances: np.ndarray  #: one per random term, then the residual variance
    deviance: float  #: -2 log-likelihood (REML criterion when reml)
    reml: bool
    n: int
    converged: bool
    boundary: tuple[str, ...]  #: random terms estimated at (or next to) zero
    attempts: tuple[Attempt, ...]

    @property
    def loglik(self) -> float:
        return -0.5 * self.deviance

    @property
    def theta(self) -> np.ndarray:
        """Relative SDs, lme4's `getME(fit, "theta")` in term order."""
        return np.sqrt(self.variances[:-1] / self.variances[-1])

    def summary(self) -> str:
        method = "REML" if self.reml else "ML"
        lines = [
            f"Mixed model ({method}), n = {self.n}, log-likelihood {self.loglik:.4f}, "
            f"converged: {'yes' if self.converged else 'NO'}, boundary: "
            f"{', '.join(self.boundary) or 'none'}",
        ]
        se = np.sqrt(np.diag(self.beta_cov))
        lines += [
            f"  {n:<28} {b:>10.5f} {s:>9.5f}"
            for n, b, s in zip(self.x_names, self.beta, se, strict=True)
        ]
        names = [*self.term_names, "residual"]
        lines += [f"  var({n}) {v:.6f}" for n, v in zip(names, self.variances, strict=True)]
        lines += [
            f"  {a.optimizer} from {a.start}: deviance {a.deviance:.6f}" for a in self.attempts
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "fixed_effects": dict(zip(self.x_names, map(float, self.beta), strict=True)),
            "variances": dict(
                zip([*self.term_names, "residual"], map(float, self.variances), strict=True)
            ),
            "loglik": float(self.loglik),
            "reml": self.reml,
            "n": self.n,
            "converged": self.converged,
            "boundary": list(self.boundary),
            "attempts": [
                {"optimizer": a.optimizer, "start": a.start, "deviance": float(a.deviance)}
                for a in self.attempts
            ],
        }


def fit_mixed(
    design: CellDesign,
    reml: bool = True,
    starts: tuple[float, ...] = STARTS,
    second_opinion: bool = True,
) -> tuple[MixedFit, CellEngine]:
    """Fit by REML (or ML) and keep the lowest deviance of several runs.

    Always two optimisers with the exact gradient from different starts: projected Newton and
    TNC. When they disagree, or their best is not a verified optimum, L-BFGS-B and Newton from
    every start, and COBYQA (derivative-free, like lme4's BOBYQA), are tried as well. Without
    `second_opinion` (panel fits, where each evaluation costs more) TNC runs only when the
    Newton optimum cannot be verified. Newton steers by a Hessian from forward differences of
    the gradient (one evaluation per ratio, not two: 40 evaluations a demo fit instead of 66);
    the optimum is verified with central differences all the same (`_is_optimum`).
    """
    engine = CellEngine(design)
    terms = len(design.term_names)
    bounds = [(0.0, None)] * terms

    def with_gradient(ratios: np.ndarray) -> tuple[float, np.ndarray]:
        return engine.deviance_and_gradient(ratios, reml)

    def value(ratios: np.ndarray) -> float:
        return engine.deviance(ratios, reml)

    attempts: list[Attempt] = []
    points: list[np.ndarray] = []

    def minimize(*args: object, **kwargs: object) -> object:
        """scipy's optimisers, imported when first needed: a verified Newton fit never is."""
        from scipy.optimize import minimize as scipy_minimize

        return scipy_minimize(*args, **kwargs)  # type: ignore[arg-type]

    def run(name: str, start: float, call: Callable[[], object]) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            result = call()
        x = np.maximum(np.asarray(result.x, dtype=float), 0.0)  # type: ignore[attr-defined]
        success = bool(result.success)  # type: ignore[attr-defined]
        evaluations = int(result.nfev)  # type: ignore[attr-defined]
        attempts.append(Attempt(name, start, value(x), success, evaluations))
        points.append(x)

    def newton(start: float) -> None:
        x0 = np.full(terms, start)
        run("Newton", start, lambda: projected_newton(with_gradient, x0, forward=True))

    def lbfgs(start: float) -> None:
        x0 = np.full(terms, start)
        options = {"ftol": 1e-13, "gtol": 1e-9, "maxiter": 500}
        run(
            "L-BFGS-B",
            start,
            lambda: minimize(
                with_gradient, x0, jac=True, method="L-BFGS-B", bounds=bounds, options=options
            ),
        )

    def tnc(start: float) -> None:
        x0 = np.full(terms, start)
        options = {"ftol": 1e-13, "gtol": 1e-9, "maxfun": 1000}
        run(
            "TNC",
            start,
            lambda: minimize(
                with_gradient, x0, jac=True, method="TNC", bounds=bounds, options=options
            ),
        )

    def derivative_free(start: float) -> None:
        """COBYQA (scipy >= 1.14), else Powell: neither trusts the gradient."""
        x0 = np.full(terms, start)
        try:
            run(
                "COBYQA",
                start,
                lambda: minimize(
                    value, x0, method="COBYQA", bounds=bounds, options={"maxfev": 3000}
                ),
            )
        except ValueError:  # an older scipy without COBYQA
            run("Powell", start, lambda: minimize(value, x0, method="Powell", bounds=bounds))

    second = starts[1] if len(starts) > 1 else starts[0]
    newton(starts[0])
    if second_opinion or not _is_optimum(engine, _best(engine, attempts, points, reml), reml):
        tnc(second)
    best = _best(engine, attempts, points, reml)
    converged = _is_optimum(engine, best, reml) and _agree(attempts)
    if not converged:
        for start in starts:
            lbfgs(start)
        for start in starts[1:]:
            newton(start)
        derivative_free(second)
        best = _best(engine, attempts, points, reml)
        converged = _is_optimum(engine, best, reml)
    solution = engine.solve(best)
    sigma2 = engine.sigma2(solution, reml)
    variances = np.append(best * sigma2, sigma2)
    boundary = tuple(
        name
        for name, ratio in zip(design.term_names, best, strict=True)
        if np.sqrt(ratio) < BOUNDARY_THETA
    )
    fit = MixedFit(
        x_names=design.x_names,
        term_names=design.term_names,
        beta=solution.beta,
        beta_cov=sigma2 * np.linalg.inv(solution.xtvx),
        variances=variances,
        deviance=engine.deviance(best, reml),
        reml=reml,
        n=design.n,
        converged=converged,
        boundary=boundary,
        attempts=tuple(attempts),
    )
    return fit, engine


def _agree(attempts: list[Attempt]) -> bool:
    deviances = [a.deviance for a in attempts]
    return bool(np.isfinite(deviances).all() and max(deviances) - min(deviances) < AGREEMENT)


def _best(
    engine: CellEngine, attempts: list[Attempt], points: list[np.ndarray], reml: bool
) -> np.ndarray:
    return _snap_to_boundary(engine, points[int(np.argmin([a.deviance for a in attempts]))], reml)


def _snap_to_boundary(engine: CellEngine, ratios: np.ndarray, reml: bool) -> np.ndarray:
    """Set tiny variances to exactly zero when that does not raise the deviance."""
    snapped = ratios.copy()
    for index in np.flatnonzero(np.sqrt(ratios) < BOUNDARY_THETA):
        trial = snapped.copy()
        trial[index] = 0.0
        if engine.deviance(trial, reml) <= engine.deviance(snapped, reml) + 1e-9:
            snapped = trial
    return snapped


def _is_optimum(engine: CellEngine, ratios: np.ndarray, reml: bool) -> bool:
    """KKT at the bounds, and no Newton step over the free ratios gains CONVERGENCE_DECREMENT."""
    deviance, gradient = engine.deviance_and_gradient(ratios, reml)
    if not np.isfinite(deviance):
        return False
    free = ratios > 0
    if np.any(gradient[~free] < -1e-6 * max(1.0, abs(deviance))):
        return False
    if not free.any():
        return True
    hessian = gradient_jacobian(lambda x: engine.deviance_and_gradient(x, reml), ratios, free)
    try:
        step = np.linalg.solve(hessian, gradient[free])
    except np.linalg.LinAlgError:
        return False
    decrement = 0.5 * float(gradient[free] @ step)
    return bool(np.all(np.linalg.eigvalsh(hessian) > 0) and decrement < CONVERGENCE_DECREMENT)
