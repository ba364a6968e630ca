"""The figure builders: valid plotly figures that say what higher means and need no inline CSS."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from dashboards.figures import school_figure, trend_figure
from dashboards.figures_items import item_figure, monitor_figure
from dashboards.figures_triangulation import triangulation_figure
from dashboards.items import Distribution
from dashboards.results import Estimate, GoalView, TrendView
from instruments import ScalePoint
from instruments.reading import ConstructInfo, ItemInfo

ROUNDS = ["Høst 2021", "Vår 2022", "Vår 2023"]
KONFLIKT = ConstructInfo("konflikt", {"nb": "Konflikter"}, higher_is_better=False)
ARMS = ("comparison", "intervention")


def _trend(hidden_round: str | None = None) -> TrendView:
    means = {
        (r, a): Estimate(None, suppressed=True) if r == hidden_round else Estimate(2.5, 2.3, 2.7)
        for r in ROUNDS
        for a in ARMS
    }
    changes = {(r, a): Estimate(-0.1, -0.3, 0.1) for r in ROUNDS[1:] for a in ARMS}
    return TrendView("konflikt", "pupil", tuple(ROUNDS), ARMS, means, changes)


def _figures() -> list[dict]:
    item = ItemInfo(
        "k1",
        {"nb": "Krangel"},
        False,
        tuple(ScalePoint(v, {"nb": str(v)}) for v in range(1, 6)),
        False,
    )
    shown = Distribution("Høst 2021", "k1", 40, 2, {1: 0.1, 2: 0.2, 3: 0.3, 4: 0.3, 5: 0.1})
    hidden = Distribution("Vår 2022", "k1", None, None, {}, "primary")
    goal = GoalView("konflikt", "pupil", "change", -0.25, "Vår 2023", "on_track", "", None)
    school_rows = [
        {
            "round": r,
            "arm": Estimate(2.5, 2.3, 2.7),
            "estimate": 2.4,
            "ci_low": 2.2,
            "ci_high": 2.6,
            "observed": 2.3,
            "n": 30,
        }
        for r in ROUNDS
    ]
    return [
        trend_figure(_trend("Vår 2022"), ROUNDS, KONFLIKT, ",\u00a0", goal),
        school_figure(school_rows, ROUNDS, "intervention", KONFLIKT, ",\u00a0"),
        triangulation_figure({"pupil": _trend(), "staff": None}, ROUNDS, ",\u00a0"),
        item_figure(item, [shown, hidden], "nb", ",\u00a0"),
        monitor_figure([{"school": "A", "respondent_type_name": "Elever", "rate": 0.8}], ",\u00a0"),
    ]


@pytest.mark.parametrize("index", range(5))
def test_every_builder_makes_a_figure_plotly_accepts(index: int) -> None:
    go.Figure(_figures()[index])  # raises on any unknown property or bad value


def test_no_figure_text_needs_inline_styles() -> None:
    """plotly.js turns <b>, <i>, <sup> and <span> into style attributes, which CSP blocks."""
    text = json.dumps(_figures(), ensure_ascii=False)
    for tag in ("<b>", "<i>", "<sup>", "<sub>", "<span", "style="):
        assert tag not in text


def test_the_axis_says_when_higher_is_worse() -> None:
    figure = trend_figure(_trend(), ROUNDS, KONFLIKT, ",\u00a0")
    assert "høyere = mer konflikt" in figure["layout"]["yaxis"]["title"]["text"]


def test_a_hidden_round_leaves_a_gap_not_a_number() -> None:
    figure = trend_figure(_trend("Vår 2022"), ROUNDS, KONFLIKT, ",\u00a0")
    lines = [t for t in figure["data"] if t.get("mode") == "lines+markers"]
    assert all(line["y"][1] is None for line in lines)
    assert all(line["connectgaps"] is False for line in lines)


def test_a_change_goal_is_drawn_from_the_first_round_to_its_target() -> None:
    goal = GoalView("konflikt", "pupil", "change", -0.25, "Vår 2023", "on_track", "", None)
    figure = trend_figure(_trend(), ROUNDS, KONFLIKT, ",\u00a0", goal)
    path = next(t for t in figure["data"] if t.get("name", "").startswith("Mål"))
    assert path["x"] == ["Høst 2021", "Vår 2023"]
    assert path["y"] == pytest.approx([2.5, 2.25])


def test_likert_bars_put_the_low_answers_left_of_zero() -> None:
    item = ItemInfo("k1", {}, False, tuple(ScalePoint(v, {}) for v in range(1, 6)), True)
    shares = {1: 0.1, 2: 0.2, 3: 0.4, 4: 0.2, 5: 0.1}
    figure = item_figure(item, [Distribution("R1", "k1", 50, 0, shares)], "nb", ",")
    by_name = {}
    for trace in figure["data"]:
        by_name.setdefault(trace["name"], []).append(trace["x"][0])
    assert by_name["1"] == [pytest.approx(-10)] and by_name["5"] == [pytest.approx(10)]
    assert sorted(by_name["3"]) == [pytest.approx(-20), pytest.approx(20)]
