"""Panel figures: the share of the same pupils who got better, shown only for enough pupils."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.panel import panel_change


def _panel(pupils_per_arm: dict[str, int], step: dict[str, float]) -> pd.DataFrame:
    rows = []
    for arm, count in pupils_per_arm.items():
        for pupil in range(count):
            ident = f"{arm}-{pupil}"
            for number, label in enumerate(["høst", "vår"]):
                change = step[arm] if pupil % 4 else -step[arm]  # one in four the other way
                rows.append(
                    {"pupil": ident, "arm": arm, "round": label, "score": 3 + number * change}
                )
    rows.append({"pupil": None, "arm": "intervention", "round": "vår", "score": 1.0})  # no card
    frame = pd.DataFrame(rows)
    frame["round"] = pd.Categorical(frame["round"], ["høst", "vår"], ordered=True)
    return frame


def test_the_share_of_pupils_whose_konflikt_fell_is_counted_per_pupil() -> None:
    data = _panel({"intervention": 12, "comparison": 12}, {"intervention": -1, "comparison": 1})
    result = panel_change(data, higher_is_better=False, min_group_size=10)
    table = result.table.set_index(["level", "arm"], drop=False)
    assert (result.first_round, result.last_round) == ("høst", "vår")
    assert table.loc[("arm", "intervention"), "share_better"] == pytest.approx(9 / 12)
    assert table.loc[("arm", "comparison"), "share_worse"] == pytest.approx(9 / 12)
    assert table.loc[("alle", None), "n"] == 24  # the response without a card is not a pupil


def test_a_small_arm_is_hidden_and_so_is_the_other_arm() -> None:
    data = _panel({"intervention": 12, "comparison": 4}, {"intervention": -1, "comparison": 1})
    table = panel_change(data, higher_is_better=False, min_group_size=10).table
    assert list(table["suppressed"] != "") == [False, True, True]
    assert table.loc[table["level"] == "arm", "share_better"].isna().all()
    assert table.loc[0, "n"] == 16
