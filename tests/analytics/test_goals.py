"""Goal status: reached, on track, not reached or cannot tell yet, with a reason in Norwegian."""

import pandas as pd
import pytest

from analytics.goals import GoalSpec, track_goal
from analytics.trend_result import TrendResult

ROUNDS = ("Høst 2021", "Vår 2022", "Høst 2022", "Vår 2023")


def trend(changes: dict[str, tuple[float, float, float]], baseline: float = 2.6) -> TrendResult:
    """A trend of the intervention arm: its change from the first round, per measured round."""
    rounds = (ROUNDS[0], *changes)
    change_rows = [("intervention", r, *v) for r, v in changes.items()]
    mean_rows = [("intervention", ROUNDS[0], baseline, baseline - 0.1, baseline + 0.1)] + [
        ("intervention", r, baseline + e, baseline + lo, baseline + hi)
        for r, (e, lo, hi) in changes.items()
    ]
    columns = ["arm", "round", "estimate", "ci_low", "ci_high"]
    empty = pd.DataFrame()
    return TrendResult(
        outcome="score",
        construct="konflikt",
        respondent_type="pupil",
        engine="exact",
        formula="",
        rounds=rounds,
        arms=("comparison", "intervention"),
        marginal_means=pd.DataFrame(mean_rows, columns=columns),
        changes=pd.DataFrame(change_rows, columns=columns),
        contrasts=empty,
        coefficients=empty,
        variance_components=empty,
        counts=empty,
        n=0,
        schools_per_arm={},
        groups=0,
        loglik=0.0,
        converged=True,
        boundary=(),
        attempts=(),
        mde=0.0,
        mde_planning={},
        alpha=0.05,
        power=0.8,
        min_group_size=10,
        warnings=(),
        notes=(),
    )


KONFLIKT_DOWN = GoalSpec("konflikt", "pupil", "change", -0.25, "Vår 2023", higher_is_better=False)


def test_a_fall_in_konflikt_whose_whole_ci_passes_the_target_is_reached() -> None:
    status = track_goal(KONFLIKT_DOWN, trend({"Vår 2023": (-0.40, -0.55, -0.30)}), ROUNDS)
    assert status.status == "reached" and status.label == "nådd"
    assert "\u22120,40 (95 % KI \u22120,55 til \u22120,30)" in status.reason


def test_a_rise_in_konflikt_is_not_reached_even_though_it_is_large() -> None:
    status = track_goal(KONFLIKT_DOWN, trend({"Vår 2023": (0.30, 0.20, 0.40)}), ROUNDS)
    assert status.status == "not_reached"


def test_a_ci_straddling_the_target_cannot_tell() -> None:
    status = track_goal(KONFLIKT_DOWN, trend({"Vår 2023": (-0.30, -0.50, -0.10)}), ROUNDS)
    assert status.status == "cannot_tell"
    assert "både verdier som når målet og verdier som ikke" in status.reason


def test_a_clear_fall_at_the_right_pace_before_the_due_round_is_on_track() -> None:
    status = track_goal(KONFLIKT_DOWN, trend({"Vår 2022": (-0.10, -0.18, -0.02)}), ROUNDS)
    assert status.status == "on_track" and status.label == "i rute"
    assert status.projected == pytest.approx(-0.30)
    assert "\u22120,30 i Vår 2023" in status.reason


def test_an_uncertain_change_before_the_due_round_cannot_tell_yet() -> None:
    status = track_goal(KONFLIKT_DOWN, trend({"Vår 2022": (-0.10, -0.25, 0.05)}), ROUNDS)
    assert status.status == "cannot_tell" and "usikker" in status.reason


def test_only_the_first_round_measured_cannot_tell_yet() -> None:
    status = track_goal(KONFLIKT_DOWN, trend({}), ROUNDS)
    assert status.status == "cannot_tell" and "Bare første runde" in status.reason


def test_a_level_goal_for_a_higher_is_better_construct() -> None:
    goal = GoalSpec("trivsel", "pupil", "level", 4.0, "Vår 2023", higher_is_better=True)
    status = track_goal(goal, trend({"Vår 2023": (0.3, 0.2, 0.4)}, baseline=3.9), ROUNDS)
    assert status.status == "reached" and status.estimate == pytest.approx(4.2)


def test_status_to_dict_is_plain_json() -> None:
    data = track_goal(KONFLIKT_DOWN, trend({"Vår 2023": (-0.4, -0.5, -0.3)}), ROUNDS).to_dict()
    assert data["status"] == "reached" and data["goal"]["target_value"] == -0.25
    assert isinstance(data["estimate"], float)


def test_the_reason_names_whose_change_the_goal_is_judged_on() -> None:
    status = track_goal(KONFLIKT_DOWN, trend({"Vår 2023": (-0.30, -0.45, -0.15)}), ROUNDS)
    assert "endringen fra første runde på tiltaksskolene \u22120,30" in status.reason
