"""From a tidy frame to the ordinal model's counts: answer categories, the round x arm
design (as the trend model names it, without intercept) and counts per school x round x
category, which is all the likelihood needs (analytics.ordinal_likelihood)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from analytics.ordinal_likelihood import CountData
from analytics.trend_design import InsufficientDataError, round_order, treated_indicator


def ordinal_outcome(
    values: pd.Series, short_scale: bool = False, max_categories: int = 9
) -> pd.Series | None:
    """The answers as categories: the values themselves when there are at most
    `max_categories` (one item, or two averaged); for a `short_scale` with more, the values
    rounded half up to whole numbers; otherwise None (too many categories to fit)."""
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    if numbers.nunique() <= max_categories:
        return numbers
    rounded = np.floor(numbers + 0.5)
    return rounded if short_scale and rounded.nunique() <= max_categories else None


@dataclass(frozen=True, eq=False)  # holds arrays
class OrdinalData:
    """The answers compressed to counts, with the labels needed to report on them."""

    counts: CountData
    names: tuple[str, ...]  #: fixed-effect terms, as the trend model names them
    rounds: tuple[str, ...]
    categories: tuple[float, ...]
    n: int
    schools: int


def prepare_ordinal(
    data: pd.DataFrame,
    outcome: str = "score",
    round: str = "round",
    school: str = "school",
    arm: str | None = "arm",
    treated: str = "intervention",
) -> OrdinalData:
    """Validate the columns and count the answers per school x round x category."""
    missing = [c for c in (outcome, round, school, arm) if c and c not in data.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    y = pd.to_numeric(data[outcome], errors="coerce").to_numpy(dtype=float)
    keep = np.isfinite(y) & data[round].notna().to_numpy() & data[school].notna().to_numpy()
    frame, y = data.loc[keep], y[keep]
    categories, category = np.unique(y, return_inverse=True)
    if len(categories) < 2:
        raise InsufficientDataError("Alle svarene er like, så en ordinal modell kan ikke beregnes.")
    rounds, position, _ = round_order(frame[round])
    school_code, school_labels = pd.factorize(frame[school], sort=True)
    if len(school_labels) < 2:
        raise InsufficientDataError("Modellen trenger svar fra minst to skoler.")
    is_treated, _ = treated_indicator(frame, school, arm, treated, school_code)
    x, names = _design(position, is_treated, rounds, has_arm=arm is not None)
    counts = _compress(school_code, position * 2 + is_treated, category, x, len(school_labels))
    return OrdinalData(
        counts=CountData(**counts, categories=len(categories)),
        names=tuple(names),
        rounds=rounds,
        categories=tuple(float(c) for c in categories),
        n=len(y),
        schools=len(school_labels),
    )


def _design(
    position: np.ndarray, is_treated: np.ndarray, rounds: tuple[str, ...], has_arm: bool
) -> tuple[np.ndarray, list[str]]:
    """Round x arm columns without intercept; a column that adds no rank (beside the
    thresholds' intercept) is dropped, as clmm drops aliased coefficients."""
    columns, names = [], []
    for r in range(1, len(rounds)):
        columns.append((position == r).astype(float))
        names.append(f"round{rounds[r]}")
    if has_arm:
        columns.append(is_treated.astype(float))
        names.append("treated")
        for r in range(1, len(rounds)):
            columns.append(((position == r) & (is_treated == 1)).astype(float))
            names.append(f"round{rounds[r]}:treated")
    if not columns:
        return np.zeros((len(position), 0)), []
    full = np.column_stack([np.ones(len(position)), *columns])
    distinct = full[pd.Series(position * 2 + is_treated).drop_duplicates().index.to_numpy()]
    kept = [0]
    for index in range(1, full.shape[1]):
        if np.linalg.matrix_rank(distinct[:, [*kept, index]]) == len(kept) + 1:
            kept.append(index)
    return full[:, kept[1:]], [names[i - 1] for i in kept[1:]]


def _compress(
    school: np.ndarray, cell: np.ndarray, category: np.ndarray, x: np.ndarray, schools: int
) -> dict[str, np.ndarray]:
    """Counts per school x design row x category, with each count row's x."""
    categories = int(category.max()) + 1
    key = (school.astype(np.int64) * (int(cell.max()) + 1) + cell) * categories + category
    unique, first, count = np.unique(key, return_index=True, return_counts=True)
    rows = len(unique)
    member = sparse.csr_matrix(
        (np.ones(rows), (school[first], np.arange(rows))), shape=(schools, rows)
    )
    return {
        "school": school[first].astype(np.int64),
        "category": category[first].astype(np.int64),
        "x": x[first],
        "count": count.astype(float),
        "member": member,
    }
