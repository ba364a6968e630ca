"""Cronbach's alpha and McDonald's omega, against their definitions and closed forms."""

import numpy as np
import pandas as pd
import pytest

from analytics.reliability import (
    cronbach_alpha,
    mcdonald_omega,
    one_factor_loadings,
    reliability,
)
from analytics.scoring import ConstructSpec
from analytics.simulation import simulate_demo


def congeneric(loadings: list[float], uniques: list[float]) -> np.ndarray:
    return np.outer(loadings, loadings) + np.diag(uniques)


def test_alpha_of_a_known_covariance_matrix() -> None:
    covariance = np.array([[1.0, 0.5, 0.5], [0.5, 1.0, 0.5], [0.5, 0.5, 1.0]])
    assert cronbach_alpha(covariance) == pytest.approx(1.5 * (1 - 3 / 6))


def test_omega_equals_alpha_when_items_load_equally() -> None:
    covariance = congeneric([0.7] * 4, [0.51] * 4)
    assert mcdonald_omega(covariance) == pytest.approx(cronbach_alpha(covariance), abs=1e-4)


def test_omega_recovers_the_loadings_of_a_congeneric_scale() -> None:
    loadings, uniques = [0.9, 0.7, 0.5, 0.3], [0.19, 0.51, 0.75, 0.91]
    fitted, _ = one_factor_loadings(congeneric(loadings, uniques))
    assert fitted == pytest.approx(loadings, abs=1e-3)
    expected = sum(loadings) ** 2 / (sum(loadings) ** 2 + sum(uniques))
    assert mcdonald_omega(congeneric(loadings, uniques)) == pytest.approx(expected, abs=1e-4)
    assert mcdonald_omega(congeneric(loadings, uniques)) > cronbach_alpha(
        congeneric(loadings, uniques)
    )


def test_three_items_give_the_closed_form_loadings() -> None:
    covariance = np.array([[1.0, 0.42, 0.35], [0.42, 1.0, 0.30], [0.35, 0.30, 1.0]])
    fitted, _ = one_factor_loadings(covariance)
    closed = np.sqrt([0.42 * 0.35 / 0.30, 0.42 * 0.30 / 0.35, 0.35 * 0.30 / 0.42])
    assert fitted == pytest.approx(closed, abs=1e-3)


def test_two_items_have_no_omega() -> None:
    assert np.isnan(mcdonald_omega(np.array([[1.0, 0.5], [0.5, 1.0]])))


def test_reliability_per_construct_and_round_of_the_demo() -> None:
    spec = ConstructSpec("trivsel", tuple((f"t{i}", i == 3) for i in range(4)))
    data = simulate_demo({"pupil": [spec]}, seed=4)
    tidy = data.answers.merge(data.responses[["response", "round"]], on="response")
    table = reliability(tidy, [spec]).table
    assert list(table["round"]) == [0, 1, 2, 3]
    # item noise 0.6 around a person SD of 0.6: alpha = 4 * 0.36 / (4 * 0.36 + 0.36) = 0.8
    assert table["alpha"].between(0.72, 0.86).all()
    assert (table["omega"] >= table["alpha"] - 0.01).all()


def test_too_few_complete_responses_give_no_figure() -> None:
    spec = ConstructSpec("x", (("a", False), ("b", False), ("c", False)))
    tidy = pd.DataFrame(
        {"response": [1, 1, 1], "item": ["a", "b", "c"], "value": [1, 2, 3], "declined": False}
    )
    table = reliability(tidy, [spec], by=None).table
    assert table.loc[0, "n"] == 1 and np.isnan(table.loc[0, "alpha"])


def test_items_that_move_together_exactly_give_omega_near_one_not_an_error() -> None:
    answers = np.random.default_rng(1).integers(1, 6, 50).astype(float)
    same = np.cov(np.vstack([answers, answers, answers]))
    assert cronbach_alpha(same) == pytest.approx(1.0)
    assert mcdonald_omega(same) == pytest.approx(1.0, abs=0.01)


def test_two_identical_items_beside_another_give_a_finite_omega() -> None:
    rng = np.random.default_rng(2)
    answers = rng.integers(1, 6, 50).astype(float)
    other = rng.integers(1, 6, 50).astype(float)
    omega = mcdonald_omega(np.cov(np.vstack([answers, answers, other])))
    assert 0.0 < omega <= 1.0
