"""Small groups are hidden, and so is whatever would let them be worked out from totals."""

import itertools

import numpy as np
import pandas as pd
import pytest

from analytics.descriptives import describe
from analytics.suppression import suppress_hierarchy


def hidden_cells_are_safe(sizes, parents, reason) -> bool:
    """No hidden cell is the only unknown in a sum: a shown parent has 0 or >= 2 hidden
    children, and a hidden parent has at least one hidden child."""
    children = {}
    for node, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(node)
    for parent, kids in children.items():
        hidden = sum(bool(reason[k]) for k in kids)
        if not reason[parent] and hidden == 1:
            return False
        if reason[parent] and hidden == 0:
            return False
    return True


def test_a_group_below_the_minimum_is_hidden_with_one_sibling() -> None:
    sizes = {"school": 60, "5A": 22, "5B": 4, "6A": 18, "6B": 16}
    parents = {"school": None, "5A": "school", "5B": "school", "6A": "school", "6B": "school"}
    reason = suppress_hierarchy(sizes, parents, 10)
    assert reason == {"school": "", "5A": "", "5B": "primary", "6A": "", "6B": "secondary"}


def test_a_secondarily_hidden_school_hides_one_of_its_own_classes() -> None:
    sizes = {"arm": 50, "S1": 8, "S2": 42, "S2-a": 20, "S2-b": 22, "S1-a": 8}
    parents = {"arm": None, "S1": "arm", "S2": "arm", "S2-a": "S2", "S2-b": "S2", "S1-a": "S1"}
    reason = suppress_hierarchy(sizes, parents, 10)
    assert reason["S1"] == "primary" and reason["S2"] == "secondary"
    assert reason["S2-a"] == "secondary" and reason["S2-b"] == ""


@pytest.mark.parametrize("seed", range(20))
def test_random_hierarchies_leave_no_hidden_cell_recoverable(seed) -> None:
    rng = np.random.default_rng(seed)
    sizes, parents = {"root": 0}, {"root": None}
    for s, c in itertools.product(range(4), range(3)):
        sizes[f"{s}-{c}"] = int(rng.integers(0, 25))
        parents[f"{s}-{c}"] = f"S{s}"
    for s in range(4):
        sizes[f"S{s}"] = sum(sizes[f"{s}-{c}"] for c in range(3))
        parents[f"S{s}"] = "root"
    sizes["root"] = sum(sizes[f"S{s}"] for s in range(4))
    reason = suppress_hierarchy(sizes, parents, 10)
    assert hidden_cells_are_safe(sizes, parents, reason)
    assert all(reason[k] for k, n in sizes.items() if n < 10)


def test_min_group_size_below_five_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 5"):
        suppress_hierarchy({"a": 3}, {"a": None}, 4)


def test_descriptive_tables_arrive_suppressed() -> None:
    rng = np.random.default_rng(1)
    rows = [
        ("0", arm, school, f"{school}-{g}", float(v))
        for arm, school, g, size in [
            ("intervention", "S1", "a", 12),
            ("intervention", "S1", "b", 3),
            ("intervention", "S2", "a", 15),
            ("comparison", "S3", "a", 30),
        ]
        for v in rng.normal(3, 1, size)
        for _ in [g]
    ]
    frame = pd.DataFrame(rows, columns=["round", "arm", "school", "group", "score"])
    table = describe(frame, min_group_size=10).table
    small = table[(table["level"] == "gruppe") & (table["group"] == "S1-b")].iloc[0]
    assert small["suppressed"] == "primary" and np.isnan(small["mean"]) and np.isnan(small["n"])
    sibling = table[(table["level"] == "gruppe") & (table["group"] == "S1-a")].iloc[0]
    assert sibling["suppressed"] == "secondary" and np.isnan(sibling["mean"])
    shown = table[table["suppressed"] == ""]
    assert (shown["n"] >= 10).all()


def test_parents_tables_stop_at_the_school() -> None:
    frame = pd.DataFrame({"round": 0, "arm": "comparison", "school": ["S1"] * 12, "score": 3.0})
    table = describe(frame, group=None).table
    assert list(table["level"]) == ["alle", "arm", "skole"]
    assert "Beskrivende tall" in describe(frame, group=None).summary()
