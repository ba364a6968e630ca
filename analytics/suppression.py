"""Small-group suppression, primary and secondary, for tables that add up in a hierarchy.

Primary: a cell with fewer than `min_group_size` respondents is hidden. Secondary: a hidden
cell must not be recoverable by subtraction. In a hierarchy (round total > arm > school >
class) a shown total minus its shown parts gives the hidden part, so:

- a shown parent has no hidden child, or at least two (the smallest other child is hidden);
- a hidden parent has at least one hidden child (else it is the sum of its shown children).

Repeated until nothing changes, these rules leave every hidden cell with at least one other
unknown in each sum it takes part in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping

import pandas as pd

#: DESIGN.md: "never below 5".
LOWEST_MIN_GROUP_SIZE = 5
PRIMARY = "primary"
SECONDARY = "secondary"


def check_min_group_size(min_group_size: int) -> None:
    if min_group_size < LOWEST_MIN_GROUP_SIZE:
        raise ValueError(
            f"min_group_size must be at least {LOWEST_MIN_GROUP_SIZE}, not {min_group_size}"
        )


def suppress_hierarchy(
    sizes: Mapping[Hashable, int], parents: Mapping[Hashable, Hashable | None], min_group_size: int
) -> dict[Hashable, str]:
    """Why each node is hidden ("primary", "secondary") or "" when it may be shown.

    `sizes` gives each node's number of respondents and `parents` its parent (None at a root);
    each parent's size is the sum of its children's.
    """
    check_min_group_size(min_group_size)
    reason: dict[Hashable, str] = {
        node: PRIMARY if size < min_group_size else "" for node, size in sizes.items()
    }
    children: dict[Hashable, list[Hashable]] = defaultdict(list)
    for node, parent in parents.items():
        if parent is not None:
            children[parent].append(node)
    order = {node: index for index, node in enumerate(sizes)}
    changed = True
    while changed:
        changed = False
        for parent, kids in children.items():
            hidden = [kid for kid in kids if reason[kid]]
            shown = sorted(
                (kid for kid in kids if not reason[kid]), key=lambda k: (sizes[k], order[k])
            )
            if not reason[parent] and len(hidden) == 1:
                target = shown[0] if shown else parent
            elif reason[parent] and not hidden and shown:
                target = shown[0]
            else:
                continue
            reason[target] = SECONDARY
            changed = True
    return reason


def suppressed_frame(
    frame: pd.DataFrame, node: str, parent: str, size: str, min_group_size: int
) -> pd.Series:
    """`suppress_hierarchy` over a frame's columns; returns the reason per row."""
    sizes = dict(zip(frame[node], frame[size], strict=True))
    parents = {
        key: (None if pd.isna(up) else up)
        for key, up in zip(frame[node], frame[parent], strict=True)
    }
    reasons = suppress_hierarchy(sizes, parents, min_group_size)
    return frame[node].map(reasons)
