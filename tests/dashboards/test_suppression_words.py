"""A hidden figure is explained in words, with the threshold, and never drawn as an empty
chart frame (issue 17: the items page showed empty frames with a tiny «for få svar» label)."""

from __future__ import annotations

from dashboards.charts import item_chart, school_chart, trend_chart
from dashboards.items import Distribution
from dashboards.reading import triangulation_sentence
from dashboards.results import Estimate, TrendView
from instruments import ScalePoint
from instruments.reading import ConstructInfo, ItemInfo

ITEM = ItemInfo(
    "k1", {"nb": "Krangel"}, False, tuple(ScalePoint(v, {"nb": str(v)}) for v in range(1, 6)), False
)
SHOWN = Distribution("Høst 2021", "k1", 40, 2, {1: 0.1, 2: 0.2, 3: 0.3, 4: 0.3, 5: 0.1})
FEW = Distribution("Vår 2022", "k1", None, None, {}, "primary")
DERIVED = Distribution("Vår 2023", "k1", None, None, {}, "secondary")


def test_an_item_hidden_in_every_round_has_words_and_no_empty_chart(app) -> None:
    with app.test_request_context():
        chart = item_chart(ITEM, [FEW], min_group_size=10)
    assert chart.figure == {}
    assert chart.sentence == "Vår 2022: færre enn 10 svar – skjult for å verne elevene."


def test_a_partly_hidden_item_says_which_rounds_and_why(app) -> None:
    with app.test_request_context():
        chart = item_chart(ITEM, [SHOWN, FEW, DERIVED], min_group_size=7)
    assert chart.figure
    assert chart.warnings[0] == "Vår 2022: færre enn 7 svar – skjult for å verne elevene."
    assert "Vår 2023: skjult fordi tallet ellers kunne regnes ut fra totalene" in chart.warnings[1]


def test_an_item_with_every_round_shown_has_no_note(app) -> None:
    with app.test_request_context():
        assert item_chart(ITEM, [SHOWN], min_group_size=10).warnings == ()


ROUNDS = ("Høst 2021", "Vår 2022", "Vår 2023")
ARMS = ("comparison", "intervention")
KONFLIKT = ConstructInfo("konflikt", {"nb": "Konflikter"}, higher_is_better=False)


def _trend(hidden: set[tuple[str, str]], min_group_size: int = 10) -> TrendView:
    means = {
        (r, a): Estimate(None, suppressed=True) if (r, a) in hidden else Estimate(2.5, 2.3, 2.7)
        for r in ROUNDS
        for a in ARMS
    }
    changes = {(r, a): Estimate(-0.1, -0.3, 0.1) for r in ROUNDS[1:] for a in ARMS}
    return TrendView(
        "konflikt", "pupil", ROUNDS, ARMS, means, changes, min_group_size=min_group_size
    )


def test_a_trend_with_a_hidden_arm_says_which_rounds_which_arm_and_the_threshold(app) -> None:
    trend = _trend({("Vår 2022", "comparison"), ("Vår 2023", "comparison")}, min_group_size=8)
    with app.test_request_context():
        chart = trend_chart(trend, KONFLIKT, list(ROUNDS), [], {}, {})
    hidden = [w for w in chart.warnings if "skjult for å verne elevene" in w]
    assert len(hidden) == 1
    assert hidden[0].startswith("Vår 2022, Vår 2023, ")
    assert "færre enn 8 svar – skjult for å verne elevene." in hidden[0]
    notes = [row["note"] for row in chart.table.rows]
    assert notes == ["", "færre enn 8 svar – skjult", "færre enn 8 svar – skjult"]


def test_a_trend_with_nothing_hidden_has_no_hidden_note(app) -> None:
    with app.test_request_context():
        chart = trend_chart(_trend(set()), KONFLIKT, list(ROUNDS), [], {}, {})
    assert not [w for w in chart.warnings if "skjult" in w]


def test_triangulation_names_a_hidden_group_with_the_threshold(app) -> None:
    dids = {
        "pupil": Estimate(-0.37, -0.57, -0.17),
        "parent": Estimate(None, suppressed=True),
        "staff": Estimate(-0.47, -0.89, -0.05),
    }
    with app.test_request_context():
        sentence = triangulation_sentence("Konflikter", dids, "Vår 2023", min_group_size=6)
    assert "foresatte: færre enn 6 svar – skjult" in sentence


def test_a_school_with_every_round_hidden_says_so_with_the_threshold(app) -> None:
    rows = [{"round": r, "arm": Estimate(2.5, 2.3, 2.7)} for r in ROUNDS]
    with app.test_request_context():
        chart = school_chart(KONFLIKT, "pupil", "intervention", rows, list(ROUNDS), 10)
    assert chart.figure == {}
    assert "færre enn 10 svar om konflikter" in chart.sentence
    assert "skjult for å verne elevene" in chart.sentence
