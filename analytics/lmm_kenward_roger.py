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
tr(P V P V). Nothing is formed per response, nor even per cell: with Woodbury, each school
contributes through Z'Vc^-1Z and Z'Vc^-1X, matrices over its random-effect levels built from
the cell counts (Z'DZ, Z'DX), and the residual's pieces follow from the random terms' since
sigma^2 D^-1 = Vc - sum_t sigma_t^2 Z_t Z_t'.

When to prefer it: with few schools both Satterthwaite and KR are approximations. Johnson et
al. (2015, Stat Med 34:3531) find KR adequate from about 14 clusters per arm; with fewer, the
design-based check (analytics.design_check: randomisation inference and two-stage cluster
means) is the honest one, and the model's interval is a second opinion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analytics.lmm import CellDesign, CellEngine

#: Eigenvalues of the information below this share of the largest count as zero (as in
#: analytics.lmm_information: a variance at zero can leave a direction without information).
RCOND = 1e-8
#: Work on about this many matrix entries (schools x levels^2) at a time, to bound memory.
CHUNK_ENTRIES = 2_000_000


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
    """Phi, Phi_A, W and P_i at the given variances (random terms, then the residual)."""
    sigma2 = float(variances[-1])
    first, second, traces, xtvx = _random_pieces(design, variances)
    first, second, traces = _with_residual(design, variances, first, second, traces, xtvx)
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


def _random_pieces(
    design: CellDesign, variances: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """P_t, Q_tu and tr(Vc^-1 V_t Vc^-1 V_u) over the random terms t, u, and X'Vc^-1X.

    Per school, by Woodbury with A = Z'DZ, B = Z'DX, T = diag(sqrt(variance / sigma^2)) and
    S = I + T A T: K = Z'Vc^-1Z = (A - A M A) / sigma^2 and H = Z'Vc^-1X = (B - A M B) /
    sigma^2, M = T S^-1 T. Then P_t = H_t'H_t, Q_tu = H_t'K_tu H_u and the trace is
    |K_tu|^2, summed over schools: the cost grows with the levels per school, not the cells.
    """
    p = design.p
    k = len(variances) - 1
    sigma2 = float(variances[-1])
    engine = CellEngine(design, eliminate=False)  # padded positions have zero counts
    scale = np.sqrt(np.maximum(variances[:-1], 0.0) / sigma2)[engine.term_of_position]
    masks = [engine.term_of_position == t for t in range(k)]
    first = np.zeros((k + 1, p, p))
    second = np.zeros((k + 1, k + 1, p, p))
    traces = np.zeros((k + 1, k + 1))
    xtvx = engine.xy_dxy[:p, :p].copy()
    q = len(engine.term_of_position)
    chunk = max(1, CHUNK_ENTRIES // max(1, q * q))
    for start in range(0, engine.zdz.shape[0], chunk):
        a = engine.zdz[start : start + chunk]
        b = engine.zdxy[start : start + chunk, :, :p]
        s_matrix = engine.eye + scale[:, None] * a * scale[None, :]
        middle = scale[:, None] * np.linalg.inv(s_matrix) * scale[None, :]
        am = a @ middle
        zvz = (a - am @ a) / sigma2
        zvx = (b - am @ b) / sigma2
        xtvx -= (_t(b) @ (middle @ b)).sum(axis=0)
        for t, mine in enumerate(masks):
            first[t] += (_t(zvx[:, mine]) @ zvx[:, mine]).sum(axis=0)
            for u, theirs in enumerate(masks):
                block = zvz[:, mine][:, :, theirs]
                second[t, u] += (_t(zvx[:, mine]) @ (block @ zvx[:, theirs])).sum(axis=0)
                traces[t, u] += float((block**2).sum())
            traces[t, k] += float(np.trace(zvz[:, mine][:, :, mine], axis1=1, axis2=2).sum())
    xtvx /= sigma2
    return first, second, traces, 0.5 * (xtvx + xtvx.T)


def _t(stack: np.ndarray) -> np.ndarray:
    """Each matrix of a stack transposed."""
    return np.swapaxes(stack, 1, 2)


def _with_residual(
    design: CellDesign,
    variances: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    traces: np.ndarray,
    xtvx: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fill in the residual's P, Q and traces. At cell level its V is D^-1 = (Vc - sum_t
    v_t V_t) / sigma^2, so Vc^-1 V_res = (I - sum_t v_t Vc^-1 V_t) / sigma^2 and every piece
    of the residual follows from the random terms'. `traces[t, -1]` holds tr(Vc^-1 V_t)."""
    k = len(variances) - 1
    v = np.asarray(variances[:-1], dtype=float)
    sigma2 = float(variances[-1])
    alone = traces[:k, k].copy()  # tr(Vc^-1 V_t)
    first[k] = (xtvx - np.einsum("t,tij->ij", v, first[:k])) / sigma2
    for t in range(k):
        second[t, k] = (first[t] - np.einsum("u,uij->ij", v, second[t, :k])) / sigma2
        second[k, t] = second[t, k].T
        traces[t, k] = traces[k, t] = (alone[t] - v @ traces[t, :k]) / sigma2
    second[k, k] = (first[k] - np.einsum("u,uij->ij", v, second[:k, k])) / sigma2
    residual_alone = (len(design.count) - v @ alone) / sigma2  # tr(Vc^-1 D^-1)
    traces[k, k] = (residual_alone - v @ traces[:k, k]) / sigma2
    return first, second, traces
