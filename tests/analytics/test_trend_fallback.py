"""The fallback chain: every construct x respondent type gets the model its data carry, or
descriptives, and says which and why; degenerate designs give results or reasons, never an
exception."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import trend_fallback
from analytics.descriptives import describe
from analytics.goals import GoalSpec, track_goal
from analytics.trend_fallback import MODELS, fit_with_fallback
from analytics.trend_result import TrendResult

ARMS = {"both": ("intervention", "comparison"), "one": ("intervention",)}


def design(
    class_sizes: list[list[int]], rounds: int = 2, arms: tuple[str, ...] = ARMS["both"], seed=0
) -> pd.DataFrame:
    """class_sizes[school] lists each class's answering pupils, the same in every round."""
    rng = np.random.default_rng(seed)
    rows = [
        {
            "score": float(rng.integers(1, 6)),
            "round": r + 1,
            "school": f"S{s}",
            "group": f"{s}-{c}",
            "arm": arms[s % len(arms)],
        }
        for s, sizes in enumerate(class_sizes)
        for c, size in enumerate(sizes)
        for r in range(rounds)
        for _ in range(size)
    ]
    return pd.DataFrame(rows, columns=["score", "round", "school", "group", "arm"])


def test_a_full_design_gets_the_full_model_and_no_reason() -> None:
    result = fit_with_fallback(design([[8, 7]] * 4))
    assert (result.model, result.reason_nb) == ("full", "")
    assert "(1 | school:round)" in result.formula


def test_one_round_shows_each_arms_baseline_with_an_interval() -> None:
    result = fit_with_fallback(design([[14], [11], [9], [12]], rounds=1))
    assert result.model == "no_school_round"
    assert "school:round" not in result.formula
    assert "neste runde" in result.reason_nb
    for arm in ("intervention", "comparison"):
        mean = result.mean("1", arm)
        assert mean["ci_low"] < mean["estimate"] < mean["ci_high"]
    assert result.changes.empty and result.contrasts.empty


def test_a_change_goal_after_one_round_waits_for_the_next_round() -> None:
    stored = fit_with_fallback(design([[14], [11], [9], [12]], rounds=1)).to_dict()
    goal = GoalSpec("trivsel", "pupil", "change", 0.3, None)
    status = track_goal(goal, TrendResult.from_dict(json.loads(json.dumps(stored))))
    assert status.status == "cannot_tell" and "neste runde" in status.reason


def test_one_round_still_hides_an_arm_below_min_group_size() -> None:
    result = fit_with_fallback(design([[14], [4], [9], [3]], rounds=1))
    assert result.mean("1", "comparison")["suppressed"]
    assert np.isnan(result.mean("1", "comparison")["estimate"])


def test_one_school_is_fitted_by_least_squares_as_lm_does() -> None:
    data = design([[12, 9]], rounds=2, seed=4)
    result = fit_with_fallback(data)
    reference = smf.ols("score ~ C(round)", data).fit()
    assert result.model == "single_level" and "skole" in result.reason_nb
    coefficients = result.coefficients.set_index("term")["estimate"]
    assert coefficients["round2"] == pytest.approx(reference.params["C(round)[T.2]"])
    change = result.change("2", "intervention")
    assert change["se"] == pytest.approx(reference.bse["C(round)[T.2]"])
    assert change["df"] == pytest.approx(reference.df_resid)


def test_a_failing_rung_falls_to_the_next_and_says_why(monkeypatch) -> None:
    fit = trend_fallback.fit_trend

    def full_fails(*args, model="full", **kwargs):
        if model == "full":
            raise np.linalg.LinAlgError("Matrix is not positive definite")
        return fit(*args, model=model, **kwargs)

    monkeypatch.setattr(trend_fallback, "fit_trend", full_fails)
    result = fit_with_fallback(design([[8, 7]] * 4))
    assert result.model == "no_school_round"
    assert result.reason_nb.startswith("Den fulle modellen kunne ikke beregnes (likningene")


def test_when_no_model_fits_the_means_are_shown_without_intervals(monkeypatch) -> None:
    def nothing_fits(*args, **kwargs):
        raise ValueError("fewer responses than fixed effects")

    monkeypatch.setattr(trend_fallback, "fit_trend", nothing_fits)
    result = fit_with_fallback(design([[8, 7], [6, 5]] * 2))
    assert result.model == "descriptives"
    assert "færre svar enn modellen har faste ledd" in result.reason_nb
    shown = result.marginal_means.set_index(["round", "arm"])
    assert shown.loc[("1", "intervention"), "estimate"] > 0
    assert shown["ci_low"].isna().all()


def test_too_few_answers_say_so_before_anything_is_fitted() -> None:
    result = fit_with_fallback(design([[2], [3], [1]], rounds=1), group=None)
    assert result.model == "descriptives"
    assert result.reason_nb.startswith("For få svar ennå")
    assert result.marginal_means["estimate"].isna().all()


def test_a_construct_nobody_answered_says_so() -> None:
    result = fit_with_fallback(design([[8, 7]] * 4).assign(score=np.nan))
    assert (result.model, result.n) == ("descriptives", 0)
    assert result.reason_nb == "Ingen har svart på dette temaet ennå."


def test_results_stored_before_the_model_field_read_as_the_full_model() -> None:
    stored = fit_with_fallback(design([[8, 7]] * 4)).to_dict()
    del stored["model"], stored["reason_nb"]
    again = TrendResult.from_dict(stored)
    assert (again.model, again.reason_nb) == ("full", "")


@st.composite
def degenerate_designs(draw: st.DrawFn) -> tuple[pd.DataFrame, str | None, str | None, int]:
    schools = draw(st.integers(1, 4))
    sizes = [draw(st.lists(st.integers(1, 14), min_size=1, max_size=3)) for _ in range(schools)]
    rounds = draw(st.integers(1, 3))
    arms = draw(st.sampled_from(["both", "one", "none"]))
    data = design(sizes, rounds, ARMS.get(arms, ("intervention",)), seed=draw(st.integers(0, 99)))
    answers = draw(st.sampled_from(["varied", "all equal", "nobody", "some"]))
    if answers == "all equal":
        data["score"] = 4.0
    elif answers == "nobody":
        data["score"] = np.nan
    elif answers == "some":
        data.loc[data.index % 3 == 0, "score"] = np.nan
    group = draw(st.sampled_from(["group", None]))
    return data, group, None if arms == "none" else "arm", draw(st.integers(5, 10))


@settings(max_examples=40, deadline=None)
@given(degenerate_designs())
def test_degenerate_designs_give_results_or_reasons_never_an_exception(case) -> None:
    data, group, arm, min_group_size = case
    result = fit_with_fallback(data, group=group, arm=arm, min_group_size=min_group_size)
    assert result.model in MODELS
    assert result.model == "full" or result.reason_nb
    if result.model == "full":
        assert data["round"].nunique() > 1 and data["school"].nunique() > 1
    counts = result.counts.set_index(["round", "arm"])["responses"]
    for row in result.marginal_means.itertuples():
        if np.isfinite(row.estimate):
            assert counts[(row.round, row.arm)] >= min_group_size
    stored = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert TrendResult.from_dict(stored).summary() == result.summary()


def _subtract(total: float, n_total: int, shown: float, n_shown: int) -> float:
    """The attack: a hidden arm's mean from the round's total and the other arm's mean."""
    return (total * n_total - shown * n_shown) / (n_total - n_shown)


def test_a_hidden_arm_cannot_be_had_from_the_total_minus_the_shown_arm() -> None:
    data = design([[14], [4]], rounds=1, seed=7)  # one class per arm: a model mean is exact
    raw = data.groupby("arm")["score"].mean()
    attack_works = _subtract(data["score"].mean(), 18, raw["intervention"], 14)
    assert attack_works == pytest.approx(raw["comparison"])  # with the raw means it would
    result = fit_with_fallback(data, min_group_size=5)
    table = describe(data, min_group_size=5).table
    total = table[table["level"] == "alle"].iloc[0]
    assert total["mean"] == pytest.approx(data["score"].mean())  # the adversary has the total
    assert result.mean("1", "comparison")["suppressed"]
    shown = result.mean("1", "intervention")
    assert shown["suppressed"] and np.isnan(shown["estimate"])  # but not the arm beside it
