"""The demo-data simulator: its shape, its reproducibility and recovery of the known truth."""

import numpy as np
import pandas as pd
import pytest

from analytics import simulation
from analytics.scoring import ConstructSpec, scale_scores
from analytics.simulation import (
    DEMO_ROUNDS,
    DEMO_TRUE_EFFECTS,
    DemoDesign,
    SimulatedData,
    school_year_rounds,
    simulate_demo,
    true_effect,
)


def _construct(construct_id: str, prefix: str, size: int, reversed_at: tuple[int, ...] = ()):
    items = tuple((f"{prefix}_{construct_id}_{i + 1}", i in reversed_at) for i in range(size))
    return ConstructSpec(construct_id, items)


#: Shaped like the bundled instruments, one construct per documented effect.
SPECS = {
    "pupil": (
        _construct("trivsel", "e", 4, reversed_at=(3,)),
        _construct("venner", "e", 5, reversed_at=(3, 4)),
        _construct("konflikt", "e", 4, reversed_at=(3,)),
        _construct("arbeidsro", "e", 4, reversed_at=(0,)),
        _construct("sett_av_voksne", "e", 4),
    ),
    "parent": (
        _construct("trivsel", "f", 3, reversed_at=(2,)),
        _construct("konflikt", "f", 3),
        _construct("arbeidsro", "f", 3, reversed_at=(1,)),
        _construct("samarbeid_hjem_skole", "f", 3),
        _construct("kjennskap_sosialarbeider", "f", 3),
    ),
    "staff": (
        _construct("konflikt", "a", 3),
        _construct("arbeidsro", "a", 3, reversed_at=(2,)),
        _construct("tid_til_undervisning", "a", 3, reversed_at=(1,)),
        _construct("samarbeid_sosialarbeider", "a", 3),
        _construct("rolleklarhet", "a", 3, reversed_at=(2,)),
    ),
}
#: Many schools, so that sampling noise in a change is a few hundredths, not a tenth.
LARGE = DemoDesign(schools_per_arm=100, staff_per_school=(30, 40))


@pytest.fixture(scope="module")
def demo() -> SimulatedData:
    return simulate_demo(SPECS)


@pytest.fixture(scope="module")
def large() -> SimulatedData:
    return simulate_demo(SPECS, LARGE, seed=7)


def changes(data: SimulatedData, kind: str) -> pd.DataFrame:
    """Observed change from first to last round per construct and arm, beside the truth."""
    responses = data.responses[data.responses["respondent_type"] == kind]
    scores = scale_scores(data.answers, responses, SPECS[kind]).merge(responses, on="response")
    scores = scores.merge(data.schools[["school", "arm"]], on="school")
    means = scores.groupby(["construct", "arm", "round"], observed=True)["score"].mean()
    by_round = means.unstack("round")
    table = (by_round.iloc[:, -1] - by_round.iloc[:, 0]).unstack("arm")
    table.index = table.index.astype(str)
    table["did"] = table["intervention"] - table["comparison"]
    truth = [true_effect(kind, construct) for construct in table.index]
    table["true_intervention"] = [effect.intervention_change for effect in truth]
    table["true_comparison"] = [effect.comparison_change for effect in truth]
    table["true_did"] = [effect.did for effect in truth]
    print(f"\n{kind}: change first -> last round\n{table.round(3).to_string()}")
    return table


def test_same_seed_gives_identical_data():
    first, second = simulate_demo(SPECS, seed=11), simulate_demo(SPECS, seed=11)
    for frame in ("schools", "groups", "rounds", "responses", "answers"):
        pd.testing.assert_frame_equal(getattr(first, frame), getattr(second, frame))


def test_different_seed_gives_different_data(demo):
    other = simulate_demo(SPECS, seed=12)
    assert not other.groups["enrolled"].equals(demo.groups["enrolled"])
    assert not other.answers["value"].head(1000).equals(demo.answers["value"].head(1000))


def test_leaving_out_parents_and_staff_leaves_pupil_data_unchanged(demo):
    pupils_only = simulate_demo({"pupil": SPECS["pupil"]})
    assert set(pupils_only.responses["respondent_type"]) == {"pupil"}
    is_pupil = demo.responses["respondent_type"] == "pupil"
    pd.testing.assert_frame_equal(pupils_only.responses, demo.responses[is_pupil])
    pupil_answers = demo.answers[demo.answers["response"].isin(pupils_only.responses["response"])]
    assert pupil_answers["value"].to_list() == pupils_only.answers["value"].to_list()


def test_demo_has_four_intervention_and_four_comparison_schools(demo):
    assert demo.schools["arm"].value_counts().to_dict() == {"intervention": 4, "comparison": 4}
    assert demo.schools["school"].to_list() == [f"S{i}" for i in range(1, 9)]
    assert demo.schools["name"].str.endswith(" skole").all()
    assert demo.schools["name"].is_unique


def test_demo_schools_have_two_classes_in_grades_5_and_6_of_19_to_25_pupils(demo):
    labels = demo.groups.groupby("school")["label"].agg(tuple)
    assert set(labels) == {("5A", "5B", "6A", "6B")}
    assert demo.groups["enrolled"].between(19, 25).all()
    assert demo.groups["enrolled"].mean() == pytest.approx(22, abs=1.5)


def test_about_88_percent_of_enrolled_pupils_answer_each_round(demo):
    pupils = demo.responses[demo.responses["respondent_type"] == "pupil"]
    answered = pupils.groupby(["group", "round"]).size().rename("answered").reset_index()
    rates = answered.merge(demo.groups, on="group").eval("answered / enrolled")
    assert len(answered) == 32 * 4
    assert rates.mean() == pytest.approx(0.88, abs=0.03)


def test_demo_has_four_three_week_rounds_and_answers_fall_inside_them(demo):
    assert demo.rounds["label"].to_list() == ["Høst 2021", "Vår 2022", "Høst 2022", "Vår 2023"]
    assert all((r.closes_on - r.opens_on).days == 20 for r in DEMO_ROUNDS)
    dated = demo.responses.merge(demo.rounds, on="round")
    assert (
        (dated["completed_on"] >= dated["opens_on"]) & (dated["completed_on"] <= dated["closes_on"])
    ).all()
    pupils = dated[dated["respondent_type"] == "pupil"]
    assert (pupils.groupby(["group", "round"])["completed_on"].nunique() == 1).all()
    assert all(day.weekday() < 5 for day in pupils["completed_on"])


def test_parents_of_about_40_percent_of_enrolled_pupils_answer_for_their_school(demo):
    parents = demo.responses[demo.responses["respondent_type"] == "parent"]
    enrolled = demo.groups["enrolled"].sum()
    assert parents["group"].isna().all()
    assert parents.groupby("round").size().mean() / enrolled == pytest.approx(0.4, abs=0.03)
    assert parents.groupby(["school", "round"]).ngroups == 8 * 4


def test_staff_of_10_to_14_per_school_answer_at_about_80_percent(demo):
    staff = demo.responses[demo.responses["respondent_type"] == "staff"]
    assert demo.schools["staff"].between(10, 14).all()
    assert staff["group"].isna().all()
    per_round = staff.groupby("round").size() / demo.schools["staff"].sum()
    assert per_round.mean() == pytest.approx(0.8, abs=0.06)


def test_demo_pupils_show_konflikt_falling_and_arbeidsro_rising_in_intervention_schools(demo):
    table = changes(demo, "pupil")
    assert table.loc["konflikt", "intervention"] == pytest.approx(-0.30, abs=0.12)
    assert table.loc["konflikt", "comparison"] == pytest.approx(0.0, abs=0.12)
    assert table.loc["arbeidsro", "intervention"] == pytest.approx(0.20, abs=0.12)
    assert table.loc["arbeidsro", "comparison"] == pytest.approx(0.0, abs=0.12)


@pytest.mark.parametrize("kind", ["pupil", "parent", "staff"])
def test_every_documented_effect_is_recovered_in_a_large_design(large, kind):
    table = changes(large, kind)
    assert len(table) == len([e for e in DEMO_TRUE_EFFECTS if e.respondent_type == kind])
    for arm in ("intervention", "comparison"):
        assert (table[arm] - table[f"true_{arm}"]).abs().max() < 0.10
    assert (table["did"] - table["true_did"]).abs().max() < 0.12
    clear = table[table["true_did"].abs() >= 0.10]
    assert (np.sign(clear["did"]) == np.sign(clear["true_did"])).all()


def test_rounding_and_clipping_shift_scale_score_changes_by_less_than_003():
    design = DemoDesign(  # about 40,000 respondents per arm and round, so sampling SD ~0.005
        schools_per_arm=300,
        grades=(5, 6, 7),
        rounds=(DEMO_ROUNDS[0], DEMO_ROUNDS[-1]),
        parent_response_rate=1.0,
        staff_per_school=(150, 150),
        staff_response_rate=1.0,
        school_round_sd=0.0,
    )
    data = simulate_demo(SPECS, design, seed=3)
    for kind in SPECS:
        table = changes(data, kind)
        for arm in ("intervention", "comparison"):
            assert (table[arm] - table[f"true_{arm}"]).abs().max() < 0.03


def variance_components(scores: pd.DataFrame, rounds: int, classes: int) -> dict[str, float]:
    """Method-of-moments variances from class x round means, after removing arm x round means."""
    residual = scores["score"] - scores.groupby(["arm", "round"])["score"].transform("mean")
    cells = residual.groupby([scores["school"], scores["group"], scores["round"]])
    within, n = cells.var().mean(), cells.size().mean()
    cell_means = cells.mean()
    per_class = cell_means.groupby(["school", "group"]).mean()
    per_school_round = cell_means.groupby(["school", "round"]).mean()
    parts = {"respondent": within}
    parts["class"] = per_class.groupby("school").var().mean() - within / (n * rounds)
    parts["school_round"] = per_school_round.groupby("school").var().mean() - within / (n * classes)
    parts["school"] = (
        per_class.groupby("school").mean().var()
        - parts["school_round"] / rounds
        - parts["class"] / classes
        - within / (n * classes * rounds)
    )
    return parts


def test_pupil_variance_components_match_the_design_with_iccs_of_002_to_008(large):
    pupils = large.responses[large.responses["respondent_type"] == "pupil"]
    scores = scale_scores(large.answers, pupils, SPECS["pupil"]).merge(pupils, on="response")
    scores = scores.dropna(subset=["score"])
    konflikt = scores[scores["construct"] == "konflikt"].merge(large.schools, on="school")
    parts = variance_components(konflikt, rounds=4, classes=4)
    print("\nSDs:", {level: round(float(var) ** 0.5, 3) for level, var in parts.items()})
    assert parts["school"] ** 0.5 == pytest.approx(LARGE.school_sd, abs=0.04)
    assert parts["class"] ** 0.5 == pytest.approx(LARGE.class_sd, abs=0.03)
    assert parts["school_round"] ** 0.5 == pytest.approx(LARGE.school_round_sd, abs=0.03)
    for level in ("school", "class"):
        assert 0.02 <= parts[level] / sum(parts.values()) <= 0.08


def test_items_are_skipped_and_declined_at_about_the_documented_rates(demo):
    items_per_type = {kind: sum(len(c.items) for c in specs) for kind, specs in SPECS.items()}
    offered = demo.responses["respondent_type"].map(items_per_type).sum()
    skipped = 1 - len(demo.answers) / offered
    declined = demo.answers["declined"].sum() / offered
    print(f"\nskipped {skipped:.4f} (0.04), declined {declined:.4f} (0.02) of {offered} items")
    assert skipped == pytest.approx(DemoDesign().skip_rate, abs=0.005)
    assert declined == pytest.approx(DemoDesign().decline_rate, abs=0.004)


def test_declined_answers_have_no_value_and_others_stay_on_the_scale(demo):
    values = demo.answers["value"]
    assert values.isna().equals(demo.answers["declined"])
    assert values.min() >= 1
    assert values.max() <= 5
    assert set(values.dropna().unique()) == {1, 2, 3, 4, 5}


def test_reverse_keyed_items_are_stored_flipped(demo):
    trivsel = SPECS["pupil"][0]
    items = [item for item, _ in trivsel.items]
    rows = demo.answers[demo.answers["item"].isin(items)]
    wide = rows.assign(item=rows["item"].astype(str)).pivot(
        index="response", columns="item", values="value"
    )
    wide = wide.astype("float64")
    for item, is_reverse in trivsel.items:
        others = wide.drop(columns=item).mean(axis=1)
        correlation = wide[item].corr(others)
        assert (correlation < -0.2) if is_reverse else (correlation > 0.2)


def test_scale_scores_flip_reverse_items_and_need_half_the_items():
    spec = ConstructSpec("trivsel", (("t1", False), ("t2", False), ("t3", True), ("t4", False)))
    answers = pd.DataFrame(
        {
            "response": [1, 1, 1, 1, 2, 2, 3, 3],
            "item": ["t1", "t2", "t3", "t4", "t1", "t2", "t1", "t3"],
            "value": pd.array([4, 4, 2, 5, 3, None, 5, 1], dtype="Int8"),
            "declined": [False] * 5 + [True, False, False],
        }
    )
    responses = pd.DataFrame({"response": [1, 2, 3, 4], "round": 0, "school": "S1"})
    scores = scale_scores(answers, responses, [spec]).set_index("response")
    assert scores["score"].to_list()[::2] == [4.25, 5.0]
    assert scores.loc[[2, 4], "score"].isna().all()
    assert scores["items_answered"].to_list() == [4, 1, 2, 0]


def test_unlisted_construct_falls_back_to_baseline_3_5_without_change():
    effect = true_effect("pupil", "matematikkglede")
    assert (effect.baseline_mean, effect.intervention_change, effect.comparison_change) == (
        3.5,
        0,
        0,
    )
    assert true_effect("pupil", "konflikt").did == pytest.approx(-0.30)


def test_docstring_table_matches_the_documented_effects():
    lines = {" ".join(line.split()) for line in (simulation.__doc__ or "").splitlines()}
    for e in DEMO_TRUE_EFFECTS:
        row = (
            f"{e.respondent_type} {e.construct} {e.baseline_mean:.2f} "
            f"{e.intervention_change:+.2f} {e.comparison_change:+.2f} {e.did:+.2f}"
        )
        assert row in lines


def test_school_year_rounds_alternate_autumn_and_spring():
    rounds = school_year_rounds(6)
    labels = ["Høst 2021", "Vår 2022", "Høst 2022", "Vår 2023", "Høst 2023", "Vår 2024"]
    assert [r.label for r in rounds] == labels
    assert all(r.opens_on.weekday() == 0 and (r.closes_on - r.opens_on).days == 20 for r in rounds)


def test_design_rejects_impossible_rates():
    with pytest.raises(ValueError, match="response rates"):
        DemoDesign(parent_response_rate=1.5)
    with pytest.raises(ValueError, match="skip_rate"):
        DemoDesign(skip_rate=0.7, decline_rate=0.5)
