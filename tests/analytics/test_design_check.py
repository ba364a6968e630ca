"""The design-based check: randomisation inference and two-stage cluster means on schools."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analytics.design_check import DesignCheck, agreement, design_check


def _pupils(changes: dict[str, float], treated: set[str], rng, pupils: int = 12) -> pd.DataFrame:
    """Pupils in two rounds; school s's mean moves by changes[s] from round 1 to round 2."""
    names = np.repeat(list(changes), 2 * pupils)
    shift = np.repeat([[0.0, change] for change in changes.values()], pupils)
    noise = rng.normal(0, 0.5, (len(changes) * 2, pupils))
    noise -= noise.mean(axis=1, keepdims=True)  # so the school's mean moves by exactly `change`
    level = np.repeat(rng.normal(3, 0.3, len(changes)), 2 * pupils)
    return pd.DataFrame(
        {
            "school": names,
            "round": np.tile(np.repeat(["1", "2"], pupils), len(changes)),
            "score": level + shift + noise.ravel(),
            "arm": np.where(np.isin(names, list(treated)), "intervention", "comparison"),
        }
    )


def test_the_most_extreme_assignment_of_four_and_four_gets_the_smallest_p_the_design_allows():
    rng = np.random.default_rng(1)
    changes = {f"s{i}": float(i) for i in range(8)}  # the treated four changed the most
    data = _pupils(changes, {"s4", "s5", "s6", "s7"}, rng)

    (check,) = design_check(data)

    assert check.exact and check.assignments == math.comb(8, 4) == 70
    assert check.p_min == pytest.approx(2 / 70)
    assert check.p_randomisation == pytest.approx(2 / 70)
    assert check.estimate == pytest.approx(4.0)
    assert not check.can_reach(0.01) and check.can_reach(0.05)


def test_unequal_arms_have_no_mirror_image():
    rng = np.random.default_rng(2)
    changes = {f"s{i}": float(i**2) for i in range(7)}  # not symmetric: no mirror image
    (check,) = design_check(_pupils(changes, {"s4", "s5", "s6"}, rng))
    assert check.assignments == math.comb(7, 3) == 35
    assert check.p_min == pytest.approx(1 / 35) == check.p_randomisation


def test_the_randomisation_p_counts_assignments_by_brute_force():
    rng = np.random.default_rng(3)
    changes = {f"s{i}": float(rng.normal()) for i in range(9)}
    treated = {"s0", "s2", "s5", "s7"}
    (check,) = design_check(_pupils(changes, treated, rng))

    values = np.array(list(changes.values()))
    names = list(changes)
    observed = (
        values[[n in treated for n in names]].mean()
        - values[[n not in treated for n in names]].mean()
    )
    import itertools

    as_far = 0
    for chosen in itertools.combinations(range(9), 4):
        mask = np.zeros(9, bool)
        mask[list(chosen)] = True
        as_far += abs(values[mask].mean() - values[~mask].mean()) >= abs(observed) - 1e-9
    assert check.p_randomisation == pytest.approx(as_far / math.comb(9, 4))


def test_the_two_stage_interval_is_the_pooled_t_test_on_school_changes():
    rng = np.random.default_rng(4)
    changes = {f"s{i}": float(rng.normal(0.2 * (i < 5), 0.3)) for i in range(10)}
    treated = {f"s{i}" for i in range(5)}
    (check,) = design_check(_pupils(changes, treated, rng))

    ours = np.array([changes[s] for s in changes if s in treated])
    theirs = np.array([changes[s] for s in changes if s not in treated])
    reference = stats.ttest_ind(ours, theirs, equal_var=True)
    low, high = reference.confidence_interval(0.95)
    assert check.df == 8
    assert check.p_t == pytest.approx(reference.pvalue, rel=1e-9)
    assert (check.ci_low, check.ci_high) == (pytest.approx(low), pytest.approx(high))


def test_many_schools_are_sampled_and_agree_with_full_enumeration():
    rng = np.random.default_rng(5)
    changes = {f"s{i:02}": float(rng.normal(0.15 * (i < 10), 0.3)) for i in range(20)}
    data = _pupils(changes, {f"s{i:02}" for i in range(10)}, rng, pupils=3)

    (sampled,) = design_check(data)
    (full,) = design_check(data, max_assignments=math.comb(20, 10))

    assert not sampled.exact and sampled.assignments == 10_000
    assert full.exact and full.assignments == 184_756
    # 10,000 draws: the standard error of a p near 0.05 is about 0.002.
    assert sampled.p_randomisation == pytest.approx(full.p_randomisation, abs=0.01)
    assert sampled.p_min == pytest.approx(1 / 10_001)


def test_under_the_null_the_randomisation_test_rejects_at_most_alpha():
    """Known truth: no school changed because of the intervention (200 simulated projects)."""
    rng = np.random.default_rng(6)
    rejected = 0
    for _ in range(200):
        changes = {f"s{i}": float(rng.normal(0.1, 0.4)) for i in range(12)}
        (check,) = design_check(_pupils(changes, {f"s{i}" for i in range(6)}, rng, pupils=2))
        rejected += check.p_randomisation < 0.05
    # Exact test: the rejection rate is at most 5 %; 200 draws allow 0.05 + 2.5 SE.
    assert rejected / 200 <= 0.05 + 2.5 * math.sqrt(0.05 * 0.95 / 200)


def test_a_school_missing_the_baseline_is_left_out_and_too_few_schools_give_no_check():
    rng = np.random.default_rng(7)
    data = _pupils({f"s{i}": 0.0 for i in range(5)}, {"s0", "s1"}, rng)
    (check,) = design_check(data)
    assert check.schools_treated + check.schools_comparison == 5

    late = data[~((data["school"] == "s0") & (data["round"] == "1"))]
    assert design_check(late) == []  # one intervention school left with both rounds


def test_a_school_in_both_arms_is_refused():
    rng = np.random.default_rng(8)
    data = _pupils({f"s{i}": 0.0 for i in range(4)}, {"s0", "s1"}, rng)
    data.loc[data.index[0], "arm"] = "comparison"
    with pytest.raises(ValueError, match="both arms"):
        design_check(data)


def test_the_check_survives_a_round_trip_through_json():
    rng = np.random.default_rng(9)
    (check,) = design_check(_pupils({f"s{i}": i / 10 for i in range(6)}, {"s0", "s1", "s2"}, rng))
    assert DesignCheck.from_dict(check.to_dict()) == check


@pytest.mark.parametrize(
    ("model_estimate", "model_p", "p_random", "p_min", "expected"),
    [
        (0.3, 0.01, 0.03, 0.02, "agree"),
        (0.3, 0.20, 0.40, 0.02, "agree"),
        (0.3, 0.01, 0.30, 0.02, "model_only"),
        (0.3, 0.20, 0.01, 0.002, "design_only"),
        (-0.3, 0.01, 0.03, 0.02, "direction"),
        (0.3, 0.001, 0.07, 0.07, "unreachable"),
    ],
)
def test_agreement_between_model_and_design(model_estimate, model_p, p_random, p_min, expected):
    check = DesignCheck("2", "1", 0.2, 0.1, 6, 0, 0.4, 0.1, p_random, p_min, 70, True, 4, 4)
    assert agreement(check, model_estimate, model_p) == expected


def test_every_fitted_trend_carries_the_check_of_each_shown_round():
    from analytics.trend_fallback import fit_with_fallback
    from analytics.trend_result import TrendResult

    rng = np.random.default_rng(10)
    changes = {f"s{i}": float(rng.normal(0.3 * (i < 4), 0.2)) for i in range(8)}
    data = _pupils(changes, {f"s{i}" for i in range(4)}, rng)

    result = fit_with_fallback(data, group=None, min_group_size=5)
    (stored,) = result.design_checks
    assert stored["round"] == "2" and stored["assignments"] == 70
    assert TrendResult.from_dict(result.to_dict()).design_checks == result.design_checks

    # Round 2 answered by too few in the comparison arm: its DiD is hidden, and so is the check.
    thin = data[~((data["round"] == "2") & (data["arm"] == "comparison"))].copy()
    few = data[(data["round"] == "2") & (data["arm"] == "comparison")].groupby("school").head(1)
    hidden = fit_with_fallback(pd.concat([thin, few]), group=None, min_group_size=5)
    assert hidden.did("2")["suppressed"]
    assert hidden.design_checks == ()


def test_one_arm_losing_more_of_its_pupils_is_warned_of():
    from analytics.trend_fallback import fit_with_fallback

    rng = np.random.default_rng(11)
    data = _pupils({f"s{i}": 0.0 for i in range(8)}, {f"s{i}" for i in range(4)}, rng, pupils=20)
    later = (data["round"] == "2") & (data["arm"] == "intervention")
    thinned = data[~later | (rng.random(len(data)) < 0.6)]  # 40 % of intervention pupils gone

    (warning,) = [w for w in fit_with_fallback(thinned, group=None).warnings if "faller fra" in w]
    assert "på tiltaksskolene, mot 100 % på sammenligningsskolene" in warning
    assert not [w for w in fit_with_fallback(data, group=None).warnings if "faller fra" in w]


def test_arms_assigned_within_schools_get_no_school_level_check():
    from analytics.trend_fallback import fit_with_fallback

    rng = np.random.default_rng(12)
    data = _pupils({f"s{i}": 0.0 for i in range(6)}, {"s0", "s1", "s2"}, rng)
    data["arm"] = np.where(np.arange(len(data)) % 2, "intervention", "comparison")
    result = fit_with_fallback(data, group=None, min_group_size=5, arm_within_school=True)
    assert result.is_model and result.design_checks == ()
