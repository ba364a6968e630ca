"""Answer distributions: small schools are hidden, and cannot be worked out from the totals."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboards.items import distributions


def _counts(sizes: dict[int, int]) -> pd.DataFrame:
    """School id -> answers; the first two schools are intervention schools."""
    rows = []
    for school, n in sizes.items():
        arm = "intervention" if school <= 2 else "comparison"
        rows.append(("R1", school, arm, "i1", 1, False, n - n // 2))
        rows.append(("R1", school, arm, "i1", 5, False, n // 2))
    return pd.DataFrame(
        rows, columns=["round", "school", "arm", "item", "value", "declined", "count"]
    )


def test_the_project_distribution_adds_up_to_everyone_who_answered() -> None:
    [found] = distributions(_counts({1: 12, 2: 14, 3: 15, 4: 20}), 10, ["R1"], ["i1"])
    assert found.answered == 61
    assert sum(found.shares.values()) == pytest.approx(1.0)


def test_a_school_with_too_few_answers_is_hidden() -> None:
    [found] = distributions(_counts({1: 4, 2: 14, 3: 15, 4: 20}), 10, ["R1"], ["i1"], school=1)
    assert found.is_hidden and found.hidden == "primary"
    assert found.answered is None and found.shares == {}


def test_a_second_school_is_hidden_so_the_first_cannot_be_subtracted() -> None:
    counts = _counts({1: 4, 2: 14, 3: 15, 4: 20})
    [other] = distributions(counts, 10, ["R1"], ["i1"], school=2)
    assert other.hidden == "secondary"


def test_a_round_without_answers_is_hidden_not_zero() -> None:
    [found] = distributions(_counts({1: 12, 2: 14}), 10, ["R2"], ["i1"])
    assert found.is_hidden
