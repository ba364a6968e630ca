"""Kenward-Roger standard errors and degrees of freedom for contrasts of the fixed effects.

Kenward and Roger (1997, Biometrics 53:983) correct two small-sample faults of the plug-in
covariance Phi = (X'V^-1X)^-1: it ignores that the variances were estimated (so it is too
small), and the Wald statistic is not t-distributed. The adjusted covariance is

    Phi_A = Phi + 2 Phi [sum_ij W_ij (Q_ij - P_i Phi P_j - R_ij / 4)] Phi,

with P_i = X'V^-1 V_i V^-1 X, Q_ij = X'V^-1 V_i V^-1 V_j V^-1 X, R_ij = 0 for variance
components (V is linear in them), and W the inverse expected REML information,
I_ij = tr(P V_i P V_j) / 2 (P the REML projection). This is the form R's pbkrtest computes
(`vcovAdj`; Kenward and Roger 2009 improve only the non-linear case, which has R_ij != 0).
For one contrast L (q = 1) the scaled F of Kenward and Roger (their A1 = A2, with
Theta = L'(L Phi L')^-1 L built on the unadjusted Phi, as in pbkrtest's `Lb_ddf`) reduces to
a t with scale 1 on

    df = 2 (L Phi L')^2 / (g' W g),  g_i = L Phi P_i Phi L',

the Satterthwaite formula with the expected information (analytics.lmm_information), and the
statistic divides by the adjusted standard error sqrt(L Phi_A L'). So for a single contrast
the two methods share their df and differ in the standard error; here the df are computed
again from the exact information this module forms, not by differences.

Every piece is a sum over schools of cell-level products. With C mapping responses to cells
(counts D), V^-1 C = C D^-1 Vc^-1 where Vc = sigma^2 D^-1 + sum_t sigma_t^2 Z_t Z_t' is the
covariance of the cell means; so at cell level the residual's V_i is D^-1, the random terms'
are Z_t Z_t', and the within-cell deviations add only (N - cells) / sigma^4 to the residual's
tr(P V P V). A school's Vc has one row per cell of that school (classes x rounds, or pupils x
rounds in panel mode), never one per response.

When to prefer it: with few schools both Satterthwaite and KR are approximations. Johnson et
al. (2015, Stat Med 34:3531) find KR adequate from about 14 clusters per arm; with fewer, the
design-based check (analytics.design_check: randomisation inference and two-stage cluster
means) is the honest one, and the model's interval is a second opinion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.lmm import CellDesign

#: Eigenvalues of the information below this share of the largest count as zero (as in
#: analytics.lmm_information: a variance at zero can leave a direction without information).
RCOND = 1e-8


@dataclass(frozen=True, eq=False)  # holds arrays: compare fields
class KenwardRoger:
    """The pieces of the adjustment, for any number of contrasts."""

    phi: np.ndarray  #: (X'V^-1X)^-1, the unadjusted covariance of the fixed effects
    phi_adjusted: np.ndarray  #: Phi_A
    weights: np.ndarray  #: W, the inverse expected REML information over (terms, residual)
    derivatives: np.ndarray  #: P_i, (variances, p, p)

    def contrasts(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Adjusted standard errors and KR degrees of freedom of each row of `rows` (k x p)."""
        adjusted = np.einsum("ki,ij,kj->k", rows, self.phi_adjusted, rows)
        plain = np.einsum("ki,ij,kj->k", rows, self.phi, rows)
        left = rows @ self.phi
        gradients = np.einsum("ki,mij,kj->km", left, self.derivatives, left)
        spread = np.einsum("ki,ij,kj->k", gradients, self.weights, gradients)
        with np.errstate(divide="ignore", invalid="ignore"):
            df = 2.0 * plain**2 / spread
        return np.sqrt(np.maximum(adjusted, 0.0)), df


def kenward_roger(
    design: CellDesign, variances: np.ndarray, contrasts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Adjusted standard errors and KR degrees of freedom for rows of `contrasts` (k x p);
    rows holding NaN (inestimable) give NaN. `variances` are the REML estimates, one per
    random term and then the residual."""
    contrasts = np.atleast_2d(contrasts)
    estimable = np.all(np.isfinite(contrasts), axis=1)
    rows = np.where(estimable[:, None], contrasts, 0.0)
    adjustment = adjust(design, np.asarray(variances, dtype=float))
    se, df = adjustment.contrasts(rows)
    upper = float(design.n - design.p)
    df = np.where(np.isfinite(df) & (df > 0), np.clip(df, 1.0, upper), upper)
    return np.where(estimable, se, np.nan), np.where(estimable, df, np.nan)


def adjust(design: CellDesign, variances: np.ndarray) -> KenwardRoger:
    """Phi, Phi_A, W and P_i at the given variances."""
    p = design.p
    m = len(variances)
    sigma2 = float(variances[-1])
    xtvx = np.zeros((p, p))
    first = np.zeros((m, p, p))  # P_i
    second = np.zeros((m, m, p, p))  # Q_ij
    traces = np.zeros((m, m))  # tr(Vc^-1 V_i Vc^-1 V_j)
    for x, parts in _school_batches(design):
        covariance = np.einsum("i,ibcd->bcd", variances, parts)
        inverse = np.linalg.inv(covariance)
        inverse = 0.5 * (inverse + np.swapaxes(inverse, 1, 2))
        ax = inverse @ x  # Vc^-1 X, (schools, c, p)
        xtvx += np.einsum("bci,bcj->ij", x, ax)
        vax = parts @ ax[None]  # V_i Vc^-1 X, (m, schools, c, p)
        first += np.einsum("bci,mbcj->mij", ax, vax)
        ivax = inverse[None] @ vax  # Vc^-1 V_i Vc^-1 X
        second += np.einsum("mbci,nbcj->mnij", vax, ivax)
        product = inverse[None] @ parts  # Vc^-1 V_i
        traces += np.einsum("mbcd,nbdc->mn", product, product)
    phi = np.linalg.inv(xtvx)
    phi = 0.5 * (phi + phi.T)
    phi_p = phi[None] @ first  # Phi P_i
    double = np.einsum("mij,nji->mn", phi_p, phi_p)  # tr(Phi P_i Phi P_j)
    information = traces - 2.0 * np.einsum("ij,mnji->mn", phi, second) + double
    information[-1, -1] += (design.n - len(design.count)) / sigma2**2
    information = 0.25 * (information + information.T)  # I = tr(P V_i P V_j) / 2
    weights = np.linalg.pinv(information, rcond=RCOND, hermitian=True)
    correction = second - first[:, None] @ phi[None, None] @ first[None]
    inner = np.einsum("mn,mnij->ij", weights, correction)
    inner = 0.5 * (inner + inner.T)
    phi_adjusted = phi + 2.0 * phi @ inner @ phi
    return KenwardRoger(phi, phi_adjusted, weights, first)


def _school_batches(design: CellDesign):  # type: ignore[no-untyped-def]
    """Per group of schools with the same number of cells: their X (schools, c, p) and each
    variance's V_i at cell level (variances, schools, c, c): Z_t Z_t' per term, then D^-1."""
    order = np.argsort(design.block, kind="stable")
    block = design.block[order]
    starts = np.flatnonzero(np.r_[True, np.diff(block) != 0])
    sizes = np.diff(np.r_[starts, len(block)])
    levels = [pd.factorize(codes)[0] for codes in design.term_levels]
    for size in np.unique(sizes):
        chosen = starts[sizes == size]
        cells = order[chosen[:, None] + np.arange(size)[None, :]]  # (schools, c)
        parts = [
            (codes[cells][:, :, None] == codes[cells][:, None, :]).astype(float) for codes in levels
        ]
        eye = np.eye(size)
        parts.append(eye[None] / design.count[cells][:, :, None])
        yield design.x[cells], np.stack(parts)
