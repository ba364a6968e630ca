"""A hidden figure is explained in words, with the threshold, and never drawn as an empty
chart frame (issue 17: the items page showed empty frames with a tiny «for få svar» label)."""

from __future__ import annotations

from dashboards.charts import item_chart
from dashboards.items import Distribution
from instruments import ScalePoint
from instruments.reading import ItemInfo

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
