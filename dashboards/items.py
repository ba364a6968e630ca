"""Answer distributions per item and round, suppressed before they leave this module.

Suppression runs over the whole project hierarchy of each round and item (all schools > arm >
school), with analytics' primary and secondary rules, whatever part the reader asked for: a
school's distribution is hidden when it has too few answers, and also when it could be worked
out from the project's total and the other schools.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from analytics.suppression import suppress_hierarchy


@dataclass(frozen=True)
class Distribution:
    round: str
    item: str
    #: Answers on the scale (declined not included); None when hidden.
    answered: int | None
    declined: int | None
    #: Share of `answered` per scale value; empty when hidden.
    shares: dict[int, float] = field(default_factory=dict)
    #: "", "primary" (too few answers) or "secondary" (could be worked out from totals).
    hidden: str = ""

    @property
    def is_hidden(self) -> bool:
        return bool(self.hidden)


def distributions(
    counts: pd.DataFrame,
    min_group_size: int,
    rounds: Sequence[str],
    items: Sequence[str],
    school: int | None = None,
) -> list[Distribution]:
    """One Distribution per round x item for the whole project, or for one school.

    `counts`: round, school, arm, item, value, declined, count (see
    `queries.item_answer_counts`). Every round x item asked gets a row, hidden or not.
    """
    sizes: dict[tuple, int] = {}
    parents: dict[tuple, tuple | None] = {}
    for round_label in rounds:
        for item in items:
            sizes[("all", round_label, item)] = 0
            parents[("all", round_label, item)] = None
    totals = counts.groupby(["round", "item", "arm", "school"], sort=True)["count"].sum()
    for (round_label, item, arm, school_id), n in totals.items():
        root = ("all", round_label, item)
        if root not in sizes:
            continue
        arm_node = ("arm", round_label, item, arm)
        school_node = ("school", round_label, item, int(school_id))
        sizes[root] += int(n)
        sizes[arm_node] = sizes.get(arm_node, 0) + int(n)
        parents[arm_node] = root
        sizes[school_node] = int(n)
        parents[school_node] = arm_node
    hidden = suppress_hierarchy(sizes, parents, min_group_size)
    part = counts if school is None else counts[counts["school"] == school]
    result = []
    for round_label in rounds:
        for item in items:
            node = ("all", round_label, item) if school is None else None
            if school is not None:
                node = ("school", round_label, item, int(school))
            reason = hidden.get(node, "primary") if sizes.get(node, 0) else "primary"
            cell = part[(part["round"] == round_label) & (part["item"] == item)]
            result.append(_distribution(round_label, item, cell, reason))
    return result


def _distribution(round_label: str, item: str, cell: pd.DataFrame, reason: str) -> Distribution:
    if reason:
        return Distribution(round_label, item, None, None, {}, reason)
    is_declined = cell["declined"].astype(bool)
    declined = int(cell.loc[is_declined, "count"].sum())
    chosen = cell.loc[~is_declined].groupby("value")["count"].sum()
    answered = int(chosen.sum())
    shares = {int(v): float(n) / answered for v, n in chosen.items()} if answered else {}
    return Distribution(round_label, item, answered, declined, shares, "")
