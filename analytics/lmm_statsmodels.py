"""The same trend model fitted row by row with statsmodels' MixedLM, as a second opinion.

statsmodels states the nested terms as variance components within school. Its optimisers can
stop early or claim success short of the optimum, so every method is tried and each result is
judged by the exact REML deviance of the cell engine, on the same scale as lme4's. A method
that warns is kept only as an attempt that did not converge; warnings never leak.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from statsmodels.regression.mixed_linear_model import MixedLM
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from analytics.lmm import CellEngine
from analytics.lmm_fit import BOUNDARY_THETA, Attempt, MixedFit
from analytics.trend_design import TrendData

METHODS: tuple[str, ...] = ("lbfgs", "bfgs", "cg", "nm", "powell")


def fit_statsmodels(
    data: TrendData, methods: tuple[str, ...] = METHODS
) -> tuple[MixedFit, CellEngine]:
    """REML fit with statsmodels, best method by exact deviance; needs the school term."""
    design = data.design
    if design.term_names[0] != "school":
        raise ValueError("the statsmodels engine needs a school term")
    engine = CellEngine(design)
    cell = data.row_cell
    frame = pd.DataFrame(design.x[cell], columns=[f"x{i}" for i in range(design.p)])
    frame["y"] = data.row_outcome
    frame["school"] = design.block[cell]
    vc_formula = {}
    for name, levels in zip(design.term_names[1:], design.term_levels[1:], strict=True):
        column = name.replace(":", "_")
        frame[column] = levels[cell]
        vc_formula[column] = f"0 + C({column})"
    formula = "y ~ 0 + " + " + ".join(f"x{i}" for i in range(design.p))
    model = MixedLM.from_formula(
        formula, frame, groups="school", re_formula="1", vc_formula=vc_formula or None
    )
    attempts: list[Attempt] = []
    candidates: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for method in methods:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = model.fit(reml=True, method=method)
            except (np.linalg.LinAlgError, ValueError):
                attempts.append(Attempt(f"statsmodels:{method}", 1.0, np.inf, False, 0))
                continue
        warned = any(issubclass(w.category, ConvergenceWarning) for w in caught)
        variances = np.append(
            [float(result.cov_re.iloc[0, 0]), *np.asarray(result.vcomp, dtype=float)],
            float(result.scale),
        )
        variances = np.maximum(variances, 0.0)
        deviance = engine.full_deviance(variances)
        success = bool(result.converged) and not warned
        attempts.append(Attempt(f"statsmodels:{method}", 1.0, deviance, success, 0))
        beta = np.asarray(result.fe_params, dtype=float)
        cov = np.asarray(result.cov_params(), dtype=float)[: design.p, : design.p]
        candidates.append((variances, beta, cov))
    finite = [a for a in attempts if np.isfinite(a.deviance)]
    if not finite:
        raise np.linalg.LinAlgError("no statsmodels method gave a usable fit")
    best_index = int(np.argmin([a.deviance for a in finite]))
    variances, beta, beta_cov = candidates[best_index]
    ratios = variances[:-1] / variances[-1]
    fit = MixedFit(
        x_names=design.x_names,
        term_names=design.term_names,
        beta=beta,
        beta_cov=beta_cov,
        variances=variances,
        deviance=finite[best_index].deviance,
        reml=True,
        n=design.n,
        converged=finite[best_index].success,
        boundary=tuple(
            name
            for name, ratio in zip(design.term_names, ratios, strict=True)
            if np.sqrt(ratio) < BOUNDARY_THETA
        ),
        attempts=tuple(attempts),
    )
    return fit, engine
