"""Scale scores from the tidy answer frame: reverse keying, declines and the half-items rule."""

import numpy as np
import pandas as pd

from analytics.scoring import ConstructSpec, item_values, scale_scores, score_constructs
from analytics.simulation import simulate_demo

TRIVSEL = ConstructSpec("trivsel", (("t1", False), ("t2", False), ("t3", False), ("t4", True)))


def answers(rows: list[tuple[int, str, float | None, bool]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["response", "item", "value", "declined"])
    frame["value"] = frame["value"].astype("Float64")
    frame["round"] = 0
    frame["school"] = "S1"
    return frame


def test_a_reverse_keyed_item_is_flipped_before_the_mean() -> None:
    scores = score_constructs(
        answers(
            [(1, "t1", 5, False), (1, "t2", 5, False), (1, "t3", 5, False), (1, "t4", 1, False)]
        ),
        [TRIVSEL],
    )
    assert scores.loc[0, "score"] == 5.0


def test_declined_items_are_missing_not_zero() -> None:
    rows = [(1, "t1", 4, False), (1, "t2", 2, False), (1, "t3", None, True), (1, "t4", None, True)]
    scores = score_constructs(answers(rows), [TRIVSEL])
    assert scores.loc[0, "score"] == 3.0
    assert scores.loc[0, "items_answered"] == 2


def test_fewer_than_half_the_items_answered_gives_no_score() -> None:
    rows = [(1, "t1", 4, False), (1, "t2", None, True), (1, "t3", None, True)]
    scores = score_constructs(answers(rows), [TRIVSEL])
    assert np.isnan(scores.loc[0, "score"])


def test_context_columns_are_carried_to_each_score() -> None:
    scores = score_constructs(answers([(7, "t1", 3, False), (7, "t2", 3, False)]), [TRIVSEL])
    assert scores[["response", "construct", "round", "school"]].iloc[0].tolist() == [
        7,
        "trivsel",
        0,
        "S1",
    ]


def test_scores_match_the_simulators_own_scorer() -> None:
    data = simulate_demo({"pupil": [TRIVSEL]}, seed=3)
    tidy = data.answers.merge(data.responses[["response", "round", "school"]], on="response")
    ours = score_constructs(tidy, [TRIVSEL]).set_index("response")["score"]
    reference = scale_scores(data.answers, data.responses, [TRIVSEL]).set_index("response")["score"]
    assert np.allclose(ours, reference.reindex(ours.index), equal_nan=True)


def test_item_values_are_wide_and_flipped_back() -> None:
    wide = item_values(answers([(1, "t1", 2, False), (1, "t4", 2, False)]), TRIVSEL)
    assert list(wide.columns) == ["t1", "t2", "t3", "t4"]
    assert wide.loc[1, "t4"] == 4.0 and np.isnan(wide.loc[1, "t2"])
