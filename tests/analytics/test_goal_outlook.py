"""What would settle an undecided goal, checked against simulated studies with known truth."""

from __future__ import annotations

import dataclasses

import numpy as np

from analytics.goals import goal_outlook, rounds_to_decide, schools_needed, track_goal
from tests.analytics.test_goals import KONFLIKT_DOWN, ROUNDS, trend

TRUE_CHANGE, SCHOOL_SD, TARGET = -0.40, 0.40, -0.25


def _settled_share(schools: int, studies: int = 4000, seed: int = 7) -> float:
    """Share of simulated studies whose 95 % CI of the mean school change lies below TARGET."""
    rng = np.random.default_rng(seed)
    changes = rng.normal(TRUE_CHANGE, SCHOOL_SD, size=(studies, schools))
    upper = changes.mean(axis=1) + 1.96 * SCHOOL_SD / np.sqrt(schools)
    return float((upper < TARGET).mean())


def test_the_schools_needed_settle_a_goal_as_often_as_promised() -> None:
    schools_now = 4
    half_width = 1.96 * SCHOOL_SD / np.sqrt(schools_now)
    needed = schools_needed(half_width, abs(TRUE_CHANGE - TARGET), schools_now)
    assert needed is not None and needed > schools_now
    # At the estimate's own distance, the CI just reaches the target: about half the studies
    # settle it; fewer schools settle it less often, four times as many nearly always.
    assert 0.45 <= _settled_share(needed) <= 0.6
    assert _settled_share(max(needed // 3, 2)) < 0.4
    assert _settled_share(4 * needed) > 0.97


def test_a_linear_trend_decides_the_goal_in_the_round_it_crosses() -> None:
    # -0.1 per round, CI half-width 0.15: -0.1 k + 0.15 <= -0.25 from k = 4.
    assert rounds_to_decide(0.0, -0.1, 0.15, -0.25, higher_is_better=False) == 4


def test_a_trend_the_wrong_way_decides_nothing() -> None:
    assert rounds_to_decide(0.0, 0.05, 0.15, -0.25, higher_is_better=False) is None


def test_an_estimate_on_the_target_needs_no_number_of_schools() -> None:
    assert schools_needed(0.3, 0.0, 4) is None


def test_an_undecided_goal_with_a_due_round_ahead_names_both_ways() -> None:
    fitted = dataclasses.replace(
        trend({"Vår 2022": (-0.12, -0.30, 0.06)}), schools_per_arm={"intervention": 4}
    )
    status = track_goal(KONFLIKT_DOWN, fitted, ROUNDS)
    assert status.status == "cannot_tell"
    outlook = goal_outlook(status, fitted, ROUNDS)
    assert outlook.schools_needed is not None and outlook.schools_needed > 4
    # -0.12 per round, half-width 0.18: -0.12 k + 0.18 <= -0.25 from k = 4, the fifth round.
    assert outlook.decided_at_round == 5 and outlook.decided_round_label is None
    assert "skoler" in outlook.sentence and "runde nummer 5" in outlook.sentence


def test_a_reached_goal_has_no_outlook() -> None:
    fitted = trend({"Vår 2023": (-0.40, -0.55, -0.30)})
    assert goal_outlook(track_goal(KONFLIKT_DOWN, fitted, ROUNDS), fitted, ROUNDS) is None
