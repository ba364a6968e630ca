"""The exact cell engine: its likelihood, its gradient, its optimum and its degrees of freedom."""

import numpy as np
import pandas as pd
import pytest

from analytics.lmm import CellEngine
from analytics.lmm_fit import fit_mixed
from analytics.lmm_information import satterthwaite
from analytics.lmm_statsmodels import fit_statsmodels
from analytics.trend_design import prepare_trend


def normal_design(seed: int = 1, schools: int = 6, classes: int = 2, rounds: int = 3, **sd):
    """Scores drawn straight from the trend model (no rounding), one row per pupil."""
    rng = np.random.default_rng(seed)
    school_sd, class_sd, round_sd = sd.get("school", 0.2), sd.get("cls", 0.1), sd.get("sr", 0.1)
    rows = []
    for s in range(schools):
        u_school, treated = rng.normal(0, school_sd), s % 2
        u_class = rng.normal(0, class_sd, classes)
        for r in range(rounds):
            u_round = rng.normal(0, round_sd)
            for c in range(classes):
                n = sd.get("n", int(rng.integers(8, 20)))
                y = 3 + 0.1 * r * treated + u_school + u_class[c] + u_round + rng.normal(0, 0.6, n)
                rows += [(v, r, f"S{s}", f"S{s}-{c}", treated) for v in y]
    return pd.DataFrame(rows, columns=["score", "round", "school", "group", "treated"])


def dense_reml_deviance(frame: pd.DataFrame, x_names, variances) -> float:
    """-2 REML log-likelihood from the full N x N covariance matrix, the textbook way."""
    prepared = prepare_trend(frame, "score", "round", "school", "group", "treated")
    x = prepared.design.x[prepared.row_cell]
    y = prepared.row_outcome
    v = variances[-1] * np.eye(len(y))
    for variance, levels in zip(variances[:-1], prepared.design.term_levels, strict=True):
        unit = levels[prepared.row_cell]
        v += variance * (unit[:, None] == unit[None, :])
    vinv = np.linalg.inv(v)
    xtvx = x.T @ vinv @ x
    beta = np.linalg.solve(xtvx, x.T @ vinv @ y)
    r = y - x @ beta
    n, p = x.shape
    return float(
        np.linalg.slogdet(v)[1]
        + np.linalg.slogdet(xtvx)[1]
        + r @ vinv @ r
        + (n - p) * np.log(2 * np.pi)
    )


def test_cell_likelihood_equals_the_dense_reml_likelihood() -> None:
    frame = normal_design(schools=4)
    prepared = prepare_trend(frame, "score", "round", "school", "group", "treated")
    variances = np.array([0.04, 0.01, 0.02, 0.36])
    dense = dense_reml_deviance(frame, prepared.design.x_names, variances)
    assert CellEngine(prepared.design).full_deviance(variances) == pytest.approx(dense, abs=1e-8)


def test_exact_gradient_matches_finite_differences() -> None:
    prepared = prepare_trend(normal_design(), "score", "round", "school", "group", "treated")
    engine = CellEngine(prepared.design)
    ratios = np.array([0.1, 0.03, 0.02])
    _, gradient = engine.deviance_and_gradient(ratios)
    steps = np.eye(3) * 1e-6
    numeric = [(engine.deviance(ratios + h) - engine.deviance(ratios - h)) / 2e-6 for h in steps]
    assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-4)


def test_every_optimiser_run_reaches_the_same_optimum() -> None:
    prepared = prepare_trend(normal_design(seed=3), "score", "round", "school", "group", "treated")
    fit, _ = fit_mixed(prepared.design, starts=(0.1, 1.0, 0.01))
    deviances = [attempt.deviance for attempt in fit.attempts]
    assert fit.converged
    assert max(deviances) - min(deviances) < 1e-5


def test_a_variance_the_data_cannot_carry_is_a_stated_boundary_fit() -> None:
    frame = normal_design(seed=4, sr=0.0, n=15)
    cell = frame.groupby(["group", "round"])["score"].transform("mean")
    school_round = frame.groupby(["school", "round"])["score"].transform("mean")
    frame["score"] += school_round.groupby(frame["school"]).transform("mean") - cell
    prepared = prepare_trend(frame, "score", "round", "school", "group", "treated")
    fit, _ = fit_mixed(prepared.design)
    assert "school:round" in fit.boundary
    assert fit.variances[2] == 0.0


def test_statsmodels_never_beats_the_exact_engine_and_agrees_where_it_gets_there() -> None:
    prepared = prepare_trend(normal_design(seed=5), "score", "round", "school", "group", "treated")
    exact, _ = fit_mixed(prepared.design)
    second, _ = fit_statsmodels(prepared)
    print(f"\ndeviance: exact {exact.deviance:.6f}, statsmodels {second.deviance:.6f}")
    assert second.deviance >= exact.deviance - 1e-6
    assert second.deviance - exact.deviance < 1e-3
    assert np.abs(second.beta - exact.beta).max() < 1e-3
    assert np.abs(second.variances - exact.variances).max() < 1e-3


def test_satterthwaite_df_of_a_balanced_did_is_the_split_plot_df() -> None:
    frame = normal_design(seed=6, schools=8, classes=4, rounds=4, n=20)
    prepared = prepare_trend(frame, "score", "round", "school", "group", "treated")
    fit, _ = fit_mixed(prepared.design)
    did = np.eye(len(fit.beta))[-1]
    _, df = satterthwaite(prepared.design, fit.variances, did)
    assert df[0] == pytest.approx((8 - 2) * (4 - 1), abs=2.5)
