"""The trend model with no random terms: weighted least squares on the cell means.

What is left when only one school answered: the cell engine at zero random terms is ordinary
least squares, and its REML criterion, estimates and covariance are those of `lm()` in R.
"""

from __future__ import annotations

import numpy as np

from analytics.lmm import CellDesign, CellEngine
from analytics.lmm_fit import MixedFit


def fit_ols(design: CellDesign) -> MixedFit:
    """Fit a design without random terms; the residual variance is the only variance."""
    if design.term_names:
        raise ValueError("fit_ols takes a design without random terms")
    engine = CellEngine(design)
    no_terms = np.zeros(0)
    solution = engine.solve(no_terms)
    sigma2 = engine.sigma2(solution)
    return MixedFit(
        x_names=design.x_names,
        term_names=(),
        beta=solution.beta,
        beta_cov=sigma2 * np.linalg.inv(solution.xtvx),
        variances=np.array([sigma2]),
        deviance=engine.deviance(no_terms),
        reml=True,
        n=design.n,
        converged=True,
        boundary=(),
        attempts=(),
    )
