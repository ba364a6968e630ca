"""Answer distributions per item and round, suppressed before they leave this module.

Suppression runs over the whole project hierarchy of each round and item (all schools > arm >
school), with analytics' primary and secondary rules, whatever part the reader asked for: a
school's distribution is hidden when it has too few answers, and also when it could be worked
out from the project's total and the other schools. A group's size is the number who answered
the item on its scale: a declined answer is no answer (DESIGN.md, "Privacy model"), so nine
declines beside one answer never make a group of ten.
"""

from __future__ import annotations

from collections import Counter
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
    school: int | str | None = None,
) -> list[Distribution]:
    """One Distribution per round x item for the whole project, or for one school.

    `counts`: round, school, arm, item, value, declined, count (the released snapshot of
    `survey.analysis.snapshots`). Every round x item asked gets a row, hidden or not.
    """
    sizes: dict[tuple, int] = {}
    parents: dict[tuple, tuple | None] = {}
    for round_label in rounds:
        for item in items:
            sizes[("all", round_label, item)] = 0
            parents[("all", round_label, item)] = None
    cells: dict[tuple[str, str], Cell] = {}
    for row in counts.itertuples(index=False):
        n, is_declined = int(row.count), bool(row.declined)
        if school is None or row.school == school:
            cell = cells.setdefault((row.round, row.item), Cell())
            if is_declined:
                cell.declined += n
            else:
                cell.chosen[int(row.value)] += n
        root = ("all", row.round, row.item)
        if is_declined or root not in sizes:
            continue
        arm_node = ("arm", row.round, row.item, row.arm)
        school_node = ("school", row.round, row.item, row.school)
        sizes[root] += n
        sizes[arm_node] = sizes.get(arm_node, 0) + n
        parents[arm_node] = root
        sizes[school_node] = sizes.get(school_node, 0) + n
        parents[school_node] = arm_node
    hidden = suppress_hierarchy(sizes, parents, min_group_size)
    result = []
    for round_label in rounds:
        for item in items:
            node = ("all", round_label, item)
            if school is not None:
                node = ("school", round_label, item, school)
            reason = hidden.get(node, "primary") if sizes.get(node, 0) else "primary"
            cell = cells.get((round_label, item), Cell())
            result.append(_distribution(round_label, item, cell, reason))
    return result


@dataclass
class Cell:
    """The answers of one round x item: declined, and chosen per scale value."""

    declined: int = 0
    chosen: Counter[int] = field(default_factory=Counter)


def _distribution(round_label: str, item: str, cell: Cell, reason: str) -> Distribution:
    if reason:
        return Distribution(round_label, item, None, None, {}, reason)
    answered = sum(cell.chosen.values())
    shares = {v: n / answered for v, n in sorted(cell.chosen.items())} if answered else {}
    return Distribution(round_label, item, answered, cell.declined, shares, "")
