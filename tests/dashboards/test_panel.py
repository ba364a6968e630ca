"""The panel card: the same pupils in words, a valid figure, and nothing of a hidden group."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from dashboards.panel import panel_chart, panel_view
from dashboards.reading_panel import round_phrase
from dashboards.results import Estimate, TrendView
from instruments.reading import ConstructInfo

ROUNDS = ("Høst 2021", "Vår 2022", "Vår 2023")
KONFLIKT = ConstructInfo("konflikt", {"nb": "Konflikter"}, higher_is_better=False)
ARMS = ("comparison", "intervention")


def _stored(comparison_pupils: int) -> dict:
    hidden = comparison_pupils < 10
    arms = [
        {"level": "arm", "arm": "comparison", "n": None if hidden else comparison_pupils,
         "share_better": None if hidden else 0.4, "share_worse": None if hidden else 0.35,
         "mean_change": None if hidden else -0.05, "suppressed": "for få elever" if hidden else ""},
        {"level": "arm", "arm": "intervention", "n": None if hidden else 120,
         "share_better": None if hidden else 0.6, "share_worse": None if hidden else 0.25,
         "mean_change": None if hidden else -0.3, "suppressed": "kan regnes ut" if hidden else ""},
    ]  # fmt: skip
    everyone = {"level": "alle", "arm": None, "n": 120 + comparison_pupils, "share_better": 0.55,
                "share_worse": 0.27, "mean_change": -0.25, "suppressed": ""}  # fmt: skip
    return {"kind": "panel", "construct": "konflikt", "respondent_type": "pupil",
            "first_round": ROUNDS[0], "last_round": ROUNDS[-1], "higher_is_better": False,
            "min_group_size": 10, "table": [everyone, *arms]}  # fmt: skip


def _panel_trend() -> TrendView:
    changes = {
        (ROUNDS[-1], "intervention"): Estimate(-0.3456, -0.5012, -0.1899),
        (ROUNDS[-1], "comparison"): Estimate(-0.0412, -0.2, 0.118),
    }
    variances = {"school": 0.02, "pupil": 0.3, "residual": 0.68}
    return TrendView("konflikt", "pupil", ROUNDS, ARMS, {}, changes, variances=variances,
                     panel_pupils=150, mde=0.21, mde_cross_section=0.3456)  # fmt: skip


def test_the_card_says_who_was_followed_their_own_change_the_icc_and_both_mdes() -> None:
    chart = panel_chart(panel_view(_stored(30)), _panel_trend(), KONFLIKT)
    assert chart.subtitle == "De samme elevene, fulgt fra høsten 2021 til våren 2023"
    assert "150 elever har svart både høsten 2021 og våren 2023" in chart.sentence
    assert "intervensjonsskoler −0,35 poeng (95 % KI −0,50 til −0,19)" in chart.sentence
    assert "30\u00a0% av variasjonen" in chart.sentence and "elev-ICC 0,30" in chart.sentence
    assert (
        "0,21 poeng med de samme elevene" in chart.sentence and "mot 0,35 poeng" in chart.sentence
    )
    titles = [c.title for c in chart.summary.columns]
    assert "Andel der konflikter gikk ned" in titles and chart.warnings == ()
    go.Figure(chart.figure)  # a valid plotly figure


def test_a_hidden_group_shows_no_share_and_no_model_change_and_says_why() -> None:
    chart = panel_chart(panel_view(_stored(9)), _panel_trend(), KONFLIKT)
    everyone, *arms = chart.table.rows
    assert everyone["pupils"] == 129
    for row in arms:
        assert [row[k] for k in ("pupils", "share_better", "change", "change_low")] == [None] * 4
    assert "poeng (95 % KI" not in chart.sentence
    assert chart.warnings and "minst 10" in chart.warnings[0]
    assert [trace["y"] for trace in chart.figure["data"]] == [["Alle skoler"]] * 3


@pytest.mark.parametrize(
    ("label", "phrase"),
    [("Høst 2021", "høsten 2021"), ("Haust 2022", "høsten 2022"), ("våren 2023", "våren 2023"),
     ("Runde 1", "Runde 1")],
)  # fmt: skip
def test_a_round_label_reads_as_a_time_in_a_sentence(label: str, phrase: str) -> None:
    assert round_phrase(label) == phrase
