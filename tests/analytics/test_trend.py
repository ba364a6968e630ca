"""The trend model's public API: what a result holds, says and warns about."""

import json

import numpy as np
import pandas as pd
import pytest

from analytics.scoring import ConstructSpec
from analytics.simulation import simulate_demo
from analytics.simulation_design import DemoDesign
from analytics.trend import InsufficientDataError, fit_trend
from analytics.trend_result import TrendResult
from tests.analytics.conftest import scored

ARBEIDSRO = ConstructSpec("arbeidsro", tuple((f"a{i}", i == 0) for i in range(4)))


@pytest.fixture(scope="module")
def demo_scores() -> pd.DataFrame:
    return scored(simulate_demo({"pupil": [ARBEIDSRO]}, seed=2000), "pupil", [ARBEIDSRO])


@pytest.fixture(scope="module")
def demo_trend(demo_scores) -> TrendResult:
    return fit_trend(demo_scores, construct="arbeidsro", respondent_type="pupil")


def test_did_per_round_is_the_change_in_intervention_minus_the_change_in_comparison(
    demo_trend,
) -> None:
    for round_label in ("1", "2", "3"):
        changes = (
            demo_trend.change(round_label, "intervention")["estimate"]
            - (demo_trend.change(round_label, "comparison")["estimate"])
        )
        assert demo_trend.did(round_label)["estimate"] == pytest.approx(changes)
    interaction = demo_trend.coefficients.set_index("term").loc["round3:treated", "estimate"]
    assert demo_trend.did("3")["estimate"] == pytest.approx(interaction)


def test_four_schools_per_arm_are_warned_about_in_plain_norwegian(demo_trend) -> None:
    warning = next(w for w in demo_trend.warnings if "skoler" in w)
    assert "Bare 4 skoler med tiltak og 4 sammenligningsskoler" in warning
    assert "Advarsel: Bare 4 skoler" in demo_trend.summary()


def test_one_school_per_arm_is_warned_about_in_the_singular() -> None:
    data = simulate_demo({"pupil": [ARBEIDSRO]}, DemoDesign(schools_per_arm=1), seed=3)
    result = fit_trend(scored(data, "pupil", [ARBEIDSRO]))
    assert any("Bare 1 skole med tiltak og 1 sammenligningsskole." in w for w in result.warnings)


def test_enough_schools_per_arm_give_no_such_warning() -> None:
    data = simulate_demo({"pupil": [ARBEIDSRO]}, DemoDesign(schools_per_arm=12), seed=3)
    result = fit_trend(scored(data, "pupil", [ARBEIDSRO]))
    assert not any("skoler med tiltak" in w for w in result.warnings)


def test_result_reports_ci_counts_iccs_and_mde(demo_trend) -> None:
    mean = demo_trend.mean("0", "intervention")
    assert mean["ci_low"] < mean["estimate"] < mean["ci_high"]
    assert mean["df"] < 30  # a t reference on the schools, not the normal approximation
    assert demo_trend.counts["responses"].sum() == demo_trend.n
    assert demo_trend.variance_components["icc"].sum() == pytest.approx(1.0)
    assert 0 < demo_trend.icc("school") < 0.2
    assert 0.1 < demo_trend.mde < 0.5
    assert demo_trend.mde_planning["40"] < demo_trend.mde_planning["5"]


def test_summary_reads_like_a_statistics_package(demo_trend) -> None:
    text = demo_trend.summary()
    for heading in (
        "Marginale gjennomsnitt",
        "Endring fra første runde",
        "(DiD)",
        "Varianskomponenter",
        "Minste påviselige effekt",
        "Log-likelihood",
    ):
        assert heading in text


def test_to_dict_is_json_and_round_trips(demo_trend) -> None:
    data = json.loads(json.dumps(demo_trend.to_dict(), allow_nan=False))
    again = TrendResult.from_dict(data)
    assert again.summary() == demo_trend.summary()
    assert data["contrasts"][-1]["round"] == "3"


def test_parents_and_staff_are_fitted_without_a_class_term(demo_scores) -> None:
    result = fit_trend(demo_scores, group=None)
    assert list(result.variance_components["component"]) == ["school", "school:round", "residual"]
    assert "school:group" not in result.formula


def test_without_arms_the_model_reports_change_and_says_why_there_is_no_did(demo_scores) -> None:
    result = fit_trend(demo_scores, arm=None)
    assert result.contrasts.empty
    assert result.arms == ("alle",)
    assert np.isfinite(result.change("3", "alle")["estimate"])
    assert any("ingen sammenligningsskoler" in w for w in result.warnings)


def test_a_round_x_arm_with_too_few_responses_is_suppressed(demo_scores) -> None:
    in_round_2 = (demo_scores["round"] == 2) & (demo_scores["arm"] == "intervention")
    few = demo_scores[in_round_2].head(6).index
    result = fit_trend(demo_scores[~in_round_2 | demo_scores.index.isin(few)])
    assert result.mean("2", "intervention")["suppressed"]
    assert np.isnan(result.mean("2", "intervention")["estimate"])
    assert not result.mean("3", "intervention")["suppressed"]
    assert result.did("2")["suppressed"] and np.isnan(result.did("2")["estimate"])
    assert any("skjult" in w for w in result.warnings)


def test_no_coefficient_resting_on_a_small_cell_is_stored(demo_scores) -> None:
    in_round_2 = (demo_scores["round"] == 2) & (demo_scores["arm"] == "intervention")
    few = demo_scores[in_round_2].head(6).index
    result = fit_trend(demo_scores[~in_round_2 | demo_scores.index.isin(few)])
    stored = {row["term"]: row for row in result.to_dict()["coefficients"]}
    assert stored["round2:treated"]["estimate"] is None  # the DiD of round 2 itself
    assert stored["round2:treated"]["suppressed"]
    assert stored["round2"]["estimate"] is None  # the comparison arm's change, hidden beside it
    assert stored["(Intercept)"]["estimate"] is not None  # round 0 holds no small cell
    assert stored["round3:treated"]["estimate"] is not None


def test_the_intercept_is_hidden_with_a_small_baseline_comparison_arm(demo_scores) -> None:
    at_baseline = (demo_scores["round"] == 0) & (demo_scores["arm"] == "comparison")
    few = demo_scores[at_baseline].head(6).index
    result = fit_trend(demo_scores[~at_baseline | demo_scores.index.isin(few)])
    hidden = result.coefficients.set_index("term")
    # every coefficient of treatment coding involves the baseline comparison mean
    assert hidden["estimate"].isna().all() and hidden["suppressed"].all()


def test_a_shown_arm_cannot_reveal_the_hidden_one_by_subtraction(demo_scores) -> None:
    """The round total is shown in the descriptive table; total x n minus the shown arm's
    mean x n would give the hidden arm's mean."""
    in_round_2 = (demo_scores["round"] == 2) & (demo_scores["arm"] == "intervention")
    few = demo_scores[in_round_2].head(6).index
    result = fit_trend(demo_scores[~in_round_2 | demo_scores.index.isin(few)])
    assert result.mean("2", "comparison")["suppressed"]
    assert np.isnan(result.mean("2", "comparison")["estimate"])
    assert not result.mean("1", "comparison")["suppressed"]


def test_rounds_are_ordered_as_numbers_or_as_an_ordered_category(demo_scores) -> None:
    labels = {0: "Høst 2021", 1: "Vår 2022", 2: "Høst 2022", 3: "Vår 2023"}
    named = demo_scores.assign(
        round=pd.Categorical(demo_scores["round"].map(labels), list(labels.values()), ordered=True)
    )
    result = fit_trend(named)
    assert result.rounds == tuple(labels.values())
    assert result.did("Vår 2023")["estimate"] == pytest.approx(
        fit_trend(demo_scores).did("3")["estimate"]
    )


def test_a_single_school_cannot_carry_the_model(demo_scores) -> None:
    with pytest.raises(InsufficientDataError, match="minst to skoler"):
        fit_trend(demo_scores[demo_scores["school"] == "S1"])


def test_min_group_size_is_never_below_five(demo_scores) -> None:
    with pytest.raises(ValueError, match="at least 5"):
        fit_trend(demo_scores, min_group_size=4)


def test_statsmodels_engine_gives_the_same_estimates(demo_scores, demo_trend) -> None:
    result = fit_trend(demo_scores, engine="statsmodels")
    assert result.engine == "statsmodels"
    assert result.loglik <= demo_trend.loglik + 1e-6
    assert result.did("3")["estimate"] == pytest.approx(demo_trend.did("3")["estimate"], abs=1e-3)
