"""The sentence under a chart matches its numbers: direction, and size rounded as shown."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from dashboards.reading import (
    design_sentence,
    trend_sentence,
    triangulation_sentence,
)
from dashboards.reading_ordinal import ordinal_sentence
from dashboards.reading_panel import panel_sentence
from dashboards.results import Estimate, TrendView
from dashboards.tables import trend_table
from instruments.reading import ConstructInfo

ROUNDS = ("Høst 2021", "Vår 2022", "Vår 2023")
KONFLIKT = ConstructInfo("konflikt", {"nb": "Konflikter"}, higher_is_better=False)
TRIVSEL = ConstructInfo("trivsel", {"nb": "Trivsel"}, higher_is_better=True)
CAUSAL_WORDS = ("effekt", "førte til", "skyldes", "på grunn av", "forårsak", "virket")


def _trend(did: Estimate) -> TrendView:
    means = {
        (r, a): Estimate(3.0, 2.8, 3.2) for r in ROUNDS for a in ("comparison", "intervention")
    }
    return TrendView(
        "konflikt", "pupil", ROUNDS, ("comparison", "intervention"), means, {}, {ROUNDS[-1]: did}
    )


def _shown_did(trend: TrendView) -> str:
    table = trend_table(trend, list(ROUNDS), {}, {})
    column = next(c for c in table.columns if c.key == "did")
    return table.shown(table.rows[-1], column)


def test_conflict_falling_more_in_intervention_schools_reads_down_and_as_wished() -> None:
    trend = _trend(Estimate(-0.3696, -0.5721, -0.1671))
    sentence = trend_sentence(trend, KONFLIKT, "Konflikter", ROUNDS[-1])
    assert "endret konflikter seg mer nedover på intervensjonsskolene enn på" in sentence
    assert "i ønsket retning" in sentence
    assert _shown_did(trend) == "−0,37" and "−0,37 poeng" in sentence
    assert "95 % KI −0,57 til −0,17" in sentence


def test_a_rise_whose_interval_holds_zero_reads_up_but_uncertain() -> None:
    trend = _trend(Estimate(0.2161, -0.0218, 0.4540))
    sentence = trend_sentence(trend, TRIVSEL, "Trivsel", ROUNDS[-1])
    assert "mer oppover" in sentence and "usikker" in sentence and "rommer null" in sentence
    assert _shown_did(trend) == "+0,22" and "+0,22 poeng" in sentence


def test_a_difference_that_rounds_to_zero_reads_as_the_same_change() -> None:
    sentence = trend_sentence(_trend(Estimate(0.004, -0.2, 0.2)), TRIVSEL, "Trivsel", ROUNDS[-1])
    assert "like mye" in sentence and "0,00 poeng" in sentence


def test_a_hidden_difference_says_there_are_too_few_answers() -> None:
    sentence = trend_sentence(
        _trend(Estimate(None, suppressed=True)), TRIVSEL, "Trivsel", ROUNDS[-1]
    )
    assert "for få svar" in sentence


@given(
    did=st.floats(-3, 3, allow_nan=False),
    half_width=st.floats(0.001, 2, allow_nan=False),
    better=st.booleans(),
)
def test_any_sentence_says_the_direction_and_number_the_table_shows(
    did: float, half_width: float, better: bool
) -> None:
    trend = _trend(Estimate(did, did - half_width, did + half_width))
    construct = TRIVSEL if better else KONFLIKT
    sentence = trend_sentence(trend, construct, "Tema", ROUNDS[-1])
    shown = _shown_did(trend)
    assert f"forskjell i endring {shown} poeng" in sentence
    if shown.lstrip("−") == "0,00":
        assert "like mye" in sentence
    else:
        assert ("mer nedover" if shown.startswith("−") else "mer oppover") in sentence
    assert not any(word in sentence.lower() for word in CAUSAL_WORDS)


def test_triangulation_says_when_all_groups_see_the_same_clear_change() -> None:
    dids = {"pupil": Estimate(-0.37, -0.57, -0.17), "staff": Estimate(-0.47, -0.89, -0.05)}
    sentence = triangulation_sentence("Konflikter", dids, "Vår 2023")
    assert sentence.startswith("Alle gruppene ser at konflikter endret seg mer nedover")
    assert "elever −0,37 poeng, tydelig; ansatte −0,47 poeng, tydelig" in sentence


def test_triangulation_says_when_no_group_sees_a_clear_difference() -> None:
    dids = {"pupil": Estimate(0.22, -0.02, 0.45), "parent": Estimate(-0.12, -0.35, 0.1)}
    sentence = triangulation_sentence("Trivsel", dids, "Vår 2023")
    assert sentence.startswith("Ingen av gruppene viser en tydelig forskjell")
    assert "foresatte −0,12 poeng, usikker" in sentence


def _checked(did: Estimate, p_random: float, p_min: float, treated: int = 4) -> TrendView:
    from dataclasses import replace

    from analytics.design_check import DesignCheck

    check = DesignCheck(
        ROUNDS[-1], ROUNDS[0], did.value or 0.0, 0.1, 6, -0.5, 0.1, 0.05, p_random, p_min,
        70, True, treated, 4,
    )  # fmt: skip
    return replace(_trend(did), design={ROUNDS[-1]: check})


def test_a_clear_model_result_is_not_called_clear_when_the_design_cannot_reach_five_percent():
    trend = _checked(Estimate(-0.37, -0.57, -0.17), p_random=0.067, p_min=0.067, treated=2)
    sentence = trend_sentence(trend, KONFLIKT, "Konflikter", ROUNDS[-1])
    note = design_sentence(trend, ROUNDS[-1])
    assert "i ønsket retning" not in sentence and "usikker" in sentence
    assert "minste p-verdien" in note and "0,067" in note and "kalles tydelig" in note


def test_model_and_design_disagreeing_is_said_and_the_result_read_as_uncertain():
    trend = _checked(Estimate(-0.37, -0.57, -0.17), p_random=0.30, p_min=0.029)
    assert "usikker" in trend_sentence(trend, KONFLIKT, "Konflikter", ROUNDS[-1])
    assert "gjør det ikke (p = 0,300" in design_sentence(trend, ROUNDS[-1])


def test_agreement_keeps_the_clear_reading_and_the_table_shows_both_p_values():
    trend = _checked(Estimate(-0.37, -0.57, -0.17), p_random=0.029, p_min=0.029)
    assert "i ønsket retning" in trend_sentence(trend, KONFLIKT, "Konflikter", ROUNDS[-1])
    assert "sier det samme som modellen" in design_sentence(trend, ROUNDS[-1])
    table = trend_table(trend, list(ROUNDS), {}, {})
    shown = {c.key: table.shown(table.rows[-1], c) for c in table.columns}
    assert shown["p_random"] == "0,029" and shown["p_min"] == "0,029"
    assert design_sentence(_trend(Estimate(-0.37, -0.57, -0.17)), ROUNDS[-1]) is None


def test_a_panel_fit_says_the_same_pupils_were_followed_and_a_cross_section_does_not() -> None:
    trend = _trend(Estimate(-0.3696, -0.5721, -0.1671))
    assert panel_sentence(trend, ROUNDS[-1]) is None
    panel = replace(trend, panel_pupils=120)
    sentence = "De samme elevene, fulgt fra høsten 2021 til våren 2023."
    assert panel_sentence(panel, ROUNDS[-1]) == sentence
    assert panel_sentence(panel, ROUNDS[0]) is None


def _with_ordinal(did: Estimate, linear_p: float, estimate: float, p: float) -> TrendView:
    from analytics.ordinal_sensitivity import OrdinalSensitivity, relate

    check = OrdinalSensitivity(
        ROUNDS[-1], 1.0, 5.0, 5, False, estimate, 0.2, estimate - 0.4, estimate + 0.4, p, 0.3,
        -900.0, True, did.value or 0.0, linear_p, 0.05,
        relate(did.value or 0.0, linear_p, estimate, p, 0.05),
    )  # fmt: skip
    return replace(_trend(did), ordinal=check)


def test_an_ordinal_model_that_finds_no_clear_difference_makes_the_reading_uncertain():
    trend = _with_ordinal(Estimate(-0.37, -0.57, -0.17), linear_p=0.001, estimate=-0.3, p=0.2)
    note = ordinal_sentence(trend, ROUNDS[-1])
    assert note.startswith("En modell som tar hensyn til at svarene er på en skala fra 1 til 5")
    assert "ingen tydelig forskjell (p = 0,200)" in note
    assert "usikker" in trend_sentence(trend, KONFLIKT, "Konflikter", ROUNDS[-1])


def test_an_ordinal_model_pointing_the_other_way_is_said():
    trend = _with_ordinal(Estimate(-0.37, -0.57, -0.17), linear_p=0.001, estimate=0.5, p=0.01)
    assert "peker i motsatt retning (p = 0,010)" in ordinal_sentence(trend, ROUNDS[-1])


def test_an_agreeing_ordinal_model_says_nothing_and_keeps_the_clear_reading():
    trend = _with_ordinal(Estimate(-0.37, -0.57, -0.17), linear_p=0.001, estimate=-0.9, p=0.002)
    assert ordinal_sentence(trend, ROUNDS[-1]) is None
    assert ordinal_sentence(_trend(Estimate(-0.37, -0.57, -0.17)), ROUNDS[-1]) is None
    assert "i ønsket retning" in trend_sentence(trend, KONFLIKT, "Konflikter", ROUNDS[-1])
