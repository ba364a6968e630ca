"""Eliminating a many-levelled term (class or pupil in school) by a Schur complement gives the
same likelihood, gradient and degrees of freedom as the dense per-school algebra."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.lmm import CellEngine
from analytics.lmm_information import satterthwaite
from analytics.trend_design import prepare_trend
from tests.analytics.reference_information import satterthwaite as padded_satterthwaite


def random_panel(seed: int, schools: int, classes: int, pupils: int, rounds: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(schools):
        for c in range(classes):
            for p in range(pupils):
                for r in range(rounds):
                    if rng.random() < 0.3:
                        continue
                    card = None if rng.random() < 0.1 else f"{c}-{p}"
                    rows.append((rng.normal(), r, f"S{s}", f"S{s}-{c}", s % 2, card))
    frame = pd.DataFrame(rows, columns=["score", "round", "school", "group", "treated", "card"])
    both_rounds = frame.groupby(["school", "treated"])["round"].nunique()
    return frame if len(both_rounds) == schools and (both_rounds == rounds).all() else None


designs = st.builds(
    random_panel,
    seed=st.integers(0, 10_000),
    schools=st.integers(3, 4),  # two schools, one per arm, leave no school variance to see
    classes=st.integers(1, 3),
    pupils=st.integers(2, 5),
    rounds=st.integers(2, 3),
)
ratios = st.lists(st.sampled_from([0.0, 0.01, 0.3, 2.0]), min_size=4, max_size=4)


@settings(max_examples=30, deadline=None)
@given(frame=designs, rho=ratios, with_pupil=st.booleans())
def test_the_schur_elimination_equals_the_dense_algebra(frame, rho, with_pupil) -> None:
    if frame is None:
        return
    pupil = "card" if with_pupil else None
    design = prepare_trend(frame, "score", "round", "school", "group", "treated", "1", pupil=pupil)
    design = design.design
    rho = np.array(rho[: len(design.term_names)])
    schur, dense = CellEngine(design), CellEngine(design, eliminate=False)
    assert schur.eliminated is not None and dense.eliminated is None
    deviance, gradient = schur.deviance_and_gradient(rho)
    expected, expected_gradient = dense.deviance_and_gradient(rho)
    assert np.isfinite(expected)
    np.testing.assert_allclose(deviance, expected, rtol=1e-10, atol=1e-8)
    np.testing.assert_allclose(gradient, expected_gradient, rtol=1e-7, atol=1e-7)


@settings(max_examples=15, deadline=None)
@given(frame=designs, rho=ratios)
def test_satterthwaite_from_traces_equals_the_padded_information(frame, rho) -> None:
    if frame is None:
        return
    design = prepare_trend(
        frame, "score", "round", "school", "group", "treated", "1", pupil="card"
    ).design
    variances = np.append(np.array(rho[: len(design.term_names)]) * 0.5, 0.5)
    contrasts = np.eye(design.p)
    se, df = satterthwaite(design, variances, contrasts)
    expected_se, expected_df = padded_satterthwaite(design, variances, contrasts)
    np.testing.assert_allclose(se, expected_se, rtol=1e-9)
    # where the spread is zero to rounding, either bound (1 or n - p) is as right as the other
    inside = (expected_df > 1.01) & (expected_df < design.n - design.p - 0.01)
    np.testing.assert_allclose(df[inside], expected_df[inside], rtol=1e-5)
